"""The daily settling at scale: many accounts' suspensions and promises end, each settled once.

Through the HTTP API, the real database and broker: accounts are suspended or given a promise,
the clock jumps past their end, and every one is resumed or expired once, with its events and
its audit rows dated when it fell due (the chunks themselves are the unit tests' subject).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from accounts.settings import AccountsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.testing.events import tap_events

NewAccount = Callable[..., Awaitable[str]]
MoveClock = Callable[[datetime], Awaitable[None]]
SetBalance = Callable[[str, str], Awaitable[dict[str, Any]]]
START = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
EVENTS = ["accounts.account.resumed", "accounts.promised_payment.expired",
          "accounts.account.blocked"]


async def _audit(settings: AccountsSettings, ids: list[str]) -> list[tuple[str, str, datetime]]:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT target_id, action, at FROM audit WHERE target_id = ANY(:ids)"
                " AND actor = 'system:scheduler' ORDER BY id"), {"ids": ids})
            return [(row[0], row[1], row[2]) for row in rows]
    finally:
        await engine.dispose()


async def test_ended_suspensions_and_promises_are_each_settled_once(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock, set_balance: SetBalance,
) -> None:
    await move_clock(START)
    suspended = [await new_account(payment_mode="postpaid") for _ in range(6)]
    promised = [await new_account(payment_mode="prepaid") for _ in range(4)]
    for account_id in suspended:
        made = await client.post(f"/v1/accounts/{account_id}/suspension", json={"days": 3},
                                 headers=operator)
        assert made.status_code == 201, made.text
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        for account_id in promised:
            await set_balance(account_id, "-3.00")
            await tap.wait_for("accounts.account.blocked", account_id=account_id)
            granted = await client.post(f"/v1/accounts/{account_id}/promised-payment",
                                        headers=operator)
            assert granted.status_code in (200, 201), granted.text
        await move_clock(START + timedelta(days=20))
        await move_clock(START + timedelta(days=21))  # a second pass finds nothing due
        for account_id in suspended:
            await tap.wait_for("accounts.account.resumed", account_id=account_id)
        for account_id in promised:
            await tap.wait_for("accounts.account.blocked", count=2, account_id=account_id)
    # Only what the jump caused, not the blocks of the balances set before it.
    keys = [(e.routing_key, e.data["account_id"]) for e in tap.events
            if e.time >= START + timedelta(days=20)]
    assert sorted(keys) == sorted([("accounts.account.resumed", a) for a in suspended]
                                  + [("accounts.promised_payment.expired", a) for a in promised]
                                  + [("accounts.account.blocked", a) for a in promised])
    audit = await _audit(settings, suspended + promised)
    assert sorted((a, action) for a, action, _ in audit) == sorted(
        [(a, "account.resumed") for a in suspended]
        + [(a, "promised_payment.expired") for a in promised])
    # Dated when each suspension ended (the test clock runs on from START), not at the jump.
    ends = START + timedelta(days=3)
    assert all(ends <= at < ends + timedelta(minutes=1) for a, _, at in audit if a in suspended)
    for account_id in promised:
        read = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
        assert (read["status"], read["promised_payment"]) == ("blocked", None)


async def test_a_clock_move_answers_at_once_and_its_jobs_run_in_the_background(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock,
) -> None:
    await move_clock(START)
    account_id = await new_account(payment_mode="postpaid")
    made = await client.post(f"/v1/accounts/{account_id}/suspension", json={"days": 2},
                             headers=operator)
    assert made.status_code == 201, made.text
    async with tap_events(settings.amqp_url, ["accounts.account.resumed"]) as tap:
        moved = await client.put("/v1/test/clock",
                                 json={"now": (START + timedelta(days=3)).isoformat()})
        assert moved.status_code == 202, moved.text
        assert moved.json()["now"].startswith("2027-06-04T09:00")
        settled = await client.get("/v1/test/clock", params={"wait": "true"})
        assert (settled.json()["pending"], settled.json()["failed"]) == (0, 0)
        read = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
        assert read["status"] == "active"  # the move's jobs have run by now
        await tap.wait_for("accounts.account.resumed", account_id=account_id)
