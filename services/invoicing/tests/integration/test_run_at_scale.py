"""Billing runs a chunk of accounts per transaction: the same invoices as one account at a
time, numbers without a gap, exactly once, progress per stage, failed accounts reported."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from invoicing.adapters.uow import InvoicingUnitOfWork
from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.service.billing import BillingPolicy, bill_account, start_run
from invoicing.service.runs import RUNNER
from invoicing.settings import InvoicingSettings
from tarifa.clock import ControllableClock
from tarifa.db import create_engine, prepare_database, sessionmaker_for
from tarifa.testing.apps import running_client

from ..conftest import StubRenderer
from .bulk import ACCOUNT, LEDGER, account_row, charges, msisdn, seed
from .world import eventually, operator, run_billing, set_clock

APRIL, MAY = date(2026, 4, 1), date(2026, 5, 1)
COMPARED = ("period_start", "period_end", "due_date", "currency", "opening_balance",
            "total_charges", "vat_total", "total_paid", "closing_balance", "amount_due",
            "payable", "status", "vat_breakdown")
LINE = ("position", "type", "description", "quantity", "unit", "net", "vat", "gross", "late",
        "usage_date")


@pytest_asyncio.fixture
async def chunked(settings: InvoicingSettings,
                  renderer: StubRenderer) -> AsyncIterator[tuple[InvoicingSettings, httpx.AsyncClient]]:
    """The app issuing 7 accounts per transaction."""
    small = settings.model_copy(update={"statement_chunk": 7})
    await prepare_database(MIGRATIONS, small.dsn)
    async with running_client(build_app(small, renderer=renderer)) as client:
        yield small, client


def _url(settings: InvoicingSettings) -> str:
    """The database's ``postgresql://`` URL, for asyncpg."""
    return settings.dsn.replace("postgresql+asyncpg://", "postgresql://")


async def _one_at_a_time(settings: InvoicingSettings, ids: list[str], period_end: date,
                         now: datetime) -> None:
    """The per-account path (``bill_account``), each account in its own transaction."""
    engine, clock = create_engine(settings.dsn), ControllableClock()
    clock.set(now)

    def new_uow() -> InvoicingUnitOfWork:
        return InvoicingUnitOfWork(sessionmaker_for(engine), service="invoicing", clock=clock)

    try:
        run = await start_run(new_uow(), period_end, ids)
        for account_id in ids:
            await bill_account(new_uow().acting(RUNNER), BillingPolicy(), run, account_id)
    finally:
        await engine.dispose()


async def _invoices(dsn: str, prefix: str) -> dict[str, dict[str, Any]]:
    """Each account's invoices and lines by the account's position and period."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT * FROM invoices WHERE account_id LIKE $1", f"{prefix}-%")
        lines = await conn.fetch("SELECT l.* FROM invoice_lines l JOIN invoices i ON "
                                 "i.id = l.invoice_id WHERE i.account_id LIKE $1 "
                                 "ORDER BY l.position", f"{prefix}-%")
    finally:
        await conn.close()
    by_invoice: dict[str, list[tuple[Any, ...]]] = {}
    for line in lines:
        by_invoice.setdefault(line["invoice_id"], []).append(tuple(line[k] for k in LINE))
    return {f"{row['account_id'].split('-')[1]}@{row['period_end']}":
            {k: row[k] for k in COMPARED} | {"lines": by_invoice.get(row["id"], [])}
            for row in rows}


async def _counter(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT last FROM invoice_counters WHERE series = 'TRF'"))
    finally:
        await conn.close()


async def _numbers(dsn: str, run_id: str) -> list[int]:
    conn = await asyncpg.connect(dsn)
    try:
        numbers = await conn.fetch("SELECT number FROM invoices WHERE run_id = $1", run_id)
    finally:
        await conn.close()
    return sorted(int(row["number"].rsplit("-", 1)[1]) for row in numbers)


async def test_chunks_issue_the_same_invoices_as_one_account_at_a_time(
    chunked: tuple[InvoicingSettings, httpx.AsyncClient], capfd: pytest.CaptureFixture[str],
) -> None:
    settings, client = chunked
    alone = await seed(_url(settings), "alone", 30, APRIL)
    together = await seed(_url(settings), "chunk", 30, APRIL)
    for month, period_end, now in ((APRIL, "2026-04-30", datetime(2026, 5, 1, 6, tzinfo=UTC)),
                                   (MAY, "2026-05-31", datetime(2026, 6, 1, 6, tzinfo=UTC))):
        if month == MAY:
            await charges(_url(settings), alone, MAY)
            await charges(_url(settings), together, MAY)
        await set_clock(client, now.isoformat())
        await _one_at_a_time(settings, alone, date.fromisoformat(period_end), now)
        run = await run_billing(client, period_end, account_ids=together)
        assert run["status"] == "completed", run
        assert run["issued"] == 30
    # the chunks issued them, not the one-account fallback a failed chunk takes
    assert "billing_chunk_failed" not in capfd.readouterr().out
    expected, issued = await _invoices(_url(settings), "alone"), await _invoices(_url(settings), "chunk")
    assert len(issued) == 60
    assert issued == expected
    assert {invoice["status"] for invoice in issued.values()} >= {"issued", "paid"}
    assert any(line[8] for invoice in issued.values() for line in invoice["lines"])  # late lines


async def _unbillable(dsn: str) -> str:
    """An account in a currency off the ISO 4217 list (a replica row written before the check)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("accounts", columns=ACCOUNT, records=[account_row("bad-1", "ZZZ")])
        await conn.copy_records_to_table("lines", records=[(msisdn("bad-1"), "bad-1", APRIL)])
        await conn.copy_records_to_table("ledger", columns=LEDGER, records=[(
            "bad-entry", "bad-1", "charge", "sms", "ZZZ", date(2026, 4, 3), Decimal("-1.2"),
            "seed", datetime.now(UTC), msisdn("bad-1"), "out", "", Decimal(1), "sms",
            Decimal(1), Decimal("0.2"), Decimal("1.2"), "", "", Decimal("0.20"), False)])
    finally:
        await conn.close()
    return "bad-1"


async def test_a_run_reports_its_stages_its_failed_account_and_numbers_without_a_gap(
    chunked: tuple[InvoicingSettings, httpx.AsyncClient],
) -> None:
    settings, client = chunked
    good = await seed(_url(settings), "good", 40, APRIL)
    bad = await _unbillable(_url(settings))
    await set_clock(client, "2026-05-01T06:00:00+00:00")
    run = await run_billing(client, "2026-04-30")
    assert run["status"] == "failed" and bad in run["error"], run
    assert (run["accounts"], run["issued"]) == (41, 40)
    assert [f["account_id"] for f in run["failures"]] == [bad]
    assert "ZZZ" in run["failures"][0]["reason"]
    assert run["stages"] | {"delivered": 0} == {"issued": 40, "documents": 40, "delivered": 0,
                                                 "failed": 1}
    assert run["estimated_end"] == run["finished_at"]
    assert await _numbers(_url(settings), run["id"]) == list(range(1, 41))
    delivered = await eventually(
        lambda: client.get(f"/v1/billing-runs/{run['id']}", headers=operator()),
        lambda r: r.json()["stages"]["delivered"] == 40)
    assert delivered.json()["stages"]["failed"] == 1
    metrics = (await client.get("/metrics")).text
    assert f'tarifa_billing_run_invoices{{run_id="{run["id"]}",stage="issued"}} 40.0' in metrics
    assert f'tarifa_billing_run_invoices{{run_id="{run["id"]}",stage="failed"}} 1.0' in metrics
    assert len(good) == 40


async def test_a_run_executed_again_issues_nothing_twice_and_takes_no_number(
    chunked: tuple[InvoicingSettings, httpx.AsyncClient],
) -> None:
    settings, client = chunked
    ids = await seed(_url(settings), "once", 25, APRIL)
    await set_clock(client, "2026-05-01T06:00:00+00:00")
    first = await run_billing(client, "2026-04-30")
    again = await run_billing(client, "2026-04-30", account_ids=ids[::2])
    assert (first["status"], first["issued"]) == ("completed", 25)
    assert (again["status"], again["issued"], again["skipped"]) == ("completed", 0, 13)
    assert await _counter(_url(settings)) == 25
    assert await _numbers(_url(settings), first["id"]) == list(range(1, 26))


async def _unwritable(dsn: str) -> str:
    """An account whose monthly fees' two long descriptions make a line too long to store."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("accounts", columns=ACCOUNT,
                                         records=[account_row("long-1")])
        await conn.copy_records_to_table("lines", records=[(msisdn("long-1"), "long-1", APRIL)])
        await conn.copy_records_to_table("ledger", columns=LEDGER, records=[(
            f"long-{n}", "long-1", "charge", "fee", "MDL", date(2026, 4, 1), Decimal("-12"),
            "seed", datetime.now(UTC), msisdn("long-1"), None, letter * 150, Decimal(1),
            "month", Decimal(10), Decimal(2), Decimal(12), "", "", Decimal("0.20"), True)
            for n, letter in enumerate("ab")])
    finally:
        await conn.close()
    return "long-1"


async def test_a_chunk_that_cannot_be_written_is_billed_account_by_account(
    chunked: tuple[InvoicingSettings, httpx.AsyncClient],
) -> None:
    settings, client = chunked
    good = await seed(_url(settings), "near", 6, APRIL)  # the chunk of 7 holds all of them
    bad = await _unwritable(_url(settings))
    await set_clock(client, "2026-05-01T06:00:00+00:00")
    run = await run_billing(client, "2026-04-30")
    assert (run["status"], run["issued"]) == ("failed", 6), run
    assert [f["account_id"] for f in run["failures"]] == [bad]
    assert "varying(200)" in run["failures"][0]["reason"]
    assert await _numbers(_url(settings), run["id"]) == list(range(1, 7))
    assert len(good) == 6
