"""Voluntary suspension (A7): up to the policy maximum, resumed on request or by the clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from accounts.settings import AccountsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

NewAccount = Callable[..., Awaitable[str]]
Problem = Callable[[httpx.Response, int], str]
MoveClock = Callable[[datetime], Awaitable[None]]
SetBalance = Callable[[str, str], Awaitable[dict[str, Any]]]
EVENTS = ["accounts.account.suspended", "accounts.account.resumed", "accounts.account.blocked"]
START = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def _suspend(client: httpx.AsyncClient, headers: dict[str, str], account_id: str,
                   days: Any) -> httpx.Response:
    return await client.post(f"/v1/accounts/{account_id}/suspension", json={"days": days},
                             headers=headers)


async def test_a_subscriber_suspends_and_resumes_its_account(
    client: httpx.AsyncClient, token_signer: TokenSigner, settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock,
) -> None:
    await move_clock(START)
    account_id = await new_account()
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        created = await _suspend(client, own, account_id, 14)
        assert created.status_code == 201, created.text
        assert _at(created.json()["until"]) - _at(created.json()["from"]) == timedelta(days=14)
        read = (await client.get(f"/v1/accounts/{account_id}", headers=own)).json()
        assert read["status"] == "suspended" and read["suspension"] == created.json()
        resumed = await client.delete(f"/v1/accounts/{account_id}/suspension", headers=own)
        assert resumed.status_code == 200, resumed.text
        assert (resumed.json()["status"], resumed.json()["suspension"]) == ("active", None)
        [suspended] = await tap.wait_for("accounts.account.suspended", account_id=account_id)
        [ended] = await tap.wait_for("accounts.account.resumed", account_id=account_id)
    assert (suspended.data["from"], suspended.data["until"]) == ("2027-03-10", "2027-03-24")
    assert ended.data["from"] == "2027-03-10" and ended.data["until"] == "2027-03-10"


@pytest.mark.parametrize("days", [0, -1, 61, 10_000, "x", 1.5, None, True])
async def test_a_suspension_outside_1_to_the_maximum_is_refused(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    problem: Problem, days: Any,
) -> None:
    account_id = await new_account()
    problem(await _suspend(client, operator, account_id, days), 422)
    read = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
    assert (read["status"], read["suspension"]) == ("active", None)


async def test_only_an_active_account_is_suspended_and_only_a_suspended_one_resumed(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    problem: Problem, audit_actions: Callable[[str], Awaitable[list[str]]],
) -> None:
    account_id = await new_account()
    assert problem(await client.delete(f"/v1/accounts/{account_id}/suspension",
                                       headers=operator), 409) == "account-not-suspended"
    first = await _suspend(client, operator, account_id, 60)
    assert first.status_code == 201
    assert problem(await _suspend(client, operator, account_id, 5), 409) == "account-not-active"
    read = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
    assert read["suspension"] == first.json()
    assert (await audit_actions(account_id)).count("account.suspended") == 1
    problem(await _suspend(client, operator, "nobody", 5), 404)


async def test_the_clock_resumes_a_suspension_once(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock,
) -> None:
    await move_clock(START)
    account_id = await new_account()
    until = _at((await _suspend(client, operator, account_id, 3)).json()["until"])
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        await move_clock(until - timedelta(seconds=5))
        assert (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()[
            "status"] == "suspended"
        await move_clock(until + timedelta(days=2))
        await move_clock(until + timedelta(days=3))
        [resumed] = await tap.wait_for("accounts.account.resumed", account_id=account_id)
        sentinel = await new_account()
        await _suspend(client, operator, sentinel, 1)
        await tap.wait_for("accounts.account.suspended", account_id=sentinel)
    assert resumed.data["until_at"] == until.isoformat().replace("+00:00", "Z")
    assert len([e for e in tap.events if e.routing_key == "accounts.account.resumed"]) == 1
    read = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
    assert (read["status"], read["suspension"]) == ("active", None)


async def test_a_prepaid_account_that_went_negative_resumes_blocked(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, move_clock: MoveClock, set_balance: SetBalance,
) -> None:
    await move_clock(START)
    account_id = await new_account(payment_mode="prepaid")
    until = _at((await _suspend(client, operator, account_id, 2)).json()["until"])
    assert (await set_balance(account_id, "-4.00"))["status"] == "suspended"
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        await move_clock(until + timedelta(hours=1))
        [blocked] = await tap.wait_for("accounts.account.blocked", account_id=account_id)
    assert blocked.data["reason"] == "negative_balance"
    assert (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()[
        "status"] == "blocked"
