"""An operator moves an account between prepaid and postpaid (A5): every line onto a plan of
the new mode at once, announced to the replicas; refused whole, changing nothing, otherwise."""

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

from .conftest import new_msisdn

NewAccount = Callable[..., Awaitable[str]]
PublishPlan = Callable[..., Awaitable[str]]
AddLine = Callable[..., Awaitable[httpx.Response]]
Problem = Callable[[httpx.Response, int], str]
SetBalance = Callable[[str, str], Awaitable[dict[str, Any]]]
EVENTS = ["accounts.account.updated", "accounts.line.plan_changed", "accounts.account.unblocked"]


async def _line(add_line: AddLine, account_id: str, plan: str) -> str:
    msisdn = new_msisdn()
    response = await add_line(account_id, msisdn=msisdn, plan_code=plan)
    assert response.status_code == 201, response.text
    return msisdn


async def _known_plan(publish_plan: PublishPlan, add_line: AddLine, new_account: NewAccount,
                      mode: str, fee: str = "100.00") -> str:
    """A plan the replica holds: a line of another account took it."""
    plan = await publish_plan(mode, monthly_fee=fee)
    holder = await new_account(payment_mode="postpaid")
    if mode == "postpaid":
        await _line(add_line, holder, plan)
    return plan


async def _move(client: httpx.AsyncClient, headers: dict[str, str], account_id: str,
                mode: str, plans: dict[str, str], **extra: Any) -> httpx.Response:
    return await client.put(f"/v1/accounts/{account_id}/payment-mode", headers=headers,
                            json={"payment_mode": mode, "plans": plans} | extra)


async def _lines(client: httpx.AsyncClient, headers: dict[str, str],
                 account_id: str) -> dict[str, str]:
    lines = (await client.get(f"/v1/accounts/{account_id}/lines", headers=headers)).json()
    return {line["msisdn"]: line["plan_code"] for line in lines}


async def test_a_blocked_prepaid_account_moves_to_postpaid_with_its_lines(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, publish_plan: PublishPlan, add_line: AddLine,
    set_balance: SetBalance,
) -> None:
    postpaid = [await _known_plan(publish_plan, add_line, new_account, "postpaid")
                for _ in range(2)]
    prepaid = await publish_plan("prepaid", monthly_fee="10.00")
    account_id = await new_account(payment_mode="prepaid")
    await set_balance(account_id, "20.00")
    first, second = [await _line(add_line, account_id, prepaid) for _ in range(2)]
    assert (await set_balance(account_id, "-5.00"))["status"] == "blocked"
    plans = {first: postpaid[0], second: postpaid[1]}
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        moved = await _move(client, operator, account_id, "postpaid", plans)
        assert moved.status_code == 200, moved.text
        await tap.wait_for("accounts.line.plan_changed", count=2, subject=account_id)
        [updated] = await tap.wait_for("accounts.account.updated", subject=account_id)
        [unblocked] = await tap.wait_for("accounts.account.unblocked", subject=account_id)
    assert (moved.json()["payment_mode"], moved.json()["status"]) == ("postpaid", "active")
    assert moved.json()["balance"] == "-5.00"
    assert updated.data["payment_mode"] == "postpaid"
    assert unblocked.data["reason"] == "payment_mode_changed"
    changes = {e.data["msisdn"]: (e.data["from_plan"], e.data["to_plan"])
               for e in tap.events if e.routing_key == "accounts.line.plan_changed"}
    assert changes == {first: (prepaid, postpaid[0]), second: (prepaid, postpaid[1])}
    assert await _lines(client, operator, account_id) == plans


async def test_a_postpaid_account_moves_to_prepaid_only_with_one_fee_of_each_line(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, publish_plan: PublishPlan, add_line: AddLine,
    set_balance: SetBalance, problem: Problem,
) -> None:
    current = await _known_plan(publish_plan, add_line, new_account, "postpaid")
    prepaid = await publish_plan("prepaid", monthly_fee="30.00")
    account_id = await new_account()
    lines = [await _line(add_line, account_id, current) for _ in range(2)]
    plans = dict.fromkeys(lines, prepaid)
    for _ in range(100):  # the prepaid plan reaches the replica
        refused = await _move(client, operator, account_id, "prepaid", plans)
        if "unknown plan" not in refused.text:
            break
    assert problem(refused, 422) == "invalid-input"
    assert "60.00" in refused.json()["detail"]
    assert (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()[
        "payment_mode"] == "postpaid"
    await set_balance(account_id, "60.00")
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        moved = await _move(client, operator, account_id, "prepaid", plans)
        assert moved.status_code == 200, moved.text
        [updated] = await tap.wait_for("accounts.account.updated", subject=account_id)
    assert moved.json()["payment_mode"] == updated.data["payment_mode"] == "prepaid"
    assert await _lines(client, operator, account_id) == plans


@pytest.mark.parametrize("case", ["same", "missing", "foreign", "mode", "unknown", "closed",
                                  "extra", "bad-number"])
async def test_a_change_that_does_not_fit_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, publish_plan: PublishPlan, add_line: AddLine, problem: Problem,
    case: str,
) -> None:
    current = await _known_plan(publish_plan, add_line, new_account, "postpaid")
    account_id = await new_account(payment_mode="prepaid" if case != "same" else "postpaid")
    other = await new_account()
    foreign = await _line(add_line, other, current)
    mine = await _line(add_line, account_id, current) if case == "same" else None
    if case == "closed":
        closed = await client.post(f"/v1/accounts/{account_id}/closure", json={},
                                   headers=operator)
        assert closed.status_code == 200, closed.text
    plans = {"same": {mine or "": current}, "foreign": {foreign: current},
             "mode": {}, "unknown": {foreign: "nope"}, "bad-number": {"not-a-number": current},
             }.get(case, {})
    target = "postpaid"
    status, slug = {"same": (409, "same-payment-mode"), "closed": (409, "account-closed"),
                    "extra": (422, "invalid-input")}.get(case, (422, "invalid-input"))
    extra = {"credit": "0"} if case == "extra" else {}
    if case == "missing":
        await _line(add_line, account_id, await publish_plan("prepaid", monthly_fee="0.00"))
    if case == "mode":  # a prepaid plan for a line of an account that becomes postpaid
        free = await publish_plan("prepaid", monthly_fee="0.00")
        plans = {await _line(add_line, account_id, free): free}
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        assert problem(await _move(client, operator, account_id, target, plans, **extra),
                       status) == slug
        sentinel = await new_account(payment_mode="prepaid")
        assert (await _move(client, operator, sentinel, "postpaid", {})).status_code == 200
        await tap.wait_for("accounts.account.updated", subject=sentinel)
    assert [e.subject for e in tap.events] == [sentinel]
    assert (await _lines(client, operator, other)) == {foreign: current}


async def test_only_an_operator_moves_an_account_and_an_unknown_one_is_not_found(
    client: httpx.AsyncClient, token_signer: TokenSigner, new_account: NewAccount,
    problem: Problem,
) -> None:
    account_id = await new_account()
    for role in (Role.SUBSCRIBER, Role.PARTNER, Role.MEDIATION):
        headers = bearer(token_signer, role, account_id=account_id)
        problem(await _move(client, headers, account_id, "prepaid", {}), 403)
    problem(await _move(client, bearer(token_signer), "no-such-account", "prepaid", {}), 404)
    account = (await client.get(f"/v1/accounts/{account_id}", headers=bearer(token_signer)))
    assert account.json()["payment_mode"] == "postpaid"
