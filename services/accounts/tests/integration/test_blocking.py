"""Blocking for money (A5) and promised payments (A6), driven by invoicing's balances."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from accounts.settings import AccountsSettings
from tarifa.auth import Role
from tarifa.messaging.catalogue import BalanceChanged
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

NewAccount = Callable[..., Awaitable[str]]
Problem = Callable[[httpx.Response, int], str]
MoveClock = Callable[[datetime], Awaitable[None]]
SetBalance = Callable[[str, str], Awaitable[dict[str, Any]]]
Actions = Callable[[str], Awaitable[list[str]]]
EVENTS = ["accounts.account.blocked", "accounts.account.unblocked",
          "accounts.promised_payment.granted", "accounts.promised_payment.expired"]
START = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)


def _keys(events: list[Any], account_id: str) -> list[str]:
    return [e.routing_key.rsplit(".", 1)[-1] for e in events if e.subject == account_id]


async def _promise(client: httpx.AsyncClient, headers: dict[str, str],
                   account_id: str) -> httpx.Response:
    return await client.post(f"/v1/accounts/{account_id}/promised-payment", headers=headers)


async def test_a_prepaid_account_is_blocked_below_zero_and_unblocked_at_zero(
    settings: AccountsSettings, new_account: NewAccount, set_balance: SetBalance,
    audit_actions: Actions,
) -> None:
    account_id = await new_account(payment_mode="prepaid")
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        assert (await set_balance(account_id, "-0.01"))["status"] == "blocked"
        assert (await set_balance(account_id, "-7.00"))["status"] == "blocked"
        assert (await set_balance(account_id, "0"))["status"] == "active"
        [blocked] = await tap.wait_for("accounts.account.blocked", account_id=account_id)
        [unblocked] = await tap.wait_for("accounts.account.unblocked", account_id=account_id)
    assert blocked.data["reason"] == "negative_balance"
    assert unblocked.data["reason"] == "balance_restored"
    actions = await audit_actions(account_id)
    assert (actions.count("account.blocked"), actions.count("account.active")) == (1, 1)


async def test_a_postpaid_account_in_debt_stays_active(
    new_account: NewAccount, set_balance: SetBalance,
) -> None:
    account_id = await new_account(payment_mode="postpaid")
    assert (await set_balance(account_id, "-250.00"))["status"] == "active"


async def test_a_redelivered_balance_blocks_once(
    settings: AccountsSettings, new_account: NewAccount, set_balance: SetBalance,
    audit_actions: Actions,
) -> None:
    account_id = await new_account(payment_mode="prepaid")
    data = BalanceChanged(account_id=account_id, balance=Decimal("-3"), currency="MDL",
                          cause="usage")
    event = await publish_event(settings.amqp_url, data, subject=account_id)
    await publish_event(settings.amqp_url, data, subject=account_id, event_id=event.id)
    sentinel = await new_account(payment_mode="prepaid")
    await set_balance(sentinel, "-1")
    assert (await set_balance(account_id, "-3"))["status"] == "blocked"
    assert (await audit_actions(account_id)).count("account.blocked") == 1


async def test_a_promised_payment_lifts_the_block_until_it_expires(
    client: httpx.AsyncClient, token_signer: TokenSigner, settings: AccountsSettings,
    new_account: NewAccount, set_balance: SetBalance, move_clock: MoveClock, problem: Problem,
) -> None:
    await move_clock(START)
    account_id = await new_account(payment_mode="prepaid")
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        await set_balance(account_id, "-20.00")
        await tap.wait_for("accounts.account.blocked", account_id=account_id)
        granted = await _promise(client, own, account_id)
        assert granted.status_code == 201, granted.text
        until = datetime.fromisoformat(granted.json()["until"])
        # the test clock runs on from START, so the grant is a moment after it
        assert timedelta(days=3) <= until - START < timedelta(days=3, minutes=1)
        read = (await client.get(f"/v1/accounts/{account_id}", headers=own)).json()
        assert (read["status"], read["promised_payment"]) == ("active", granted.json())
        assert problem(await _promise(client, own, account_id), 409) == "promised-payment-active"
        assert (await set_balance(account_id, "-30.00"))["status"] == "active"
        await move_clock(until + timedelta(minutes=1))
        await tap.wait_for("accounts.account.blocked", count=2, account_id=account_id)
    assert _keys(tap.events, account_id) == [
        "blocked", "granted", "unblocked", "expired", "blocked"]
    read = (await client.get(f"/v1/accounts/{account_id}", headers=own)).json()
    assert (read["status"], read["promised_payment"]) == ("blocked", None)
    assert problem(await _promise(client, own, account_id), 409) == "promised-payment-too-soon"
    await move_clock(START + timedelta(days=30, minutes=1))
    assert (await _promise(client, own, account_id)).status_code == 201


async def test_a_promise_that_expires_after_payment_leaves_the_account_active(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, set_balance: SetBalance, move_clock: MoveClock,
) -> None:
    await move_clock(START)
    account_id = await new_account(payment_mode="prepaid")
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        await set_balance(account_id, "-5.00")
        until = datetime.fromisoformat(
            (await _promise(client, operator, account_id)).json()["until"])
        await tap.wait_for("accounts.account.unblocked", account_id=account_id)
        await set_balance(account_id, "15.00")
        await move_clock(until + timedelta(days=10))
        await move_clock(until + timedelta(days=11))
        [expired] = await tap.wait_for("accounts.promised_payment.expired", account_id=account_id)
    assert datetime.fromisoformat(expired.data["until"]) == until
    assert _keys(tap.events, account_id) == ["blocked", "granted", "unblocked", "expired"]
    read = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
    assert (read["status"], read["promised_payment"]) == ("active", None)


async def test_a_promise_needs_a_negative_balance_and_an_open_account(
    client: httpx.AsyncClient, operator: dict[str, str], token_signer: TokenSigner,
    new_account: NewAccount, set_balance: SetBalance, problem: Problem, audit_actions: Actions,
) -> None:
    account_id = await new_account(payment_mode="prepaid")
    assert problem(await _promise(client, operator, account_id), 409) == "balance-not-negative"
    await set_balance(account_id, "10.00")
    assert problem(await _promise(client, operator, account_id), 409) == "balance-not-negative"
    suspended = await new_account(payment_mode="postpaid")
    await client.post(f"/v1/accounts/{suspended}/suspension", json={"days": 5}, headers=operator)
    await set_balance(suspended, "-10.00")
    assert problem(await _promise(client, operator, suspended), 409) == "account-not-active"
    read = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
    assert read["promised_payment"] is None
    assert "promised_payment.granted" not in await audit_actions(account_id)
    other = bearer(token_signer, Role.SUBSCRIBER, account_id=suspended)
    problem(await _promise(client, other, account_id), 404)
    problem(await _promise(client, bearer(token_signer, Role.PARTNER), account_id), 403)
    problem(await _promise(client, operator, "nobody"), 404)
