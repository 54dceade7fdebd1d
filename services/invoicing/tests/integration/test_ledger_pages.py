"""The ledger a page at a time: newest or oldest first, an opaque cursor, bad cursors refused."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import httpx
import pytest
from invoicing.settings import InvoicingSettings
from tarifa.testing.events import publish_event

from .world import balance_becomes, is_problem, item, open_account, operator, subscriber, usage

DAYS = [date(2026, 5, day) for day in (3, 1, 7, 5, 2)]


async def _account_with_five_days(settings: InvoicingSettings, client: httpx.AsyncClient) -> str:
    account_id, msisdn = await open_account(settings, client)
    items = [item(msisdn, "sms", n + 1, f"{n + 1}.00", "0.00", day) for n, day in enumerate(DAYS)]
    await publish_event(settings.amqp_url, usage(account_id, *items))
    await balance_becomes(client, account_id, "-15.00")
    return account_id


async def _pages(client: httpx.AsyncClient, account_id: str, headers: dict[str, str],
                 **params: Any) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        query = params | ({"cursor": cursor} if cursor else {})
        response = await client.get(f"/v1/accounts/{account_id}/ledger", params=query,
                                    headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_newest_first_pages_follow_the_cursor_to_the_oldest_once_each(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id = await _account_with_five_days(settings, client)
    pages = await _pages(client, account_id, subscriber(account_id), order="newest", limit=2)
    assert [[row["date"] for row in page] for page in pages] == [
        ["2026-05-07", "2026-05-05"], ["2026-05-03", "2026-05-02"], ["2026-05-01"]]
    assert [row["amount"] for page in pages for row in page] == [
        "-3.00", "-4.00", "-1.00", "-5.00", "-2.00"]


async def test_oldest_first_pages_and_the_list_of_the_callers_before_pages(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id = await _account_with_five_days(settings, client)
    pages = await _pages(client, account_id, operator(), order="oldest", limit=3,
                         **{"from": "2026-05-02"})
    assert [[row["date"] for row in page] for page in pages] == [
        ["2026-05-02", "2026-05-03", "2026-05-05"], ["2026-05-07"]]
    legacy = await client.get(f"/v1/accounts/{account_id}/ledger", params={"limit": 2},
                              headers=operator())
    assert [row["date"] for row in legacy.json()] == ["2026-05-01", "2026-05-02"]


async def test_a_page_that_ends_exactly_with_the_ledger_has_no_next_cursor(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id = await _account_with_five_days(settings, client)
    response = await client.get(f"/v1/accounts/{account_id}/ledger",
                                params={"order": "newest", "limit": 5}, headers=operator())
    assert len(response.json()["items"]) == 5 and response.json()["next_cursor"] is None


def _encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("cursor", [
    "not a cursor", "%%%", _encoded("2026-05-01"), _encoded("2026-05-01|2026-05-01T10:00:00|x"),
    _encoded("0001-01-01|0001-01-01T00:00:00+00:00|x"), _encoded("2026-05-01|2026-13-01|x"),
    _encoded("2026-05-01|2026-05-01T10:00:00+00:00|a\x00b"), _encoded("a|b|c|d"), "x" * 401,
])
async def test_a_cursor_not_of_ours_is_a_422_problem(
    client: httpx.AsyncClient, settings: InvoicingSettings, cursor: str
) -> None:
    account_id, _ = await open_account(settings, client)
    response = await client.get(f"/v1/accounts/{account_id}/ledger",
                                params={"order": "newest", "cursor": cursor}, headers=operator())
    assert is_problem(response, 422), response.text


async def test_an_unknown_order_is_a_422_problem(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await open_account(settings, client)
    response = await client.get(f"/v1/accounts/{account_id}/ledger", params={"order": "random"},
                                headers=operator())
    assert is_problem(response, 422), response.text
