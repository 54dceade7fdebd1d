"""SMS over SMPP: real PostgreSQL, RabbitMQ and the SMSC simulator as a real TCP server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from notifications.adapters.smsc_simulator import ReceivedSms, SmscSimulator
from notifications.settings import NotificationsSettings
from tarifa.messaging.catalogue import (
    AccountBlocked,
    AccountOpened,
    AccountResumed,
    AccountSuspended,
    AccountUnblocked,
    BalanceChanged,
    BonusAwarded,
    DetailedBillReady,
    EventData,
    InvoiceIssued,
    PaymentFailed,
    PaymentSucceeded,
    PromisedPaymentExpired,
    PromisedPaymentGranted,
)
from tarifa.messaging.envelope import CloudEvent
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

Rows = list[dict[str, Any]]
UDHI = 0b01000000


def _number() -> str:
    return "+3736" + str(uuid.uuid4().int)[:7]


async def _open(settings: NotificationsSettings, *, language: str, sms: str | None = None,
                phone: str | None = None, medium: str = "paper") -> str:
    account_id = str(uuid.uuid4())
    delivery: dict[str, str] = {"medium": medium, "address": "Chișinău"}
    if sms:
        delivery["sms"] = sms
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language=language, email="customer@example.md",
        phone=phone, customer_name="Ion Popescu", bill_delivery=delivery))
    return account_id


async def _issue(settings: NotificationsSettings, account_id: str) -> CloudEvent:
    invoice_id = str(uuid.uuid4())
    return await publish_event(settings.amqp_url, InvoiceIssued(
        invoice_id=invoice_id, number=f"TF-2026/{invoice_id[:6]}", account_id=account_id,
        period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
        total_charges=Decimal("69.60"), amount_due=Decimal("69.60"),
        due_date=date(2026, 6, 16), currency="MDL"), subject=account_id)


async def _sms_rows(client: httpx.AsyncClient, secret: str, account_id: str) -> Rows:
    response = await client.get("/v1/notifications", params={"account_id": account_id},
                                headers=bearer(secret))
    assert response.status_code == 200, response.text
    return [row for row in response.json() if row["channel"] == "sms"]


async def _until(client: httpx.AsyncClient, secret: str, account_id: str,
                 done: Callable[[Rows], bool]) -> Rows:
    rows: Rows = []
    for _ in range(300):
        rows = await _sms_rows(client, secret, account_id)
        if done(rows):
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f"SMS deliveries of {account_id} never got there: {rows}")


def _all(status: str, count: int = 1) -> Callable[[Rows], bool]:
    return lambda rows: len(rows) == count and all(row["status"] == status for row in rows)


async def _received(smsc: SmscSimulator, number: str, count: int = 1) -> list[ReceivedSms]:
    for _ in range(300):
        if len(smsc.to(number)) >= count:
            return smsc.to(number)
        await asyncio.sleep(0.1)
    raise AssertionError(f"the SMSC never got {count} messages for {number}: {smsc.messages}")


async def test_an_issued_invoice_sends_an_sms_notice_in_romanian_as_ucs2(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    number = _number()
    account_id = await _open(settings, language="ro", sms=number)
    issued = await _issue(settings, account_id)
    [sms] = await _received(smsc, number)
    [row] = await _until(client, token_signer, account_id, _all("delivered"))
    number_text = issued.data["number"]
    assert sms.text == (f"Factura {number_text}: de plată 69.60 MDL până la 16.06.2026. Plătiți "
                        "online în contul de abonat, la oficii sau la terminale (contul "
                        f"{account_id}).")
    assert sms.data_coding == 8 and sms.source == "Tarifa" and sms.receipt_requested
    assert sms.segments > 1 and smsc.binds == ["tarifa"]
    assert row["recipient"] == number and row["event_id"] == issued.id
    assert len(smsc.to(number)) == 1


async def test_a_long_russian_notice_is_split_into_segments_and_reassembled(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    number = _number()
    account_id = await _open(settings, language="ru", sms=number)
    issued = await _issue(settings, account_id)
    [sms] = await _received(smsc, number)
    await _until(client, token_signer, account_id, _all("delivered"))
    expected = (f"Счёт {issued.data['number']}: к оплате 69.60 MDL до 16.06.2026. Оплатить можно "
                "онлайн в личном кабинете, в офисах или терминалах (лицевой счёт "
                f"{account_id}).")
    parts = [s for s in smsc.submits if s.destination.number == number.removeprefix("+")]
    assert sms.text == expected and sms.data_coding == 8
    assert sms.segments == len(parts) == -(-len(expected) // 67) >= 3
    assert all(part.esm_class & UDHI and part.encoding == "ucs2" for part in parts)
    assert [part.get_segmentation_data()[1] for part in parts] == list(range(1, len(parts) + 1))


def _notices(account_id: str) -> list[tuple[EventData, str]]:
    until = datetime(2026, 6, 4, 7, 30, tzinfo=UTC)
    return [
        (PaymentSucceeded(payment_id="p1", account_id=account_id, payer=None,
                          amount=Decimal("25.00"), currency="MDL", purpose="invoice",
                          invoice_id=None, channel="card"),
         "We received your payment of 25.00 MDL"),
        (PaymentFailed(payment_id="p2", account_id=account_id, reason="declined"),
         "A payment for account"),
        (BalanceChanged(account_id=account_id, balance=Decimal("-5.00"), currency="MDL",
                        cause="usage"), "is negative: -5.00 MDL"),
        (AccountBlocked(account_id=account_id, reason="debt"), "is blocked for an unpaid balance"),
        (AccountUnblocked(account_id=account_id, reason="paid"), "is unblocked"),
        (PromisedPaymentGranted(account_id=account_id, until=until),
         "active until 2026-06-04 10:30"),
        (PromisedPaymentExpired(account_id=account_id, until=until), "has expired"),
        (AccountSuspended.model_validate({"account_id": account_id, "from": "2026-06-01",
                                          "until": "2026-06-30"}),
         "from 2026-06-01 until 2026-06-30"),
        (AccountResumed.model_validate({"account_id": account_id, "from": "2026-06-01",
                                        "until": "2026-06-30"}), "are active again"),
        (DetailedBillReady(account_id=account_id, document_id="d1"), "detailed bill"),
        (BonusAwarded(account_id=account_id, points=300, reason="ebill"),
         "You received 300 bonus points"),
    ]


async def test_each_notice_is_sent_once_per_event_in_gsm_7(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    phone = _number()
    account_id = await _open(settings, language="en", phone=phone)
    notices = _notices(account_id)
    for data, _text in notices:
        event = await publish_event(settings.amqp_url, data, subject=account_id)
        await publish_event(settings.amqp_url, data, subject=account_id, event_id=event.id)
    for balance in ("-9.00", "3.00"):
        await publish_event(settings.amqp_url, BalanceChanged(
            account_id=account_id, balance=Decimal(balance), currency="MDL", cause="usage"))
    rows = await _until(client, token_signer, account_id, _all("delivered", len(notices)))
    received = await _received(smsc, phone, len(notices))
    assert len(received) == len(notices) == len({row["event_id"] for row in rows})
    for (data, text), sms in zip(notices, sorted(received, key=lambda s: _order(s, notices)),
                                 strict=True):
        assert text in sms.text, (data.routing_key, sms.text)
        assert sms.data_coding == 0 and sms.segments == 1


def _order(sms: ReceivedSms, notices: list[tuple[EventData, str]]) -> int:
    return next(i for i, (_data, text) in enumerate(notices) if text in sms.text)


async def test_the_balance_notice_comes_again_only_after_it_was_positive(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    number = _number()
    account_id = await _open(settings, language="ro", sms=number)
    for balance in ("-1.00", "-2.00", "4.00", "-3.50", "-7.00"):
        await publish_event(settings.amqp_url, BalanceChanged(
            account_id=account_id, balance=Decimal(balance), currency="MDL", cause="usage"))
    await _until(client, token_signer, account_id, _all("delivered", 2))
    received = await _received(smsc, number, 2)
    assert sorted(sms.text.split(": ")[1].split(" ")[0] for sms in received) == ["-1.00", "-3.50"]
    assert all(sms.data_coding == 8 for sms in received)


async def test_an_smsc_down_at_first_is_retried_until_it_takes_the_message(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    number = _number()
    account_id = await _open(settings, language="en", sms=number)
    await publish_event(settings.amqp_url, PaymentFailed(
        payment_id="p1", account_id=account_id, reason="declined"), subject=account_id)
    waiting = await _until(client, token_signer, account_id, lambda rows: len(rows) == 1 and (
        rows[0]["last_error"] or "").startswith("SMSC unreachable") and rows[0]["attempts"] >= 2)
    assert waiting[0]["status"] == "pending"
    await smsc.start()
    [sms] = await _received(smsc, number)
    [row] = await _until(client, token_signer, account_id, _all("delivered"))
    assert row["attempts"] > waiting[0]["attempts"] and "failed" in sms.text
    assert len(smsc.to(number)) == 1
