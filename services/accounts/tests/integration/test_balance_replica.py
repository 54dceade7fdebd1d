"""The balance replica kept from invoicing's events: newest wins, redeliveries change nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
from accounts.settings import AccountsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.messaging.catalogue import BalanceChanged
from tarifa.messaging.envelope import new_event
from tarifa.testing.events import publish_event, publish_raw

NewAccount = Callable[..., Awaitable[str]]


async def _balance_becomes(client: httpx.AsyncClient, headers: dict[str, str], account_id: str,
                           expected: str) -> None:
    for _ in range(100):
        response = await client.get(f"/v1/accounts/{account_id}", headers=headers)
        if response.json()["balance"] == expected:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"balance of {account_id} is {response.json()['balance']}, not {expected}")


async def _audited(settings: AccountsSettings, account_id: str) -> int:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(text(
                "SELECT count(*) FROM audit WHERE target_id = :id "
                "AND action = 'balance.replicated'"), {"id": account_id}) or 0)
    finally:
        await engine.dispose()


def _changed(account_id: str, balance: str) -> BalanceChanged:
    return BalanceChanged(account_id=account_id, balance=Decimal(balance), currency="MDL",
                          cause="usage")


async def test_a_published_balance_reaches_the_account(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount,
) -> None:
    account_id = await new_account()
    await publish_event(settings.amqp_url, _changed(account_id, "-12.5"), subject=account_id)
    await _balance_becomes(client, operator, account_id, "-12.50")


async def test_redelivered_and_stale_balances_change_nothing(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount,
) -> None:
    account_id, sentinel = await new_account(), await new_account()
    now = datetime.now(UTC)
    first = new_event("invoicing", "invoicing.balance.changed", _changed(account_id, "10.00"),
                      now=now, subject=account_id)
    stale = new_event("invoicing", "invoicing.balance.changed", _changed(account_id, "55.00"),
                      now=now - timedelta(hours=1), subject=account_id)
    for event in (first, first, stale):
        await publish_raw(settings.amqp_url, event.routing_key, event.model_dump_json().encode(),
                          event.id)
    await publish_event(settings.amqp_url, _changed(account_id, "99.00"), event_id=first.id)
    await publish_event(settings.amqp_url, _changed(sentinel, "1.00"), subject=sentinel)
    await _balance_becomes(client, operator, sentinel, "1.00")
    await _balance_becomes(client, operator, account_id, "10.00")
    assert await _audited(settings, account_id) == 1
