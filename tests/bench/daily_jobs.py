"""The daily jobs in accounts per second, chunked, against one transaction per account.

On fresh databases (no broker needed: events are staged in the outbox, as in production, and
not published here), seeded with plain SQL:

- accounts: ``accounts`` accounts whose suspension or promised payment ended yesterday (half
  postpaid suspensions, a tenth of them with an invoice unpaid past its grace, so they are
  blocked on resuming; half prepaid promises, a third with a negative balance, blocked again on
  expiry), settled by ``settle_due`` (chunks of 500, one transaction each);
- invoicing: ``invoices`` open invoices due yesterday, marked by ``mark_overdue`` (chunks of
  1000, one statement each); then the same invoices, due in two days, reminded of by
  ``remind_due`` (printed alone: its per-row path is the same statement with a chunk of one).

The baselines, in the same run, put ``baseline`` rows back as they were and run the same use
case one row per transaction (the path a failed accounts chunk falls back to; for invoices a
chunk of one). Prints the figures; asserts nothing on time.
Run: ``python tests/bench/daily_jobs.py [accounts] [invoices]``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
from accounts.adapters.uow import AccountsUnitOfWork
from accounts.bootstrap import MIGRATIONS as ACCOUNTS_MIGRATIONS
from accounts.service.jobs import settle_due
from accounts.service.settling import settle_accounts
from accounts.settings import AccountsSettings
from invoicing.adapters.uow import InvoicingUnitOfWork
from invoicing.bootstrap import MIGRATIONS as INVOICING_MIGRATIONS
from invoicing.service.overdue import mark_overdue, mark_overdue_chunk
from invoicing.service.reminders import remind_due
from invoicing.settings import InvoicingSettings
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tarifa.clock import ControllableClock
from tarifa.db import create_engine, prepare_database, sessionmaker_for
from tarifa.testing.servers import drop_database, new_database

NOW = datetime(2026, 6, 2, 6, 0, tzinfo=UTC)
SERVER = os.environ.get("TARIFA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432")

SEED_CUSTOMER = "INSERT INTO customers (id, kind, name, language) VALUES ('c', 'person', 'B', 'ro')"
SEED_ACCOUNTS = """
INSERT INTO accounts (id, customer_id, payment_mode, currency, timezone, status, bill_delivery,
                      bonus_points, opened_at, suspended_from, suspended_until,
                      promise_granted_at, promised_until, last_promise_at)
SELECT 'acc-' || lpad(n::text, 7, '0'), 'c', CASE WHEN n % 2 = 0 THEN 'postpaid' ELSE 'prepaid' END,
       'MDL', 'UTC', CASE WHEN n % 2 = 0 THEN 'suspended' ELSE 'active' END,
       '{"medium": "paper", "address": "Chisinau"}', 0, '2026-01-01T00:00:00Z',
       CASE WHEN n % 2 = 0 THEN timestamptz '2026-05-20T00:00:00Z' END,
       CASE WHEN n % 2 = 0 THEN timestamptz '2026-06-01T00:00:00Z' END,
       CASE WHEN n % 2 = 1 THEN timestamptz '2026-05-29T00:00:00Z' END,
       CASE WHEN n % 2 = 1 THEN timestamptz '2026-06-01T00:00:00Z' END,
       CASE WHEN n % 2 = 1 THEN timestamptz '2026-05-29T00:00:00Z' END
FROM generate_series(1, $1) AS n;
"""
SEED_OWING = """
INSERT INTO balances (account_id, amount, currency, as_of)
SELECT id, CASE WHEN right(id, 1)::int % 3 = 0 THEN -5 ELSE 12 END, 'MDL', '2026-05-30T00:00:00Z'
FROM accounts WHERE payment_mode = 'prepaid';
INSERT INTO invoices (invoice_id, account_id, due_date, blocks_at)
SELECT 'inv-' || id, id, '2026-05-15', '2026-05-25T00:00:00Z'
FROM accounts WHERE payment_mode = 'postpaid' AND right(id, 2)::int % 10 = 0;
"""
RESET_ACCOUNTS = """
UPDATE accounts SET status = CASE WHEN payment_mode = 'postpaid' THEN 'suspended' ELSE 'active' END,
       blocked_reason = NULL,
       suspended_from = CASE WHEN payment_mode = 'postpaid' THEN timestamptz '2026-05-20T00:00:00Z' END,
       suspended_until = CASE WHEN payment_mode = 'postpaid' THEN timestamptz '2026-06-01T00:00:00Z' END,
       promise_granted_at = CASE WHEN payment_mode = 'prepaid' THEN timestamptz '2026-05-29T00:00:00Z' END,
       promised_until = CASE WHEN payment_mode = 'prepaid' THEN timestamptz '2026-06-01T00:00:00Z' END
WHERE id = ANY($1)
"""
SEED_INVOICES = """
INSERT INTO invoices (id, number, account_id, period_start, period_end, issued_at, due_date,
                      currency, opening_balance, total_charges, vat_total, total_paid,
                      closing_balance, amount_due, payable, status, customer)
SELECT 'inv-' || n, 'B-' || n, 'acc-' || n, '2026-04-01', '2026-04-30', '2026-05-01T06:00:00Z',
       '2026-06-01', 'MDL', 0, 100, 20, 0, 100, 100, 100,
       CASE WHEN n % 5 = 0 THEN 'partially_paid' ELSE 'issued' END, '{}'
FROM generate_series(1, $1) AS n;
"""


@asynccontextmanager
async def _database(prefix: str, migrations: Path, dsn_of: Callable[[str], str],
                    ) -> AsyncIterator[tuple[asyncpg.Connection, async_sessionmaker[AsyncSession]]]:
    url = await new_database(SERVER.rstrip("/"), prefix)
    try:
        await prepare_database(migrations, dsn_of(url))
        engine = create_engine(dsn_of(url))
        conn = await asyncpg.connect(url)
        try:
            yield conn, sessionmaker_for(engine)
        finally:
            await conn.close()
            await engine.dispose()
    finally:
        await drop_database(url)


def _clock() -> ControllableClock:
    clock = ControllableClock()
    clock.set(NOW)
    return clock


async def _accounts(count: int, baseline: int) -> tuple[float, float]:
    dsn = lambda url: AccountsSettings(database_url=url).dsn  # noqa: E731
    async with _database("bench_accounts", ACCOUNTS_MIGRATIONS, dsn) as (conn, sessions):
        clock = _clock()

        def new_uow() -> AccountsUnitOfWork:
            return AccountsUnitOfWork(sessions, service="accounts", clock=clock)

        await conn.execute(SEED_CUSTOMER)
        await conn.execute(SEED_ACCOUNTS, count)
        await conn.execute(SEED_OWING)
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM accounts ORDER BY id")]
        started = time.perf_counter()
        await settle_due(new_uow, ids)
        chunked = time.perf_counter() - started
        events = await conn.fetchval("SELECT count(*) FROM outbox")
        blocked = await conn.fetchval("SELECT count(*) FROM accounts WHERE status = 'blocked'")
        print(f"accounts settled: {count}, {events} events staged, {blocked} blocked")
        await conn.execute(RESET_ACCOUNTS, ids[:baseline])
        started = time.perf_counter()
        for account_id in ids[:baseline]:
            await settle_accounts(new_uow(), [account_id])
        return chunked, time.perf_counter() - started


async def _invoices(count: int, baseline: int) -> tuple[float, float]:
    dsn = lambda url: InvoicingSettings(database_url=url).dsn  # noqa: E731
    async with _database("bench_invoicing", INVOICING_MIGRATIONS, dsn) as (conn, sessions):
        clock = _clock()

        def new_uow() -> InvoicingUnitOfWork:
            return InvoicingUnitOfWork(sessions, service="invoicing", clock=clock)

        await conn.execute(SEED_INVOICES, count)
        started = time.perf_counter()
        marked = await mark_overdue(new_uow, date(2026, 6, 2))
        chunked = time.perf_counter() - started
        assert marked == count, (marked, count)
        await conn.execute("UPDATE invoices SET status = 'issued' WHERE id IN "
                           "(SELECT id FROM invoices ORDER BY id LIMIT $1)", baseline)
        started = time.perf_counter()
        while await mark_overdue_chunk(new_uow(), date(2026, 6, 2), 1):
            pass
        one_by_one = time.perf_counter() - started
        await conn.execute("UPDATE invoices SET status = 'issued', due_date = '2026-06-04'")
        started = time.perf_counter()
        reminded = await remind_due(new_uow, date(2026, 6, 2), 3)
        print(f"invoices reminded of: {reminded} in {time.perf_counter() - started:.1f} s: "
              f"{reminded / (time.perf_counter() - started):,.0f} invoices/s")
        return chunked, one_by_one


def _report(job: str, unit: str, count: int, chunked: float, baseline: int,
            one_by_one: float) -> dict[str, float]:
    fast, slow = count / chunked, baseline / one_by_one
    print(f"{job}: {count} {unit} in {chunked:.1f} s: {fast:,.0f} {unit}/s")
    print(f"{job} baseline: one transaction per row, {baseline} {unit} in {one_by_one:.1f} s: "
          f"{slow:,.0f} {unit}/s")
    print(f"{job} ratio: chunked is {fast / slow:.1f}x one transaction per row")
    return {f"{job}_per_s": fast, f"{job}_baseline_per_s": slow}


async def main(accounts: int = 40_000, invoices: int = 50_000,
               baseline: int = 2_000) -> dict[str, float]:
    settle, settle_one = await _accounts(accounts, baseline)
    overdue, overdue_one = await _invoices(invoices, baseline)
    return (_report("accounts_settle", "accounts", accounts, settle, baseline, settle_one)
            | _report("invoices_overdue", "invoices", invoices, overdue, baseline, overdue_one))


if __name__ == "__main__":
    counts = [int(arg) for arg in sys.argv[1:3]]
    asyncio.run(main(*counts))
