"""Rules of credit notes and detailed bills."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from invoicing.domain.credit_note import CreditError, check_credit, credit_vat, fully_credited
from invoicing.domain.detailed_bill import DetailedBillError, check_interval, window_start


@pytest.mark.parametrize(("amount", "credited"), [("0", "0"), ("-1", "0"), ("24.01", "0"),
                                                  ("4.01", "20.00"), ("0.01", "24.00")])
def test_a_credit_is_positive_and_within_what_is_left(amount: str, credited: str) -> None:
    with pytest.raises(CreditError):
        check_credit(Decimal(amount), Decimal("24.00"), Decimal(credited))


def test_the_last_cent_may_be_credited_and_then_the_invoice_is_credited() -> None:
    check_credit(Decimal("4.00"), Decimal("24.00"), Decimal("20.00"))
    assert fully_credited(Decimal("24.00"), Decimal("24.00"))
    assert not fully_credited(Decimal("24.00"), Decimal("23.99"))


def test_the_vat_of_a_credit_follows_the_invoice_and_rounds_half_up() -> None:
    assert credit_vat(Decimal("10.00"), Decimal("24.00"), Decimal("4.00"), "MDL") == Decimal("1.67")
    assert credit_vat(Decimal("0.03"), Decimal("0.06"), Decimal("0.01"), "MDL") == Decimal("0.01")
    assert credit_vat(Decimal("5"), Decimal("0"), Decimal("0"), "MDL") == 0


@pytest.mark.parametrize(("today", "months", "start"), [
    (date(2026, 6, 10), 3, date(2026, 3, 10)), (date(2026, 5, 31), 3, date(2026, 2, 28)),
    (date(2026, 2, 15), 3, date(2025, 11, 15)), (date(2024, 5, 31), 3, date(2024, 2, 29)),
    (date(2026, 1, 1), 12, date(2025, 1, 1))])
def test_the_window_starts_the_same_day_months_back(today: date, months: int,
                                                    start: date) -> None:
    assert window_start(today, months) == start


def test_an_interval_lies_within_the_window_and_not_in_the_future() -> None:
    today = date(2026, 6, 10)
    check_interval(date(2026, 3, 10), today, today, 3)
    for start, end in ((date(2026, 3, 9), today), (date(2026, 6, 1), date(2026, 6, 11)),
                       (date(2026, 6, 2), date(2026, 6, 1))):
        with pytest.raises(DetailedBillError):
            check_interval(start, end, today, 3)
