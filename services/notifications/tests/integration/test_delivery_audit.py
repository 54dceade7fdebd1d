"""Delivery status changes are audited: sent, failed and the SMSC's receipts, each one row about
the message with its actor and the correlation id of the event that called for it; an attempt
that leaves a delivery pending leaves no row."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import aio_pika
import httpx
from notifications.adapters.smsc_simulator import SmscSimulator
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from tarifa.auth import Role
from tarifa.db import prepare_database
from tarifa.messaging.catalogue import AccountOpened, InvoiceIssued
from tarifa.messaging.envelope import CloudEvent
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

Rows = list[dict[str, Any]]
DISPATCHER = {"subject": "notifications.dispatcher", "role": "system"}
SMSC = {"subject": "notifications.smsc", "role": "system"}


async def _open(settings: NotificationsSettings, delivery: dict[str, str]) -> str:
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language="en", email="customer@example.md",
        customer_name="Ion Popescu", bill_delivery=delivery))
    return account_id


async def _issue(settings: NotificationsSettings, account_id: str) -> CloudEvent:
    invoice_id = str(uuid.uuid4())
    return await publish_event(settings.amqp_url, InvoiceIssued(
        invoice_id=invoice_id, number=f"TF-2026/{invoice_id[:6]}", account_id=account_id,
        period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
        total_charges=Decimal("69.60"), amount_due=Decimal("69.60"),
        due_date=date(2026, 6, 16), currency="MDL"), subject=account_id)


async def _until(client: httpx.AsyncClient, token_signer: TokenSigner, channel: str, account_id: str,
                 done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    rows: Rows = []
    for _ in range(300):
        response = await client.get("/v1/notifications", params={"account_id": account_id},
                                    headers=bearer(token_signer, Role.OPERATOR))
        assert response.status_code == 200, response.text
        rows = [row for row in response.json() if row["channel"] == channel]
        if len(rows) == 1 and done(rows[0]):
            return rows[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"{channel} delivery of {account_id} never got there: {rows}")


async def _code_row(client: httpx.AsyncClient, token_signer: TokenSigner, number: str) -> dict[str, Any]:
    rows: Rows = []
    for _ in range(600):
        response = await client.get("/v1/notifications", params={"event": "notifications.otp"},
                                    headers=bearer(token_signer, Role.OPERATOR))
        assert response.status_code == 200, response.text
        rows = [row for row in response.json() if row["recipient"] == number]
        if rows and rows[0]["status"] != "pending":
            return rows[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"the code for {number} was never recorded: {response.json()}")


def _brief(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["action"], row["actor"], (row["before"] or {}).get("status"),
            row["after"]["status"])


async def test_a_sent_sms_and_its_receipt_are_audited(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    number = "+3736" + str(uuid.uuid4().int)[:7]
    account_id = await _open(settings, {"medium": "paper", "address": "Chișinău", "sms": number})
    issued = await _issue(settings, account_id)
    row = await _until(client, token_signer, "sms", account_id, lambda r: r["status"] == "delivered")
    sent, delivered = await audit_rows(client, "message", row["id"])
    assert [_brief(sent), _brief(delivered)] == [
        ("message.sent", DISPATCHER, "pending", "sent"),
        ("message.delivered", SMSC, "sent", "delivered")]
    assert sent["correlation_id"] == delivered["correlation_id"] == issued.correlation_id
    assert (sent["after"]["recipient"], sent["after"]["event_id"]) == (number, issued.id)


async def test_a_pending_retry_leaves_no_row_and_the_send_one(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner, smtp: Any,
    invoicing: Any,
) -> None:
    account_id = await _open(settings, {"medium": "ebill", "email": "audit@example.md"})
    issued = await _issue(settings, account_id)
    invoicing.documents[issued.data["invoice_id"]] = b"%PDF-1.7\n%%EOF\n"
    waiting = await _until(client, token_signer, "email", account_id, lambda r: r["attempts"] >= 2)
    assert waiting["status"] == "pending"
    assert await audit_rows(client, "message", waiting["id"]) == []
    smtp.start()
    await _until(client, token_signer, "email", account_id, lambda r: r["status"] == "sent")
    [sent] = await audit_rows(client, "message", waiting["id"])
    assert _brief(sent) == ("message.sent", DISPATCHER, "pending", "sent")
    assert sent["correlation_id"] == issued.correlation_id
    assert sent["before"]["attempts"] >= 2 and sent["before"]["last_error"]


async def test_a_delivery_given_up_is_audited_as_failed(
    settings: NotificationsSettings, token_signer: TokenSigner,
) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    limited = settings.model_copy(update={"send_max_attempts": 2})
    async with running_client(build_app(limited)) as client:
        account_id = await _open(settings, {"medium": "ebill", "email": "gone@example.md"})
        issued = await _issue(settings, account_id)
        row = await _until(client, token_signer, "email", account_id, lambda r: r["status"] == "failed")
        [failed] = await audit_rows(client, "message", row["id"])
    assert _brief(failed) == ("message.failed", DISPATCHER, "pending", "failed")
    assert failed["correlation_id"] == issued.correlation_id
    assert failed["after"]["last_error"] == "the invoice PDF is not available yet"
    assert failed["after"]["attempts"] == 2


async def test_a_one_time_code_sent_is_audited_by_its_consumer(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    number, message_id = "+3736" + str(uuid.uuid4().int)[:7], str(uuid.uuid4())
    body = {"msisdn": number, "code": "QZ123456", "language": "en",
            "expires_at": (datetime.now(UTC) + timedelta(minutes=15)).isoformat()}
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.default_exchange.publish(aio_pika.Message(
            json.dumps(body).encode(), message_id=message_id, content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key="notifications.otp")
    row = await _code_row(client, token_signer, number)
    sent, *receipted = await audit_rows(client, "message", row["id"])
    assert (sent["action"], sent["actor"], sent["before"], sent["after"]["status"]) == (
        "message.sent", {"subject": "notifications.otp", "role": "system"}, None, "sent")
    assert sent["correlation_id"] == sent["after"]["event_id"] == message_id
    # The SMSC's receipt may come before the row is written (then it finds no sent delivery).
    assert [(_brief(r), r["correlation_id"]) for r in receipted] in (
        [], [(("message.delivered", SMSC, "sent", "delivered"), message_id)])
    assert "QZ123456" not in json.dumps([sent, *receipted])


async def test_messages_sent_in_one_pass_are_audited_each_under_its_own_correlation(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner, smtp: Any,
    invoicing: Any,
) -> None:
    accounts = [await _open(settings, {"medium": "ebill", "email": f"pass{n}@example.md"})
                for n in range(2)]
    issued = [await _issue(settings, account_id) for account_id in accounts]
    for event in issued:
        invoicing.documents[event.data["invoice_id"]] = b"%PDF-1.7\n%%EOF\n"
    waiting = [await _until(client, token_signer, "email", account_id, lambda r: r["attempts"] >= 1)
               for account_id in accounts]
    smtp.start()
    for account_id in accounts:
        await _until(client, token_signer, "email", account_id, lambda r: r["status"] == "sent")
    rows = [await audit_rows(client, "message", row["id"]) for row in waiting]
    assert [[(_brief(row), row["correlation_id"]) for row in found] for found in rows] == [
        [(("message.sent", DISPATCHER, "pending", "sent"), event.correlation_id)]
        for event in issued]
    assert issued[0].correlation_id != issued[1].correlation_id
