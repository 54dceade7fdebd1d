"""The autopay failed notice: real PostgreSQL, RabbitMQ, SMSC simulator and SMTP server."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import httpx
from notifications.adapters.smsc_simulator import ReceivedSms, SmscSimulator
from notifications.settings import NotificationsSettings
from tarifa.messaging.catalogue import AccountOpened, AutopayFailed
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

NEXT = datetime(2026, 6, 4, 7, 30, tzinfo=UTC)


async def _open(settings: NotificationsSettings, language: str, phone: str | None,
                email: str) -> str:
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language=language, email=email, phone=phone,
        customer_name="Ion Popescu", bill_delivery={"medium": "paper"}))
    return account_id


async def _fail_twice(settings: NotificationsSettings, account_id: str,
                      next_attempt_at: datetime | None) -> None:
    """The same event delivered twice, as a broker may do."""
    data = AutopayFailed(account_id=account_id, invoice_id="inv-1", attempt=2,
                         next_attempt_at=next_attempt_at, reason="card_declined",
                         amount=Decimal("69.60"), currency="MDL")
    event = await publish_event(settings.amqp_url, data, subject=account_id)
    await publish_event(settings.amqp_url, data, subject=account_id, event_id=event.id)


async def _sms(smsc: SmscSimulator, number: str) -> ReceivedSms:
    for _ in range(300):
        if smsc.to(number):
            return smsc.to(number)[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no SMS for {number}: {smsc.messages}")


async def _mail(mailbox: Any, recipient: str) -> EmailMessage:
    for _ in range(300):
        if mailbox.to(recipient):
            message: EmailMessage = mailbox.to(recipient)[0]
            return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no email for {recipient}")


async def _rows(client: httpx.AsyncClient, secret: TokenSigner, account_id: str) -> list[Any]:
    response = await client.get("/v1/notifications", params={"account_id": account_id},
                                headers=bearer(secret))
    assert response.status_code == 200, response.text
    return [row for row in response.json() if row["status"] in ("sent", "delivered")]


async def test_autopay_failed_is_told_once_in_each_language(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator, mailbox: Any,
) -> None:
    await smsc.start()
    ro_phone, ru_phone = "+37360" + str(uuid.uuid4().int)[:6], "+37361" + str(uuid.uuid4().int)[:6]
    en_email = f"{uuid.uuid4().hex[:8]}@example.md"
    ro = await _open(settings, "ro", ro_phone, "ro@example.md")
    ru = await _open(settings, "ru", ru_phone, "ru@example.md")
    en = await _open(settings, "en", None, en_email)
    await _fail_twice(settings, ro, NEXT)
    await _fail_twice(settings, ru, NEXT)
    await _fail_twice(settings, en, None)
    ro_sms, ru_sms, en_mail = await _sms(smsc, ro_phone), await _sms(smsc, ru_phone), \
        await _mail(mailbox, en_email)
    assert ro_sms.text == (f"Plata automată de 69.60 MDL pentru contul {ro} nu a reușit "
                           "(încercarea 2: card_declined). Următoarea încercare: 04.06.2026 "
                           "10:30. Verificați cardul sau plătiți în contul de abonat.")
    assert ru_sms.text == (f"Автоплатёж 69.60 MDL по лицевому счёту {ru} не прошёл (попытка 2: "
                           "card_declined). Следующая попытка: 04.06.2026 10:30. Проверьте "
                           "карту или оплатите в личном кабинете.")
    body = en_mail.get_content()
    assert en_mail["Subject"] == "Autopay failed" and body.startswith("Hello, Ion Popescu!")
    assert (f"The automatic payment of 69.60 MDL for account {en} failed (attempt 2: "
            "card_declined). Next attempt: —.") in body
    await asyncio.sleep(0.5)
    assert len(smsc.to(ro_phone)) == len(smsc.to(ru_phone)) == len(mailbox.to(en_email)) == 1
    assert [len(await _rows(client, token_signer, a)) for a in (ro, ru, en)] == [1, 1, 1]
