"""The worst input of invoicing's routes: 422 (or 404) problem+json, and no row changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from invoicing.settings import InvoicingSettings
from tarifa.testing.rows import row_counts

from .world import open_account, operator


@pytest.mark.parametrize("body", [
    {"period_end": "0001-01-31"}, {"period_end": "9999-12-31"}, {"period_end": "1999-12-31"},
    {"period_end": "2026-04-30", "account_ids": ["a\x00"]},
    {"period_end": "2026-04-30", "account_ids": ["a"] * 10_001},
])
async def test_a_billing_run_out_of_range_or_with_control_characters_is_refused(
    client: httpx.AsyncClient, settings: InvoicingSettings, body: dict[str, Any]
) -> None:
    before = await row_counts(settings.dsn)
    response = await client.post("/v1/billing-runs", json=body, headers=operator())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await row_counts(settings.dsn) == before


@pytest.mark.parametrize("body", [
    {"from": "0001-01-01", "to": "2026-04-30", "direction": "out"},
    {"from": "2026-04-01", "to": "9999-12-31", "direction": "out"},
])
async def test_a_detailed_bill_out_of_range_is_refused(
    client: httpx.AsyncClient, settings: InvoicingSettings, body: dict[str, str]
) -> None:
    account_id, _ = await open_account(settings, client)
    before = await row_counts(settings.dsn)
    response = await client.post(f"/v1/accounts/{account_id}/detailed-bills", json=body,
                                 headers=operator())
    assert response.status_code == 422, response.text
    assert await row_counts(settings.dsn) == before


@pytest.mark.parametrize("body", [{"amount": "1.00", "reason": "typo\x00"},
                                  {"amount": "9" * 40, "reason": "typo"}])
async def test_a_credit_note_with_a_bad_field_is_refused(
    client: httpx.AsyncClient, settings: InvoicingSettings, body: dict[str, str]
) -> None:
    before = await row_counts(settings.dsn)
    response = await client.post("/v1/invoices/any/credit-notes", json=body, headers=operator())
    assert response.status_code == 422, response.text
    assert await row_counts(settings.dsn) == before


@pytest.mark.parametrize(("path", "status"), [
    ("/v1/accounts/a%00b/balance", 404), ("/v1/invoices/%00", 404), ("/v1/billing-runs/%1b", 404),
    ("/v1/credit-notes/%00/pdf", 404), ("/v1/accounts/a/ledger?from=%00", 422),
    ("/v1/accounts/a/ledger?from=0001-01-01&to=9999-12-31", 404),
])
async def test_hostile_paths_and_queries_never_answer_5xx(
    client: httpx.AsyncClient, path: str, status: int
) -> None:
    response = await client.get(path, headers=operator())
    assert response.status_code in (status, 200), response.text


async def test_a_ledger_asked_from_year_1_to_9999_answers_without_error(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await open_account(settings, client)
    response = await client.get(f"/v1/accounts/{account_id}/ledger",
                                params={"from": "0001-01-01", "to": "9999-12-31"}, headers=operator())
    assert response.status_code in (200, 422), response.text
