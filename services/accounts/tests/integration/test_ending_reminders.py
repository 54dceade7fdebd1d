"""A day before a suspension or a promised payment ends, the account is reminded of it, once.

Through the HTTP API, the real database and broker: the events leave through the outbox and are
audited; later passes (another clock move, the periodic check) remind of nothing again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from accounts.settings import AccountsSettings
from tarifa.testing.events import tap_events

NewAccount = Callable[..., Awaitable[str]]
MoveClock = Callable[[datetime], Awaitable[None]]
SetBalance = Callable[[str, str], Awaitable[dict[str, Any]]]
Actions = Callable[[str], Awaitable[list[str]]]
START = datetime(2027, 9, 1, 9, 0, tzinfo=UTC)
EVENTS = ["accounts.account.resuming", "accounts.promised_payment.expiring"]


async def test_a_suspension_and_a_promise_are_reminded_of_a_day_before_they_end_once(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock, set_balance: SetBalance,
    audit_actions: Actions,
) -> None:
    await move_clock(START)
    suspended = await new_account(payment_mode="postpaid")
    made = await client.post(f"/v1/accounts/{suspended}/suspension", json={"days": 5},
                             headers=operator)
    assert made.status_code == 201, made.text
    promised = await new_account(payment_mode="prepaid")
    await set_balance(promised, "-2.00")
    granted = await client.post(f"/v1/accounts/{promised}/promised-payment", headers=operator)
    assert granted.status_code == 201, granted.text
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        await move_clock(START + timedelta(days=1))  # nothing ends within a day yet
        await move_clock(START + timedelta(days=2, hours=12))  # the promise (3 days) does
        [expiring] = await tap.wait_for("accounts.promised_payment.expiring",
                                        account_id=promised)
        await move_clock(START + timedelta(days=4, hours=1))  # the suspension (5 days) does
        [resuming] = await tap.wait_for("accounts.account.resuming", account_id=suspended)
        await move_clock(START + timedelta(days=4, hours=2))
    assert expiring.data["until"] == granted.json()["until"].replace("+00:00", "Z")
    assert (resuming.data["from"], resuming.data["until"]) == ("2027-09-01", "2027-09-06")
    mine = [e for e in tap.events if e.data["account_id"] in (suspended, promised)]
    assert len(mine) == 2
    assert (await audit_actions(promised)).count("promised_payment.reminded") == 1
    assert (await audit_actions(suspended)).count("suspension.reminded") == 1
    read = (await client.get(f"/v1/accounts/{suspended}", headers=operator)).json()
    assert read["status"] == "suspended"  # a reminder changes nothing else
