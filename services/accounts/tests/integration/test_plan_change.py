"""Plan changes (A8) now or from the next period, and the prepaid one-fee rule (A5)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from accounts.settings import AccountsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .conftest import new_msisdn

NewAccount = Callable[..., Awaitable[str]]
PublishPlan = Callable[..., Awaitable[str]]
AddLine = Callable[..., Awaitable[httpx.Response]]
Problem = Callable[[httpx.Response, int], str]
MoveClock = Callable[[datetime], Awaitable[None]]
SetBalance = Callable[[str, str], Awaitable[dict[str, Any]]]
START = datetime(2027, 5, 20, 10, 0, tzinfo=UTC)


async def _line(add_line: AddLine, account_id: str, plan: str) -> str:
    msisdn = new_msisdn()
    response = await add_line(account_id, msisdn=msisdn, plan_code=plan)
    assert response.status_code == 201, response.text
    return msisdn


async def _change(client: httpx.AsyncClient, headers: dict[str, str], msisdn: str,
                  **body: Any) -> httpx.Response:
    return await client.post(f"/v1/lines/{msisdn}/plan-change", json=body, headers=headers)


async def _plans_of(client: httpx.AsyncClient, headers: dict[str, str], account_id: str) -> list[str]:
    lines = (await client.get(f"/v1/accounts/{account_id}/lines", headers=headers)).json()
    return [line["plan_code"] for line in lines]


async def test_a_subscriber_changes_its_plan_now(
    client: httpx.AsyncClient, token_signer: TokenSigner, settings: AccountsSettings,
    new_account: NewAccount, publish_plan: PublishPlan, add_line: AddLine,
) -> None:
    account_id = await new_account()
    old, new = await publish_plan(), await publish_plan()
    msisdn = await _line(add_line, account_id, old)
    await _line(add_line, account_id, new)  # the new plan has reached the replica
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    async with tap_events(settings.amqp_url, ["accounts.line.plan_changed"]) as tap:
        response = await _change(client, own, msisdn, plan_code=new, when="now")
        assert response.status_code == 200, response.text
        [event] = await tap.wait_for("accounts.line.plan_changed", msisdn=msisdn)
    assert (response.json()["from_plan"], response.json()["to_plan"]) == (old, new)
    assert {k: event.data[k] for k in ("from_plan", "to_plan", "account_id")} == {
        "from_plan": old, "to_plan": new, "account_id": account_id}
    assert datetime.fromisoformat(event.data["effective_at"]) == datetime.fromisoformat(
        response.json()["effective_at"])
    assert await _plans_of(client, own, account_id) == [new, new]


async def test_a_change_from_the_next_period_takes_effect_on_the_first_of_next_month(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    publish_plan: PublishPlan, add_line: AddLine, move_clock: MoveClock,
) -> None:
    await move_clock(START)
    account_id = await new_account(timezone="Europe/Chisinau")
    old, new = await publish_plan(), await publish_plan()
    await _line(add_line, account_id, new)
    msisdn = await _line(add_line, account_id, old)
    response = await _change(client, operator, msisdn, plan_code=new, when="next_period")
    assert response.status_code == 200, response.text
    first_of_june = datetime(2027, 6, 1, tzinfo=ZoneInfo("Europe/Chisinau"))
    assert datetime.fromisoformat(response.json()["effective_at"]) == first_of_june
    assert response.json()["effective_at"].endswith("+03:00")
    assert sorted(await _plans_of(client, operator, account_id)) == sorted([new, old])
    await move_clock(first_of_june - timedelta(minutes=1))
    assert sorted(await _plans_of(client, operator, account_id)) == sorted([new, old])
    await move_clock(first_of_june + timedelta(days=40))
    assert await _plans_of(client, operator, account_id) == [new, new]


async def test_a_prepaid_plan_needs_one_monthly_fee_of_balance(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    publish_plan: PublishPlan, add_line: AddLine, set_balance: SetBalance, problem: Problem,
) -> None:
    account_id = await new_account(payment_mode="prepaid")
    old = await publish_plan("prepaid", monthly_fee="10.00")
    new = await publish_plan("prepaid", monthly_fee="100.00")
    await set_balance(account_id, "100.00")
    await _line(add_line, account_id, new)
    msisdn = await _line(add_line, account_id, old)
    await set_balance(account_id, "99.99")
    problem(await _change(client, operator, msisdn, plan_code=new), 422)
    assert sorted(await _plans_of(client, operator, account_id)) == sorted([new, old])
    await set_balance(account_id, "100.00")
    assert (await _change(client, operator, msisdn, plan_code=new)).status_code == 200


@pytest.mark.parametrize("case", ["unknown", "prepaid", "euro", "same", "when", "extra"])
async def test_a_plan_that_does_not_fit_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, publish_plan: PublishPlan, add_line: AddLine, problem: Problem,
    set_balance: SetBalance, case: str,
) -> None:
    account_id = await new_account()
    current, other_postpaid = await publish_plan(), await publish_plan()
    msisdn = await _line(add_line, account_id, current)
    other = {"prepaid": await publish_plan("prepaid"), "euro": await publish_plan(currency="EUR")}
    prepaid_id = await new_account(payment_mode="prepaid")
    await set_balance(prepaid_id, "100.00")
    await _line(add_line, prepaid_id, other["prepaid"])
    await _line(add_line, await new_account(currency="EUR"), other["euro"])
    body = {"unknown": {"plan_code": "nope"}, "same": {"plan_code": current},
            "when": {"plan_code": current, "when": "tomorrow"},
            "extra": {"plan_code": current, "price": "0"},
            }.get(case, {"plan_code": other.get(case, "")})
    async with tap_events(settings.amqp_url, ["accounts.line.plan_changed"]) as tap:
        problem(await _change(client, operator, msisdn, **body), 422)
        assert await _plans_of(client, operator, account_id) == [current]
        sentinel = await _line(add_line, await new_account(), current)
        await _change(client, operator, sentinel, plan_code=other_postpaid)
        await tap.wait_for("accounts.line.plan_changed", msisdn=sentinel)
    assert [e.data["msisdn"] for e in tap.events] == [sentinel]


async def test_an_unknown_or_foreign_line_is_not_found(
    client: httpx.AsyncClient, token_signer: TokenSigner, new_account: NewAccount,
    publish_plan: PublishPlan, add_line: AddLine, problem: Problem,
) -> None:
    mine, theirs = await new_account(), await new_account()
    plan, other = await publish_plan(), await publish_plan()
    await _line(add_line, mine, other)
    msisdn = await _line(add_line, theirs, plan)
    subscriber = bearer(token_signer, Role.SUBSCRIBER, account_id=mine)
    problem(await _change(client, subscriber, msisdn, plan_code=other), 404)
    problem(await _change(client, bearer(token_signer), new_msisdn(), plan_code=other), 404)
    problem(await _change(client, bearer(token_signer), "not-a-number", plan_code=other), 422)
    problem(await _change(client, bearer(token_signer, Role.PARTNER), msisdn, plan_code=other), 403)
    assert await _plans_of(client, bearer(token_signer), theirs) == [plan]
