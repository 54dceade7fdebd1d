"""Postpaid blocking (A5): an overdue invoice blocks its account once the grace period (by
default the end of the month the invoice is due) has passed; paying unblocks it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from accounts.settings import AccountsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.messaging.catalogue import InvoiceIssued, InvoiceOverdue, InvoicePaid
from tarifa.testing.events import publish_event, tap_events

NewAccount = Callable[..., Awaitable[str]]
MoveClock = Callable[[datetime], Awaitable[None]]
SetBalance = Callable[[str, str], Awaitable[dict[str, Any]]]
CHISINAU = ZoneInfo("Europe/Chisinau")
EVENTS = ["accounts.account.blocked", "accounts.account.unblocked"]


async def _invoice_row(settings: AccountsSettings, invoice_id: str) -> dict[str, Any] | None:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT * FROM invoices WHERE invoice_id = :id"),
                                      {"id": invoice_id})).mappings().first()
            return dict(row) if row else None
    finally:
        await engine.dispose()


async def _until_row(settings: AccountsSettings, invoice_id: str,
                     ready: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    for _ in range(100):
        row = await _invoice_row(settings, invoice_id)
        if row is not None and ready(row):
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"invoice {invoice_id} never reached the replica as expected")


async def _issue(settings: AccountsSettings, account_id: str, due: date) -> str:
    invoice_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, InvoiceIssued(
        invoice_id=invoice_id, number=f"T-{invoice_id[:8]}", account_id=account_id,
        period_start=due.replace(day=1), period_end=due, total_charges=Decimal("120.00"),
        amount_due=Decimal("120.00"), due_date=due, currency="MDL"), subject=account_id)
    await _until_row(settings, invoice_id, lambda row: row["due_date"] == due)
    return invoice_id


async def _overdue(settings: AccountsSettings, account_id: str, invoice_id: str) -> datetime:
    await publish_event(settings.amqp_url, InvoiceOverdue(invoice_id=invoice_id,
                                                          account_id=account_id),
                        subject=account_id)
    row = await _until_row(settings, invoice_id, lambda row: row["blocks_at"] is not None)
    return datetime.fromisoformat(str(row["blocks_at"]))


async def _status(client: httpx.AsyncClient, operator: dict[str, str], account_id: str) -> str:
    return str((await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()["status"])


async def _until_status(client: httpx.AsyncClient, operator: dict[str, str], account_id: str,
                        status: str) -> None:
    for _ in range(100):
        if await _status(client, operator, account_id) == status:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"account {account_id} never became {status}")


async def test_an_overdue_invoice_blocks_after_the_end_of_its_month_and_paying_unblocks(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock, set_balance: SetBalance,
) -> None:
    await move_clock(datetime(2027, 3, 17, 9, 0, tzinfo=UTC))
    account_id = await new_account(payment_mode="postpaid")
    await set_balance(account_id, "-120.00")
    invoice_id = await _issue(settings, account_id, date(2027, 3, 16))
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        blocks_at = await _overdue(settings, account_id, invoice_id)
        assert blocks_at == datetime(2027, 4, 1, tzinfo=CHISINAU)
        await move_clock(blocks_at - timedelta(minutes=1))
        assert await _status(client, operator, account_id) == "active"
        await move_clock(blocks_at + timedelta(minutes=1))
        assert await _status(client, operator, account_id) == "blocked"
        await publish_event(settings.amqp_url, InvoicePaid(invoice_id=invoice_id,
                                                           account_id=account_id),
                            subject=account_id)
        await _until_status(client, operator, account_id, "active")
        [blocked] = await tap.wait_for("accounts.account.blocked", account_id=account_id)
        [unblocked] = await tap.wait_for("accounts.account.unblocked", account_id=account_id)
    assert (blocked.data["reason"], unblocked.data["reason"]) == ("invoice_overdue", "invoice_paid")


async def test_an_invoice_announced_overdue_after_its_grace_blocks_at_once_until_the_balance_is_settled(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock, set_balance: SetBalance,
) -> None:
    await move_clock(datetime(2027, 5, 3, 9, 0, tzinfo=UTC))
    account_id = await new_account(payment_mode="postpaid")
    await set_balance(account_id, "-80.00")
    invoice_id = await _issue(settings, account_id, date(2027, 4, 16))
    await _overdue(settings, account_id, invoice_id)
    await _until_status(client, operator, account_id, "blocked")
    assert (await set_balance(account_id, "0.00"))["status"] == "active"


async def test_a_postpaid_account_with_one_of_two_overdue_invoices_paid_stays_blocked(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock, set_balance: SetBalance,
) -> None:
    await move_clock(datetime(2027, 8, 2, 9, 0, tzinfo=UTC))
    account_id = await new_account(payment_mode="postpaid")
    await set_balance(account_id, "-200.00")
    first = await _issue(settings, account_id, date(2027, 6, 16))
    second = await _issue(settings, account_id, date(2027, 7, 16))
    for invoice_id in (first, second):
        await _overdue(settings, account_id, invoice_id)
    await _until_status(client, operator, account_id, "blocked")
    await publish_event(settings.amqp_url, InvoicePaid(invoice_id=first, account_id=account_id),
                        subject=account_id)
    await _until_row(settings, first, lambda row: row["paid_at"] is not None)
    assert await _status(client, operator, account_id) == "blocked"
    await publish_event(settings.amqp_url, InvoicePaid(invoice_id=second, account_id=account_id),
                        subject=account_id)
    await _until_status(client, operator, account_id, "active")


async def test_a_prepaid_account_ignores_invoice_events(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock, set_balance: SetBalance,
) -> None:
    await move_clock(datetime(2027, 9, 20, 9, 0, tzinfo=UTC))
    account_id = await new_account(payment_mode="prepaid")
    await set_balance(account_id, "5.00")
    invoice_id = await _issue(settings, account_id, date(2027, 8, 16))
    await _overdue(settings, account_id, invoice_id)
    await move_clock(datetime(2027, 10, 2, 9, 0, tzinfo=UTC))
    assert await _status(client, operator, account_id) == "active"
