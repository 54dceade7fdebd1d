"""Policy values come from the settings, and the periodic check catches up without a clock move."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import httpx
import pytest_asyncio
from accounts.bootstrap import build_app
from accounts.settings import AccountsSettings
from tarifa.clock import ControllableClock
from tarifa.testing.apps import running_client

NewAccount = Callable[..., Awaitable[str]]
Problem = Callable[[httpx.Response, int], str]
POLICY = {"ebill_bonus_points": 50, "suspension_max_days": 5, "promised_payment_days": 1,
          "promised_payment_reuse_days": 2, "jobs_interval": 0.1}


@pytest_asyncio.fixture
async def settings(settings: AccountsSettings) -> AccountsSettings:
    return settings.model_copy(update=POLICY)


async def test_the_bonus_and_the_suspension_maximum_follow_the_policy(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    problem: Problem,
) -> None:
    account_id = await new_account(bill_delivery={"medium": "paper"})
    switched = await client.put(f"/v1/accounts/{account_id}/bill-delivery",
                                json={"medium": "ebill"}, headers=operator)
    assert switched.json()["bonus_points"] == 50
    path = f"/v1/accounts/{account_id}/suspension"
    problem(await client.post(path, json={"days": 6}, headers=operator), 422)
    assert (await client.post(path, json={"days": 5}, headers=operator)).status_code == 201


async def test_a_promise_lasts_the_policy_length(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    set_balance: Callable[[str, str], Awaitable[object]],
) -> None:
    account_id = await new_account(payment_mode="prepaid")
    await set_balance(account_id, "-1.00")
    before = datetime.fromisoformat((await client.get("/v1/test/clock")).json()["now"])
    granted = await client.post(f"/v1/accounts/{account_id}/promised-payment", headers=operator)
    until = datetime.fromisoformat(granted.json()["until"])
    assert timedelta(days=1) <= until - before < timedelta(days=1, minutes=1)


async def test_the_periodic_check_resumes_without_a_clock_move(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
) -> None:
    app = build_app(settings)
    clock = app.state.runtime.clock
    assert isinstance(clock, ControllableClock)
    async with running_client(app) as second:
        customer = (await client.post("/v1/customers", json={
            "kind": "person", "name": "Ana", "language": "ro", "email": "ana@example.md"},
            headers=operator)).json()["id"]
        account_id = (await second.post("/v1/accounts", headers=operator, json={
            "customer_id": customer, "payment_mode": "postpaid", "currency": "MDL",
            "timezone": "Europe/Chisinau", "bill_delivery": {"medium": "ebill"}})).json()["id"]
        suspended = await second.post(f"/v1/accounts/{account_id}/suspension",
                                      json={"days": 1}, headers=operator)
        clock.set(datetime.fromisoformat(suspended.json()["until"]) + timedelta(hours=1))
        for _ in range(100):
            read = (await second.get(f"/v1/accounts/{account_id}", headers=operator)).json()
            if read["status"] == "active":
                break
            await asyncio.sleep(0.1)
    assert (read["status"], read["suspension"]) == ("active", None)
