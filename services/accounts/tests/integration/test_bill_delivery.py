"""Bill delivery switches (A9): an update event each time, the e-bill bonus once per account."""

from __future__ import annotations

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
Problem = Callable[[httpx.Response, int], str]
EVENTS = ["accounts.account.updated", "accounts.bonus.awarded"]


async def _put(client: httpx.AsyncClient, headers: dict[str, str], account_id: str,
               **body: Any) -> httpx.Response:
    return await client.put(f"/v1/accounts/{account_id}/bill-delivery", json=body, headers=headers)


async def test_the_first_switch_to_ebill_earns_the_bonus_once_across_switches(
    client: httpx.AsyncClient, token_signer: TokenSigner, settings: AccountsSettings,
    new_account: NewAccount, audit_actions: Callable[[str], Awaitable[list[str]]],
) -> None:
    account_id = await new_account(bill_delivery={"medium": "paper"})
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        first = await _put(client, own, account_id, medium="ebill")
        assert first.status_code == 200, first.text
        assert (first.json()["bonus_points"], first.json()["bill_delivery"]["medium"]) == (300, "ebill")
        assert (await _put(client, own, account_id, medium="paper")).json()["bonus_points"] == 300
        again = await _put(client, own, account_id, medium="ebill", email="ion@mail.md")
        assert (again.json()["bonus_points"], again.json()["bill_delivery"]["email"]) == (
            300, "ion@mail.md")
        updates = await tap.wait_for("accounts.account.updated", count=3, account_id=account_id)
    assert [u.data["bill_delivery"]["medium"] for u in updates] == ["ebill", "paper", "ebill"]
    [award] = [e for e in tap.events if e.routing_key == "accounts.bonus.awarded"]
    assert (award.subject, award.data["points"], award.data["reason"]) == (
        account_id, 300, "ebill_switch")
    bonus = (await client.get(f"/v1/accounts/{account_id}/bonus", headers=own)).json()
    assert bonus["points"] == 300
    assert [(m["points"], m["reason"]) for m in bonus["movements"]] == [(300, "ebill_switch")]
    actions = await audit_actions(account_id)
    assert actions.count("bonus.awarded") == 1
    assert actions.count("account.bill_delivery_changed") == 3


async def test_an_unchanged_preference_announces_nothing_and_earns_nothing(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount,
) -> None:
    account_id = await new_account()
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        same = await _put(client, operator, account_id, medium="ebill")
        assert same.status_code == 200 and same.json()["bonus_points"] == 0
        await _put(client, operator, account_id, medium="ebill", email="other@mail.md")
        [update] = await tap.wait_for("accounts.account.updated", account_id=account_id)
    assert update.data["bill_delivery"]["email"] == "other@mail.md"
    assert not [e for e in tap.events if e.routing_key == "accounts.bonus.awarded"]
    bonus = (await client.get(f"/v1/accounts/{account_id}/bonus", headers=operator)).json()
    assert bonus == {"points": 0, "movements": []}


@pytest.mark.parametrize("body", [
    {"medium": "fax"}, {"medium": "ebill", "email": "not-an-email"}, {},
    {"medium": "paper", "address": ""}, {"medium": "paper", "colour": "red"},
])
async def test_bad_preferences_are_refused_and_change_nothing(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    problem: Problem, body: dict[str, Any],
) -> None:
    account_id = await new_account(bill_delivery={"medium": "paper"})
    before = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
    problem(await _put(client, operator, account_id, **body), 422)
    assert (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json() == before


async def test_only_the_operator_or_the_account_itself_may_switch(
    client: httpx.AsyncClient, token_signer: TokenSigner, new_account: NewAccount, problem: Problem,
) -> None:
    mine, theirs = await new_account(), await new_account(bill_delivery={"medium": "paper"})
    subscriber = bearer(token_signer, Role.SUBSCRIBER, account_id=mine)
    problem(await _put(client, subscriber, theirs, medium="ebill"), 404)
    problem(await client.get(f"/v1/accounts/{theirs}/bonus", headers=subscriber), 404)
    problem(await _put(client, bearer(token_signer, Role.PARTNER), theirs, medium="ebill"), 403)
    problem(await _put(client, bearer(token_signer), "nobody", medium="ebill"), 404)
    operator = bearer(token_signer)
    assert (await client.get(f"/v1/accounts/{theirs}", headers=operator)).json()["bonus_points"] == 0
