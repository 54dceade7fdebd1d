"""The worst input of each accounts route: 422 (or 404) problem+json, and no row changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from accounts.settings import AccountsSettings
from tarifa.testing.rows import row_counts

from .conftest import CUSTOMER, Post, new_msisdn

Problem = Callable[[httpx.Response, int], str]


@pytest.mark.parametrize("change", [
    {"name": "Ion\x00Popescu"}, {"name": "Ion\x1b[2J"}, {"name": "Ion\nPopescu"},
    {"address": "str. Unirii\x00 1"}, {"email": "ion\x00@example.md"}, {"name": "x" * 10_000},
    {"name": "   "},
])
async def test_a_customer_with_a_control_character_is_refused(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    problem: Problem, change: dict[str, str],
) -> None:
    before = await row_counts(settings.dsn)
    response = await client.post("/v1/customers", json=CUSTOMER | change, headers=operator)
    assert problem(response, 422) == "invalid-input"
    assert await row_counts(settings.dsn) == before


@pytest.mark.parametrize("change", [
    {"currency": "ZZZ"}, {"currency": "XAU"}, {"currency": "mdl"}, {"timezone": "Europe/\x00"},
    {"customer_id": "a\x00b"}, {"bill_delivery": {"medium": "paper", "address": "a\x00"}},
])
async def test_an_account_with_a_bad_currency_or_text_is_refused(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    problem: Problem, change: dict[str, Any],
) -> None:
    customer = await client.post("/v1/customers", json=CUSTOMER, headers=operator)
    body = {"customer_id": customer.json()["id"], "payment_mode": "postpaid", "currency": "MDL",
            "timezone": "Europe/Chisinau", "bill_delivery": {"medium": "ebill"}} | change
    before = await row_counts(settings.dsn)
    response = await client.post("/v1/accounts", json=body, headers=operator)
    assert problem(response, 422) == "invalid-input"
    assert await row_counts(settings.dsn) == before


@pytest.mark.parametrize("connected_at", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00",
                                          "1999-12-31T23:59:59+00:00", "2101-01-01T00:00:00+00:00"])
async def test_a_line_connected_outside_2000_to_2100_is_refused(
    new_account: Callable[..., Awaitable[str]], publish_plan: Callable[..., Awaitable[str]],
    add_line: Post, settings: AccountsSettings, problem: Problem, connected_at: str,
) -> None:
    account_id, plan = await new_account(), await publish_plan()
    good = await add_line(account_id, msisdn=new_msisdn(), plan_code=plan)
    assert good.status_code == 201, good.text
    before = await row_counts(settings.dsn)
    response = await add_line(account_id, msisdn=new_msisdn(), plan_code=plan,
                              connected_at=connected_at)
    assert problem(response, 422) == "invalid-input"
    assert await row_counts(settings.dsn) == before


@pytest.mark.parametrize("path", ["/v1/accounts/a%00b", "/v1/customers/%00", "/v1/accounts/a%00b/lines",
                                  "/v1/accounts/%1b/bonus"])
async def test_a_path_with_a_control_character_is_not_found(
    client: httpx.AsyncClient, operator: dict[str, str], problem: Problem, path: str,
) -> None:
    assert problem(await client.get(path, headers=operator), 404) == "not-found"


async def test_a_line_with_a_control_character_in_its_number_or_plan_is_refused(
    new_account: Callable[..., Awaitable[str]], client: httpx.AsyncClient,
    operator: dict[str, str], settings: AccountsSettings, problem: Problem,
) -> None:
    account_id = await new_account()
    before = await row_counts(settings.dsn)
    bodies = ({"msisdn": "3736900\x0001", "plan_code": "p"}, {"msisdn": new_msisdn(), "plan_code": "p\x00"})
    for body in bodies:
        response = await client.post(f"/v1/accounts/{account_id}/lines", json=body, headers=operator)
        assert problem(response, 422) == "invalid-input"
    assert await row_counts(settings.dsn) == before
