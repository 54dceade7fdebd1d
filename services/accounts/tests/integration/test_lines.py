"""Lines on accounts, against plans replicated from rating's events."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from accounts.settings import AccountsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

NewAccount = Callable[..., Awaitable[str]]
PublishPlan = Callable[..., Awaitable[str]]
AddLine = Callable[..., Awaitable[httpx.Response]]


def _msisdn() -> str:
    return f"3736{uuid.uuid4().int % 10**7:07d}"


async def test_a_line_on_a_published_plan_is_activated_and_announced(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, publish_plan: PublishPlan, add_line: AddLine,
) -> None:
    account_id, plan, msisdn = await new_account(), await publish_plan(), _msisdn()
    async with tap_events(settings.amqp_url, ["accounts.line.activated"]) as tap:
        created = await add_line(account_id, msisdn=f"+{msisdn}", plan_code=plan,
                                 connected_at="2026-05-01T00:00:00+03:00")
        assert created.status_code == 201, created.text
        [event] = await tap.wait_for("accounts.line.activated", msisdn=msisdn)
    assert created.json() == {"msisdn": msisdn, "plan_code": plan, "status": "active",
                              "connected_at": "2026-04-30T21:00:00Z"}
    assert event.subject == account_id
    assert (event.data["account_id"], event.data["plan_code"]) == (account_id, plan)
    listed = await client.get(f"/v1/accounts/{account_id}/lines", headers=operator)
    assert listed.json() == [created.json()]


async def test_connection_time_defaults_to_now_and_subscribers_list_their_lines(
    client: httpx.AsyncClient, token_signer: TokenSigner, new_account: NewAccount,
    publish_plan: PublishPlan, add_line: AddLine,
) -> None:
    account_id, plan = await new_account(), await publish_plan()
    created = await add_line(account_id, msisdn=_msisdn(), plan_code=plan)
    assert created.status_code == 201, created.text
    assert created.json()["connected_at"]
    subscriber = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    listed = await client.get(f"/v1/accounts/{account_id}/lines", headers=subscriber)
    assert listed.json() == [created.json()]


async def test_an_active_number_cannot_be_taken_twice(
    new_account: NewAccount, publish_plan: PublishPlan, add_line: AddLine,
) -> None:
    first, second, plan, msisdn = await new_account(), await new_account(), await publish_plan(), _msisdn()
    assert (await add_line(first, msisdn=msisdn, plan_code=plan)).status_code == 201
    for account_id, number in ((second, msisdn), (first, f"+{msisdn}")):
        response = await add_line(account_id, msisdn=number, plan_code=plan)
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_plan_must_be_known_and_fit_the_account(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    publish_plan: PublishPlan, add_line: AddLine,
) -> None:
    account_id = await new_account()
    unknown = await client.post(f"/v1/accounts/{account_id}/lines", headers=operator,
                                json={"msisdn": _msisdn(), "plan_code": "no-such-plan"})
    assert unknown.status_code == 422 and "unknown plan" in unknown.json()["detail"]
    for plan in (await publish_plan(payment_mode="prepaid"), await publish_plan(currency="EUR")):
        response = await add_line(account_id, msisdn=_msisdn(), plan_code=plan)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "plan_code"
    lines = await client.get(f"/v1/accounts/{account_id}/lines", headers=operator)
    assert lines.json() == []


@pytest.mark.parametrize("msisdn", ["12345", "+0373690000", "3736900000012345", "37369abc01",
                                    "", "++37369000001"])
async def test_bad_numbers_are_refused(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    publish_plan: PublishPlan, msisdn: str,
) -> None:
    account_id = await new_account()
    response = await client.post(f"/v1/accounts/{account_id}/lines", headers=operator,
                                 json={"msisdn": msisdn, "plan_code": await publish_plan()})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_lines_of_an_unknown_account_and_by_a_partner(
    client: httpx.AsyncClient, operator: dict[str, str], token_signer: TokenSigner,
) -> None:
    body = {"msisdn": _msisdn(), "plan_code": "any"}
    unknown = await client.post("/v1/accounts/nobody/lines", headers=operator, json=body)
    assert unknown.status_code == 404
    partner = bearer(token_signer, Role.PARTNER)
    forbidden = await client.post("/v1/accounts/nobody/lines", headers=partner, json=body)
    assert forbidden.status_code == 403


async def test_a_prepaid_account_activates_a_plan_only_with_one_monthly_fee_of_balance(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    publish_plan: PublishPlan, add_line: AddLine,
    set_balance: Callable[[str, str], Awaitable[dict[str, Any]]],
) -> None:
    account_id = await new_account(payment_mode="prepaid")
    plan = await publish_plan(payment_mode="prepaid", monthly_fee="50.00")
    msisdn = _msisdn()
    refused = await add_line(account_id, msisdn=msisdn, plan_code=plan)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "plan_code"
    await set_balance(account_id, "49.99")
    assert (await add_line(account_id, msisdn=msisdn, plan_code=plan)).status_code == 422
    lines = await client.get(f"/v1/accounts/{account_id}/lines", headers=operator)
    assert lines.json() == []
    await set_balance(account_id, "50.00")
    assert (await add_line(account_id, msisdn=msisdn, plan_code=plan)).status_code == 201
