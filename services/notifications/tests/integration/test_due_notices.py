"""The notices of what comes due (reminder, overdue, promise expiring, suspension ending): real
PostgreSQL, RabbitMQ, SMSC simulator and SMTP server; each in its language, once per event."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from notifications.adapters.smsc_simulator import ReceivedSms, SmscSimulator
from notifications.settings import NotificationsSettings
from tarifa.messaging.catalogue import (
    AccountOpened,
    AccountResuming,
    EventData,
    InvoiceOverdue,
    InvoiceReminded,
    PromisedPaymentExpiring,
)
from tarifa.testing.events import publish_event

UNTIL = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)


async def _open(settings: NotificationsSettings, language: str, phone: str | None,
                email: str) -> str:
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="prepaid", currency="MDL",
        timezone="Europe/Chisinau", language=language, email=email, phone=phone,
        customer_name="Ion Popescu", bill_delivery={"medium": "paper"}))
    return account_id


async def _twice(settings: NotificationsSettings, data: EventData, account_id: str) -> None:
    """The same event delivered twice, as a broker may do."""
    event = await publish_event(settings.amqp_url, data, subject=account_id)
    await publish_event(settings.amqp_url, data, subject=account_id, event_id=event.id)


async def _sms(smsc: SmscSimulator, number: str, count: int) -> list[ReceivedSms]:
    for _ in range(300):
        if len(smsc.to(number)) >= count:
            return list(smsc.to(number))
        await asyncio.sleep(0.1)
    raise AssertionError(f"not {count} SMS for {number}: {smsc.messages}")


async def _mail(mailbox: Any, recipient: str, count: int) -> list[EmailMessage]:
    for _ in range(300):
        if len(mailbox.to(recipient)) >= count:
            return list(mailbox.to(recipient))
        await asyncio.sleep(0.1)
    raise AssertionError(f"not {count} emails for {recipient}")


def _events(account_id: str) -> list[EventData]:
    return [
        InvoiceReminded(invoice_id="inv-7", account_id=account_id, number="TRF-2026-000007",
                        due_date=date(2026, 6, 16), amount_due=Decimal("69.60"), currency="MDL"),
        InvoiceOverdue(invoice_id="inv-7", account_id=account_id),
        PromisedPaymentExpiring(account_id=account_id, until=UNTIL),
        AccountResuming(account_id=account_id, from_=date(2026, 6, 1), until=date(2026, 6, 5),
                        from_at=datetime(2026, 6, 1, 9, tzinfo=UTC), until_at=UNTIL),
    ]


async def test_each_due_notice_is_sent_once_in_the_subscribers_language(
    settings: NotificationsSettings, smsc: SmscSimulator, mailbox: Any, client: Any,
) -> None:
    await smsc.start()
    ro_phone, ru_phone = "+37362" + str(uuid.uuid4().int)[:6], "+37363" + str(uuid.uuid4().int)[:6]
    en_email = f"{uuid.uuid4().hex[:8]}@example.md"
    ro = await _open(settings, "ro", ro_phone, "ro@example.md")
    ru = await _open(settings, "ru", ru_phone, "ru@example.md")
    en = await _open(settings, "en", None, en_email)
    for account_id in (ro, ru, en):
        for data in _events(account_id):
            await _twice(settings, data, account_id)
    ro_sms, ru_sms = await _sms(smsc, ro_phone, 4), await _sms(smsc, ru_phone, 4)
    en_mail = await _mail(mailbox, en_email, 4)
    ro_texts = sorted(sms.text for sms in ro_sms)
    assert (f"Factura TRF-2026-000007 de 69.60 MDL a contului {ro} trebuie achitată până la "
            "16.06.2026. Dacă ați plătit deja, ignorați acest mesaj.") in ro_texts
    assert any("expiră la 05.06.2026 12:00" in text for text in ro_texts)
    assert any("nu a fost achitată la termen" in text for text in ro_texts)
    ru_texts = " ".join(sms.text for sms in ru_sms)
    assert "Счёт TRF-2026-000007 на 69.60 MDL" in ru_texts and "до 16.06.2026" in ru_texts
    assert "заканчивается 05.06.2026" in ru_texts and "не оплачен в срок" in ru_texts
    subjects = sorted(message["Subject"] for message in en_mail)
    assert subjects == ["Invoice overdue", "Payment reminder", "Promised payment ends tomorrow",
                        "Suspension ends tomorrow"]
    assert all(m.get_content().startswith("Hello, Ion Popescu!") for m in en_mail)
    await asyncio.sleep(0.5)  # what duplicates would need to arrive
    assert len(smsc.to(ro_phone)) == len(smsc.to(ru_phone)) == len(mailbox.to(en_email)) == 4
