"""The notices of an autopay mandate the system ended and of a registry row returned to its
payer: real PostgreSQL, RabbitMQ, SMSC simulator and SMTP server. Each is told once in the
account's language, a redelivery changes nothing, and what the subscriber did itself (autopay
switched off) or what names no account (a row that matched none) is told to nobody."""

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
from tarifa.messaging.catalogue import AccountOpened, AutopayEnded, EventData, RegistryRowReturned
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

ENDED_AT = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)


async def _open(settings: NotificationsSettings, language: str, phone: str | None,
                email: str) -> str:
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language=language, email=email, phone=phone,
        customer_name="Ion Popescu", bill_delivery={"medium": "paper"}))
    return account_id


async def _twice(settings: NotificationsSettings, data: EventData, subject: str | None) -> None:
    """The same event delivered twice, as a broker may do."""
    event = await publish_event(settings.amqp_url, data, subject=subject)
    await publish_event(settings.amqp_url, data, subject=subject, event_id=event.id)


def _ended(account_id: str, reason: str) -> AutopayEnded:
    return AutopayEnded(account_id=account_id, mode="invoice", reason=reason, ended_at=ENDED_AT,
                        payment_method_id=str(uuid.uuid4()))


def _returned(account_id: str | None, amount: Decimal | None, given: str) -> RegistryRowReturned:
    return RegistryRowReturned(
        registry_id=str(uuid.uuid4()), row=2, reference="R-77", amount=amount, amount_given=given,
        currency="MDL", channel="registry", sender="partner:bank", problem="currency_mismatch",
        reason="wrong currency", resolved_by="operator:op", resolved_at=ENDED_AT,
        account_id=account_id)


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


async def _rows(client: httpx.AsyncClient, secret: TokenSigner, account_id: str,
                event: str) -> list[Any]:
    response = await client.get("/v1/notifications", params={"account_id": account_id,
                                                             "event": event},
                                headers=bearer(secret))
    assert response.status_code == 200, response.text
    return [row for row in response.json() if row["status"] in ("sent", "delivered")]


def _phone(prefix: str) -> str:
    return prefix + str(uuid.uuid4().int)[:6]


async def test_an_autopay_the_system_ended_is_told_once_in_the_account_language(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator, mailbox: Any,
) -> None:
    await smsc.start()
    ro_phone, ru_phone, own_phone = _phone("+37360"), _phone("+37361"), _phone("+37362")
    en_email = f"{uuid.uuid4().hex[:8]}@example.md"
    ro = await _open(settings, "ro", ro_phone, "ro@example.md")
    ru = await _open(settings, "ru", ru_phone, "ru@example.md")
    en = await _open(settings, "en", None, en_email)
    own = await _open(settings, "ro", own_phone, "own@example.md")
    await _twice(settings, _ended(ro, "account_closed"), ro)
    await _twice(settings, _ended(ru, "mode_unsuitable"), ru)
    await _twice(settings, _ended(en, "account_closed"), en)
    await _twice(settings, _ended(own, "cancelled"), own)
    ro_sms, ru_sms, en_mail = await _sms(smsc, ro_phone), await _sms(smsc, ru_phone), \
        await _mail(mailbox, en_email)
    assert ro_sms.text == (f"Plata automată pentru contul {ro} a fost oprită: contul a fost "
                           "închis. Cardul dumneavoastră nu mai este debitat automat pentru "
                           "acest cont.")
    assert ru_sms.text == (f"Автоплатёж по лицевому счёту {ru} отключён: изменился способ "
                           "оплаты лицевого счёта. С карты больше не будут автоматически "
                           "списываться средства за этот счёт.")
    body = en_mail.get_content()
    assert en_mail["Subject"] == "Autopay switched off" and body.startswith("Hello, Ion Popescu!")
    assert (f"Autopay for account {en} has been switched off: the account was closed. Your "
            "card is no longer charged automatically for this account.") in body
    await asyncio.sleep(1.0)
    assert len(smsc.to(ro_phone)) == len(smsc.to(ru_phone)) == len(mailbox.to(en_email)) == 1
    assert smsc.to(own_phone) == [] and mailbox.to("own@example.md") == []
    event = "payments.autopay.ended"
    assert [len(await _rows(client, token_signer, a, event)) for a in (ro, ru, en, own)] == [
        1, 1, 1, 0]


async def test_a_returned_row_is_told_once_to_the_account_it_names_only(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator, mailbox: Any,
) -> None:
    await smsc.start()
    ru_phone = _phone("+37363")
    en_email = f"{uuid.uuid4().hex[:8]}@example.md"
    ru = await _open(settings, "ru", ru_phone, "ru@example.md")
    en = await _open(settings, "en", None, en_email)
    await _twice(settings, _returned(ru, Decimal("20.00"), "20.00"), ru)
    await _twice(settings, _returned(en, None, "20,00"), en)
    await _twice(settings, _returned(None, Decimal("5.00"), "5.00"), None)
    ru_sms, en_mail = await _sms(smsc, ru_phone), await _mail(mailbox, en_email)
    assert ru_sms.text == (f"Платёж 20.00 MDL (референс R-77) на лицевой счёт {ru} не удалось "
                           "зачислить, он возвращается плательщику: wrong currency.")
    assert en_mail["Subject"] == "Payment returned"
    assert (f"A payment of 20,00 MDL (reference R-77) for account {en} could not be credited "
            "and is being returned to the payer: wrong currency.") in en_mail.get_content()
    await asyncio.sleep(1.0)
    assert len(smsc.to(ru_phone)) == len(mailbox.to(en_email)) == 1
    event = "payments.registry_row.returned"
    assert [len(await _rows(client, token_signer, a, event)) for a in (ru, en)] == [1, 1]
