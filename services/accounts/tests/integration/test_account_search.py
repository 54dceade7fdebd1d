"""``GET /v1/account-search``: an operator finds an account by a phone number of one of its
lines or by the account's number; subscribers may not search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.tokens import TokenSigner

from .conftest import Post, new_msisdn

Found = Callable[[str], Awaitable[list[str]]]


@pytest.fixture
def search(client: httpx.AsyncClient, operator: dict[str, str]) -> Found:
    async def ids(query: str) -> list[str]:
        answer = await client.get("/v1/account-search", params={"q": query}, headers=operator)
        assert answer.status_code == 200, answer.text
        return [account["id"] for account in answer.json()]

    return ids


async def _with_line(new_account: Callable[..., Awaitable[str]],
                     publish_plan: Callable[..., Awaitable[str]], add_line: Post) -> tuple[str, str]:
    account_id, plan, msisdn = await new_account(), await publish_plan(), new_msisdn()
    added = await add_line(account_id, msisdn=msisdn, plan_code=plan,
                           connected_at="2026-05-01T00:00:00+03:00")
    assert added.status_code == 201, added.text
    return account_id, msisdn


async def test_an_account_is_found_by_phone_number_with_or_without_plus_and_by_number(
    new_account: Callable[..., Awaitable[str]], publish_plan: Callable[..., Awaitable[str]],
    add_line: Post, search: Found, client: httpx.AsyncClient, operator: dict[str, str],
) -> None:
    account_id, msisdn = await _with_line(new_account, publish_plan, add_line)
    other, _ = await _with_line(new_account, publish_plan, add_line)
    assert await search(msisdn) == [account_id]
    assert await search(f"+{msisdn}") == [account_id]
    assert await search(f"  {account_id} ") == [account_id]
    assert await search(other) == [other]
    found = await client.get("/v1/account-search", params={"q": msisdn}, headers=operator)
    [account] = found.json()
    assert (account["currency"], account["status"], account["balance"]) == ("MDL", "active", "0.00")


@pytest.mark.parametrize("query", ["37369999999", "no-such-account", "+1", "%", "' OR 1=1 --"])
async def test_nothing_found_is_an_empty_list(query: str, search: Found) -> None:
    assert await search(query) == []


@pytest.mark.parametrize("query", ["", "x" * 65, "3736\u00009999", "a\nb"])
async def test_an_empty_long_or_control_character_query_is_refused(
    query: str, client: httpx.AsyncClient, operator: dict[str, str],
    problem: Callable[[httpx.Response, int], str],
) -> None:
    answer = await client.get("/v1/account-search", params={"q": query}, headers=operator)
    assert problem(answer, 422) == "invalid-input"


@pytest.mark.parametrize(("role", "status"), [
    (Role.SUBSCRIBER, 403), (Role.PARTNER, 403), (None, 401)])
async def test_only_operators_search(
    role: Role | None, status: int, client: httpx.AsyncClient, token_signer: TokenSigner,
    new_account: Callable[..., Awaitable[str]],
) -> None:
    account_id = await new_account()
    headers = {} if role is None else bearer(token_signer, role, account_id=account_id)
    answer = await client.get("/v1/account-search", params={"q": account_id}, headers=headers)
    assert answer.status_code == status, answer.text
