"""Subscriber logins (seed 003) against real PostgreSQL: an operator issues a login with a setup
code, the subscriber sets a password and signs in with it; wrong tries lock the login, an
unknown login answers as a wrong password does, and no secret is returned or stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from accounts.settings import AccountsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.tokens import TokenSigner

NewAccount = Callable[..., Awaitable[str]]
Problem = Callable[[httpx.Response, int], str]
MoveClock = Callable[[datetime], Awaitable[None]]
PASSWORD = "correct horse battery"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _rows(settings: AccountsSettings, sql: str, **params: Any) -> list[dict[str, Any]]:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            return [dict(row) for row in (await conn.execute(text(sql), params)).mappings()]
    finally:
        await engine.dispose()


async def _issue(client: httpx.AsyncClient, operator: dict[str, str], account_id: str,
                 **body: Any) -> dict[str, Any]:
    response = await client.post(f"/v1/accounts/{account_id}/login", json=body, headers=operator)
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    return dict(response.json())


async def _setup(client: httpx.AsyncClient, login: str, code: str,
                 password: str = PASSWORD) -> httpx.Response:
    return await client.post("/v1/auth/password", json={
        "login": login, "setup_code": code, "password": password})


async def _login(client: httpx.AsyncClient, login: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/v1/auth/login", json={"login": login, "password": password})


def _claims(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    token = response.json()["access_token"]
    return dict(jwt.decode(token, options={"verify_signature": False}))


def _refusal(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["type"], body["detail"]


async def test_a_subscriber_sets_its_password_with_the_setup_code_and_signs_in(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    settings: AccountsSettings, problem: Problem,
) -> None:
    account_id = await new_account()
    issued = await _issue(client, operator, account_id, login="Ion.Popescu")
    assert issued["login"] == "ion.popescu"
    setup = _claims(await _setup(client, "ion.popescu", issued["setup_code"].lower()))
    assert (setup["role"], setup["account_id"]) == ("subscriber", account_id)
    problem(await _setup(client, "ion.popescu", issued["setup_code"], "another password 1"), 401)
    claims = _claims(await _login(client, " ION.popescu "))
    assert (claims["role"], claims["account_id"], claims["sub"]) == (
        "subscriber", account_id, "login:ion.popescu")
    token = (await _login(client, "ion.popescu")).json()["access_token"]
    own = {"Authorization": f"Bearer {token}"}
    assert (await client.get(f"/v1/accounts/{account_id}", headers=own)).status_code == 200
    state = (await client.get(f"/v1/accounts/{account_id}/login", headers=own)).json()
    assert (state["login"], state["password_set"], state["locked_until"]) == (
        "ion.popescu", True, None)
    [row] = await _rows(settings, "SELECT * FROM logins WHERE account_id = :id", id=account_id)
    assert row["password_hash"].startswith("$argon2id$") and row["setup_hash"] is None
    audit = await _rows(settings, "SELECT action, actor_role, after::text AS after FROM audit "
                                  "WHERE target_id = :id ORDER BY id", id=account_id)
    assert [(r["action"], r["actor_role"]) for r in audit][-2:] == [
        ("login.issued", "operator"), ("password.set", "subscriber")]
    assert not [r for r in audit if PASSWORD in r["after"] or issued["setup_code"] in r["after"]]


async def test_a_login_is_drawn_when_none_is_asked_for_and_each_is_one_account_s(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    problem: Problem,
) -> None:
    first, second = await new_account(), await new_account()
    drawn = await _issue(client, operator, first)
    assert drawn["login"].isdigit() and len(drawn["login"]) == 10
    assert problem(await client.post(f"/v1/accounts/{first}/login", json={},
                                     headers=operator), 409) == "login-exists"
    assert problem(await client.post(f"/v1/accounts/{second}/login", headers=operator,
                                     json={"login": drawn["login"]}), 409) == "login-taken"
    problem(await client.post("/v1/accounts/nobody/login", json={}, headers=operator), 404)
    for bad in ("ab", "ion popescu", "-ion", "x" * 65, "ion\u0000", "ión"):
        problem(await client.post(f"/v1/accounts/{second}/login", json={"login": bad},
                                  headers=operator), 422)
    problem(await client.get(f"/v1/accounts/{second}/login", headers=operator), 404)


async def test_repeated_failures_lock_the_login_and_an_unknown_one_answers_alike(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    settings: AccountsSettings, move_clock: MoveClock,
) -> None:
    await move_clock(NOW)
    account_id = await new_account()
    issued = await _issue(client, operator, account_id, login="maria")
    _claims(await _setup(client, "maria", issued["setup_code"]))
    unknown = _refusal(await _login(client, "nobody-here", "wrong password"))
    assert unknown[0] == 401
    for _ in range(settings.login_max_failures):
        assert _refusal(await _login(client, "maria", "wrong password")) == unknown
    assert _refusal(await _login(client, "maria")) == unknown
    state = (await client.get(f"/v1/accounts/{account_id}/login", headers=operator)).json()
    locked_until = datetime.fromisoformat(state["locked_until"])
    assert timedelta(0) <= locked_until - (NOW + settings.login_lockout) < timedelta(minutes=1)
    await move_clock(locked_until - timedelta(seconds=2))
    assert _refusal(await _login(client, "maria")) == unknown
    await move_clock(locked_until)
    _claims(await _login(client, "maria"))
    actions = await _rows(settings, "SELECT action FROM audit WHERE target_id = :id",
                          id=account_id)
    assert [r["action"] for r in actions].count("login.locked") == 1


async def test_fewer_failures_than_the_policy_do_not_lock_and_a_success_starts_over(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    settings: AccountsSettings,
) -> None:
    account_id = await new_account()
    issued = await _issue(client, operator, account_id, login="andrei")
    _claims(await _setup(client, "andrei", issued["setup_code"]))
    for _ in range(2):
        for _ in range(settings.login_max_failures - 1):
            assert (await _login(client, "andrei", "wrong password")).status_code == 401
        _claims(await _login(client, "andrei"))


async def test_a_password_change_needs_the_current_password(
    client: httpx.AsyncClient, operator: dict[str, str], token_signer: TokenSigner,
    new_account: NewAccount, problem: Problem,
) -> None:
    account_id = await new_account()
    issued = await _issue(client, operator, account_id, login="elena")
    _claims(await _setup(client, "elena", issued["setup_code"]))
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    url = f"/v1/accounts/{account_id}/password"
    wrong = await client.put(url, headers=own, json={"current_password": "not it at all",
                                                     "new_password": "a new long secret"})
    assert problem(wrong, 422) and PASSWORD not in wrong.text
    problem(await client.put(url, headers=own, json={"current_password": PASSWORD,
                                                     "new_password": "short"}), 422)
    problem(await client.put(url, headers=operator, json={"current_password": PASSWORD,
                                                          "new_password": "a new long secret"}),
            403)
    changed = await client.put(url, headers=own, json={"current_password": PASSWORD,
                                                       "new_password": "a new long secret"})
    assert changed.status_code == 204, changed.text
    problem(await _login(client, "elena"), 401)
    _claims(await _login(client, "elena", "a new long secret"))


async def test_an_operator_reset_unlocks_and_the_subscriber_sets_a_new_password(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    settings: AccountsSettings, problem: Problem,
) -> None:
    account_id = await new_account()
    issued = await _issue(client, operator, account_id, login="victor")
    _claims(await _setup(client, "victor", issued["setup_code"]))
    for _ in range(settings.login_max_failures):
        await _login(client, "victor", "wrong password")
    reset = await client.post(f"/v1/accounts/{account_id}/login/reset", headers=operator)
    assert reset.status_code == 200, reset.text
    assert reset.json()["login"] == "victor" and reset.json()["setup_code"] != issued["setup_code"]
    problem(await _login(client, "victor"), 401)
    problem(await _setup(client, "victor", issued["setup_code"]), 401)
    _claims(await _setup(client, "victor", reset.json()["setup_code"], "brand new secret"))
    _claims(await _login(client, "victor", "brand new secret"))
    state = (await client.get(f"/v1/accounts/{account_id}/login", headers=operator)).json()
    assert state["password_set"] and state["locked_until"] is None
    problem(await client.post("/v1/accounts/nobody/login/reset", headers=operator), 404)


@pytest.mark.parametrize("password", ["short", "victor1234", "aaaaaaaaaaaa", "x" * 257,
                                      "tab\there pass"])
async def test_weak_or_malformed_passwords_are_refused_without_spending_the_code(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    problem: Problem, password: str,
) -> None:
    account_id = await new_account()
    issued = await _issue(client, operator, account_id, login="victor1234")
    refused = await _setup(client, "victor1234", issued["setup_code"], password)
    problem(refused, 422)
    assert password not in refused.text
    _claims(await _setup(client, "victor1234", issued["setup_code"]))


async def test_an_expired_setup_code_no_longer_sets_a_password(
    client: httpx.AsyncClient, operator: dict[str, str], new_account: NewAccount,
    settings: AccountsSettings, move_clock: MoveClock, problem: Problem,
) -> None:
    await move_clock(NOW)
    account_id = await new_account()
    issued = await _issue(client, operator, account_id, login="expired.code")
    expires_at = datetime.fromisoformat(issued["setup_expires_at"])
    assert timedelta(0) <= expires_at - (NOW + settings.login_setup_validity) < timedelta(minutes=1)
    await move_clock(expires_at)
    problem(await _setup(client, "expired.code", issued["setup_code"]), 401)
