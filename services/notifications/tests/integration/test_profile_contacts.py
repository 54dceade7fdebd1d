"""Profile changes from accounts reach the contacts replica through its consumer: the next
notices go in the new language to the new addresses; late updates change only the fields no
later update changed; a repeated event is applied once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import httpx
from notifications.settings import NotificationsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.messaging.catalogue import AccountOpened, AccountUpdated, InvoiceIssued
from tarifa.messaging.envelope import CloudEvent, new_event
from tarifa.testing.events import publish_event, publish_raw

PDF = b"%PDF-1.7\n% signed invoice\n%%EOF\n"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _profile(account_id: str, **fields: Any) -> AccountUpdated:
    profile = {"customer_name": "Ion Popescu", "customer_kind": "person",
               "email": "ion@example.md", "phone": "+37369000001",
               "address": "str. Ștefan cel Mare 1", "language": "ro"} | fields
    return AccountUpdated(account_id=account_id, **profile)


async def _at(settings: NotificationsSettings, data: AccountUpdated, at: datetime,
              event_id: str | None = None) -> CloudEvent:
    event = new_event("test", data.routing_key, data, now=at, subject=data.account_id)
    if event_id:
        event = event.model_copy(update={"id": event_id})
    await publish_raw(settings.amqp_url, data.routing_key, event.model_dump_json().encode(),
                      event.id)
    return event


async def _open(settings: NotificationsSettings) -> str:
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language="ro", email="ion@example.md",
        phone="+37369000001", customer_name="Ion Popescu",
        bill_delivery={"medium": "ebill", "email": "ion@example.md"}), subject=account_id)
    return account_id


async def _contact(settings: NotificationsSettings, account_id: str,
                   done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    engine = create_async_engine(settings.dsn)
    row: dict[str, Any] = {}
    try:
        for _ in range(200):
            async with engine.connect() as conn:
                found = (await conn.execute(text("SELECT * FROM contacts WHERE account_id = :id"),
                                            {"id": account_id})).mappings().first()
            row = dict(found) if found else {}
            if row and done(row):
                return row
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()
    raise AssertionError(f"the contact of {account_id} never got there: {row}")


async def _handled(settings: NotificationsSettings, event_id: str) -> None:
    engine = create_async_engine(settings.dsn)
    try:
        for _ in range(200):
            async with engine.connect() as conn:
                if await conn.scalar(text("SELECT count(*) FROM inbox WHERE event_id = :id"),
                                     {"id": event_id}):
                    return
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()
    raise AssertionError(f"event {event_id} was never handled")


async def _mail_to(mailbox: Any, recipient: str) -> EmailMessage:
    for _ in range(300):
        if mailbox.to(recipient):
            message: EmailMessage = mailbox.to(recipient)[0]
            return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {recipient}")


async def test_the_next_ebill_goes_to_the_new_address_in_the_new_language_and_name(
    client: httpx.AsyncClient, settings: NotificationsSettings, mailbox: Any, invoicing: Any,
) -> None:
    account_id = await _open(settings)
    await _contact(settings, account_id, lambda row: row["language"] == "ro")
    update = _profile(account_id, customer_name="Maria Rusu", email="maria@example.md",
                      language="en", bill_delivery={"medium": "ebill",
                                                    "email": "maria@example.md"})
    await publish_event(settings.amqp_url, update, subject=account_id)
    await _contact(settings, account_id, lambda row: row["language"] == "en")
    invoice_id = str(uuid.uuid4())
    invoicing.documents[invoice_id] = PDF
    await publish_event(settings.amqp_url, InvoiceIssued(
        invoice_id=invoice_id, number="TF-2026/000001", account_id=account_id,
        period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
        total_charges=Decimal("69.60"), amount_due=Decimal("69.60"),
        due_date=date(2026, 11, 16), currency="MDL"), subject=account_id)
    message = await _mail_to(mailbox, "maria@example.md")
    assert message["Subject"] == "Invoice TF-2026/000001 for 2026-10-01 – 2026-10-31"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and "Maria Rusu" in str(body.get_content())
    assert mailbox.to("ion@example.md") == []


async def test_late_updates_change_only_the_fields_no_later_update_changed(
    client: httpx.AsyncClient, settings: NotificationsSettings,
) -> None:
    account_id = await _open(settings)
    await _contact(settings, account_id, lambda row: row["language"] == "ro")
    await _at(settings, _profile(account_id, language="en", phone="+37369000003"),
              T0 + timedelta(hours=2))
    await _contact(settings, account_id, lambda row: row["language"] == "en")
    older = await _at(settings, _profile(account_id, language="ru", email=None,
                                         phone="+37369000002"), T0 + timedelta(hours=1))
    delivery = await _at(settings, AccountUpdated(account_id=account_id, bill_delivery={
        "medium": "ebill", "email": "bills@example.md", "sms": "+37369000009"}), T0)
    await _handled(settings, older.id)
    await _handled(settings, delivery.id)
    row = await _contact(settings, account_id, lambda row: row["bill_email"] == "bills@example.md")
    assert (row["language"], row["phone"], row["email"]) == ("en", "+37369000003",
                                                            "ion@example.md")
    assert (row["medium"], row["bill_sms"]) == ("ebill", "+37369000009")


async def test_a_profile_removes_what_it_leaves_empty_and_a_delivery_update_does_not(
    client: httpx.AsyncClient, settings: NotificationsSettings,
) -> None:
    account_id = await _open(settings)
    await _contact(settings, account_id, lambda row: row["language"] == "ro")
    removed = _profile(account_id, phone=None, language="ru")
    first = await _at(settings, removed, T0 + timedelta(hours=1))
    await _contact(settings, account_id, lambda row: row["phone"] is None)
    await _at(settings, AccountUpdated(account_id=account_id, bill_delivery={
        "medium": "paper", "address": "bd. Dacia 10"}), T0 + timedelta(hours=2))
    row = await _contact(settings, account_id, lambda row: row["medium"] == "paper")
    assert (row["language"], row["email"], row["customer_name"]) == ("ru", "ion@example.md",
                                                                    "Ion Popescu")
    await _at(settings, _profile(account_id, language="en"), T0 + timedelta(hours=3),
              event_id=first.id)
    marker = await _at(settings, AccountUpdated(account_id=account_id, bill_delivery={
        "medium": "ebill", "email": "ion@example.md"}), T0 + timedelta(hours=4))
    await _handled(settings, marker.id)
    row = await _contact(settings, account_id, lambda row: row["medium"] == "ebill")
    assert (row["language"], row["phone"]) == ("ru", None)
