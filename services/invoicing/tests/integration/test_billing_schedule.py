"""Invoicing closes the month by itself on the policy's billing day and hour, once per period,
even with two invoicing processes on one database; the run shows in ``GET /v1/billing-runs``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest_asyncio
from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.settings import InvoicingSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.tokens import TokenSigner

from ..conftest import StubRenderer
from .world import april_and_may, eventually, invoices_of, operator, set_clock


@pytest_asyncio.fixture
async def settings(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                   token_signer: TokenSigner) -> InvoicingSettings:
    url = await make_database("invoicing")
    return InvoicingSettings(database_url=url, amqp_url=amqp_url,
                             jwt_public_key=token_signer.public_pem(), test_mode=True,
                             relay_interval=0.05, billing_day=1, billing_hour=2)


@pytest_asyncio.fixture
async def client(settings: InvoicingSettings) -> AsyncIterator[httpx.AsyncClient]:
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(settings, renderer=StubRenderer())) as client:
        yield client


async def _runs_of_may(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    listed = await client.get("/v1/billing-runs", headers=operator())
    assert listed.status_code == 200, listed.text
    return [run for run in listed.json() if run["period_end"] == "2026-05-31"]


async def test_the_month_is_closed_on_the_billing_day_once_with_two_processes(
    client: httpx.AsyncClient, settings: InvoicingSettings,
) -> None:
    await set_clock(client, "2026-06-01T00:30:00+00:00")
    account_id, _ = await april_and_may(settings, client)
    async with running_client(build_app(settings, renderer=StubRenderer())) as other:
        await set_clock(other, "2026-06-01T00:30:00+00:00")
        assert await _runs_of_may(client) == []  # before the billing hour
        await asyncio.gather(set_clock(client, "2026-06-01T02:05:00+00:00"),
                             set_clock(other, "2026-06-01T02:05:00+00:00"))
        await set_clock(other, "2026-06-02T02:05:00+00:00")
        [run] = await _runs_of_may(client)
        assert run["started_by"] == "schedule"
        done = await eventually(  # executed by the process that started it
            lambda: client.get(f"/v1/billing-runs/{run['id']}", headers=operator()),
            lambda r: r.json()["status"] != "running")
    assert (done.json()["status"], done.json()["issued"]) == ("completed", 1)
    [invoice] = await invoices_of(client, account_id)
    assert invoice["period_end"] == "2026-05-31"


async def test_a_month_closed_by_hand_is_not_closed_again_and_the_list_is_operators_only(
    client: httpx.AsyncClient,
) -> None:
    await set_clock(client, "2026-06-01T00:30:00+00:00")
    started = await client.post("/v1/billing-runs", json={"period_end": "2026-05-31"},
                                headers=operator())
    assert started.status_code == 202, started.text
    await set_clock(client, "2026-06-01T03:00:00+00:00")
    [run] = await _runs_of_may(client)
    assert (run["id"], run["started_by"]) == (started.json()["id"], "operator")
    refused = await client.get("/v1/billing-runs")
    assert refused.status_code == 401
    too_many = await client.get("/v1/billing-runs", params={"limit": 10_000}, headers=operator())
    assert too_many.status_code == 422
