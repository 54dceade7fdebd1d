"""A detailed bill's PDF lists each record in the account's language: local time, the number
called or calling, the type, the duration or volume, the zone or roaming country, the price."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from invoicing.adapters.pdf import PdfRenderer
from invoicing.domain.account import BillingAccount
from invoicing.domain.detailed_bill import DetailedBill, DetailedBillStatus, records_statement
from invoicing.domain.usage_record import UsageRecord

from .conftest import pdf_text

CALL = UsageRecord("r1", "37369000001", datetime(2026, 11, 3, 8, 15, 7, tzinfo=UTC), "voice",
                   "out", "national", 90, "37322123456", None, Decimal("0.90"), Decimal("0.18"),
                   Decimal("1.08"))
ABROAD = UsageRecord("r2", "37369000001", datetime(2026, 11, 20, 19, 5, tzinfo=UTC), "data",
                     "out", "roaming", 1_048_576, None, "RO", Decimal("5.00"), Decimal("1.00"),
                     Decimal("6.00"))
EXPECTED = {
    "ro": ["Factură detaliată", "Data și ora", "Apelat/apelant", "Zonă / țară", "Preț", "Apeluri",
           "03.11.2026 10:15:07", "37322123456", "național", "90 sec", "20.11.2026 21:05:00",
           "roaming RO", "Date mobile", "1.048.576 octeți", "1,08", "6,00", "7,08"],
    "ru": ["Детализация счёта", "Дата и время", "Номер абонента", "Зона / страна", "Стоимость", "Звонки",
           "03.11.2026 10:15:07", "37322123456", "по стране", "90 сек", "20.11.2026 21:05:00",
           "роуминг RO", "Мобильный интернет", "1 048 576 байт", "1,08", "6,00", "7,08"],
    "en": ["Detailed bill", "Date and time", "Called/calling", "Zone / country", "Price", "Calls",
           "2026-11-03 10:15:07", "37322123456", "national", "90 s", "2026-11-20 21:05:00",
           "roaming RO", "Mobile data", "1,048,576 bytes", "1.08", "6.00", "7.08"],
}


def _statement(language: str) -> object:
    account = BillingAccount(account_id="a-1", currency="MDL", payment_mode="postpaid",
                             customer_name="Ion Popescu",
                             language=language, timezone="Europe/Chisinau")
    bill = DetailedBill("b-1", "a-1", date(2026, 11, 1), date(2026, 11, 30), "out",
                        DetailedBillStatus.PENDING, Decimal("50.00"), "MDL",
                        datetime(2026, 12, 1, tzinfo=UTC), month="2026-11")
    return records_statement(bill, account, [ABROAD, CALL], datetime(2026, 12, 1, tzinfo=UTC))


@pytest.mark.parametrize("language", ["ro", "ru", "en"])
async def test_each_record_is_a_row_in_the_account_language_and_local_time(
        renderer: PdfRenderer, tmp_path: Path, language: str) -> None:
    [pdf] = await renderer.render([_statement(language)])  # type: ignore[list-item]
    text = pdf_text(pdf, tmp_path)
    for expected in EXPECTED[language]:
        assert expected in text, (language, expected)
    assert text.index("37322123456") < text.index(" RO")
