"""Redeeming bonus points (A9): points out of the ledger, the credit announced for invoicing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from accounts.bootstrap import MIGRATIONS, build_app
from accounts.settings import AccountsSettings
from tarifa.auth import Role
from tarifa.db import prepare_database
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .conftest import CUSTOMER

NewAccount = Callable[..., Awaitable[str]]
Problem = Callable[[httpx.Response, int], str]


async def _with_points(client: httpx.AsyncClient, new_account: NewAccount,
                       headers: dict[str, str], **account: Any) -> str:
    """An account that earned the e-bill bonus (300 points)."""
    account_id = await new_account(bill_delivery={"medium": "paper"}, **account)
    switched = await client.put(f"/v1/accounts/{account_id}/bill-delivery", headers=headers,
                                json={"medium": "ebill"})
    assert switched.json()["bonus_points"] == 300, switched.text
    return account_id


async def _redeem(client: httpx.AsyncClient, headers: dict[str, str], account_id: str,
                  body: Any) -> httpx.Response:
    return await client.post(f"/v1/accounts/{account_id}/bonus/redemptions", json=body,
                             headers=headers)


async def test_redeemed_points_leave_the_ledger_and_announce_their_credit(
    client: httpx.AsyncClient, token_signer: TokenSigner, operator: dict[str, str],
    settings: AccountsSettings, new_account: NewAccount,
) -> None:
    account_id = await _with_points(client, new_account, operator)
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    async with tap_events(settings.amqp_url, ["accounts.bonus.redeemed"]) as tap:
        done = await _redeem(client, own, account_id, {"points": 125})
        assert done.status_code == 201, done.text
        assert done.json() == {"points": 125, "credit": "1.25", "currency": "MDL",
                               "remaining": 175}
        [event] = await tap.wait_for("accounts.bonus.redeemed", account_id=account_id)
    assert (event.subject, event.data["points"], event.data["reason"], event.data["credit"],
            event.data["currency"]) == (account_id, 125, "redemption", "1.25", "MDL")
    bonus = (await client.get(f"/v1/accounts/{account_id}/bonus", headers=own)).json()
    assert bonus["points"] == 175
    assert [(m["points"], m["reason"]) for m in bonus["movements"]] == [
        (300, "ebill_switch"), (-125, "redemption")]


async def test_more_points_than_available_are_refused_and_change_nothing(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    problem: Problem,
) -> None:
    account_id = await _with_points(client, new_account, operator)
    refused = await _redeem(client, operator, account_id, {"points": 301})
    assert problem(refused, 422) == "invalid-input"
    assert refused.json()["errors"][0]["field"] == "points"
    assert (await _redeem(client, operator, account_id, {"points": 300})).json()["remaining"] == 0
    problem(await _redeem(client, operator, account_id, {"points": 1}), 422)
    bonus = (await client.get(f"/v1/accounts/{account_id}/bonus", headers=operator)).json()
    assert bonus["points"] == 0


@pytest.mark.parametrize("body", [{}, {"points": 0}, {"points": -5}, {"points": "10"},
                                  {"points": 1.5}, {"points": 10, "credit": "99"}])
async def test_bad_redemptions_are_refused(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    problem: Problem, body: dict[str, Any],
) -> None:
    account_id = await _with_points(client, new_account, operator)
    problem(await _redeem(client, operator, account_id, body), 422)
    bonus = (await client.get(f"/v1/accounts/{account_id}/bonus", headers=operator)).json()
    assert bonus["points"] == 300


async def test_a_subscriber_cannot_redeem_another_accounts_points(
    client: httpx.AsyncClient, token_signer: TokenSigner, operator: dict[str, str],
    new_account: NewAccount, problem: Problem,
) -> None:
    account_id = await _with_points(client, new_account, operator)
    stranger = bearer(token_signer, Role.SUBSCRIBER, account_id="someone-else")
    problem(await _redeem(client, stranger, account_id, {"points": 10}), 404)
    partner = bearer(token_signer, Role.PARTNER)
    problem(await _redeem(client, partner, account_id, {"points": 10}), 403)
    problem(await _redeem(client, operator, "no-such-account", {"points": 10}), 404)


async def test_the_credit_follows_the_policy_rate_and_the_currency(
    settings: AccountsSettings, operator: dict[str, str],
) -> None:
    rated = settings.model_copy(update={"bonus_point_value": Decimal("0.015")})
    await prepare_database(MIGRATIONS, rated.dsn)
    async with running_client(build_app(rated)) as client:
        customer = (await client.post("/v1/customers", json=CUSTOMER, headers=operator)).json()
        account = (await client.post("/v1/accounts", headers=operator, json={
            "customer_id": customer["id"], "payment_mode": "prepaid", "currency": "JPY",
            "timezone": "Asia/Tokyo", "bill_delivery": {"medium": "paper"}})).json()
        await client.put(f"/v1/accounts/{account['id']}/bill-delivery", headers=operator,
                         json={"medium": "ebill"})
        done = await _redeem(client, operator, account["id"], {"points": 100})
    assert (done.status_code, done.json()["credit"], done.json()["currency"]) == (201, "2", "JPY")
