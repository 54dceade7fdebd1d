"""Statements per second: a billing run's set-based chunks against the per-account path.

Seeds a fresh invoicing database with ``COPY``: N postpaid accounts with one line each and
four charges of the closed month (voice, SMS, data at 20 % VAT on the net, a monthly fee at
20 % VAT included), a payment for every third. Then a billing run executes (``BillingRunner``,
chunks of ``INVOICING_STATEMENT_CHUNK`` accounts) and the time until its N invoices are issued
is measured: invoice rows, lines, gapless numbers, ledger entries stated, audit rows. The
baseline, in the same run and database, bills another ``baseline`` accounts of the same shape
one transaction per account (``bill_account``, the path a run took before). Checks printed:
one invoice per account, numbers without a gap. Nothing is asserted on time.

Run: ``python tests/bench/statements.py [N]`` (default 100,000), or ``make bench``.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from invoicing.adapters.uow import InvoicingUnitOfWork
from invoicing.bootstrap import MIGRATIONS
from invoicing.domain.statement import Statement
from invoicing.service.billing import BillingPolicy, bill_account, start_run
from invoicing.service.runs import RUNNER, BillingRunner
from invoicing.settings import InvoicingSettings
from tarifa.clock import SystemClock
from tarifa.db import create_engine, prepare_database, sessionmaker_for
from tarifa.testing.servers import drop_database, new_database

DEFAULT_COUNT = 100_000
BASELINE_COUNT = 1_000
CHARGES = (("voice", "out", "minute", "60", "0.20", False, "18.00"),
           ("sms", "out", "sms", "40", "0.20", False, "20.00"),
           ("data", "out", "MiB", "300", "0.20", False, "3.00"),
           ("fee", None, "month", "1", "0.20", True, "100.00"))


def _period() -> tuple[date, date]:
    """The last closed month: its first and last day."""
    end = datetime.now(UTC).date().replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class _Waiting:
    """A document engine that never answers: the bench measures statements only."""

    async def render(self, statements: Any) -> list[bytes]:
        await asyncio.Event().wait()
        return []

    async def render_print_batch(self, statements: list[Statement], title: str) -> bytes:
        await asyncio.Event().wait()
        return b""


def _account(account_id: str) -> tuple[Any, ...]:
    return (account_id, "MDL", "postpaid", "ro", "UTC", "Ion Popescu", "str. Mare 1",
            "ebill", "ion@example.md")


def _charge(account_id: str, msisdn: str, day: date, charge: tuple[Any, ...]) -> tuple[Any, ...]:
    kind, direction, unit, quantity, rate, included, price = charge
    gross = Decimal(price) if included else Decimal(price) * (1 + Decimal(rate))
    net = (gross / (1 + Decimal(rate))).quantize(Decimal("0.01")) if included else Decimal(price)
    now = datetime.now(UTC)
    return (str(uuid.uuid4()), account_id, "charge", kind, "MDL", day, -gross, "seed", now,
            msisdn, direction, "Abonament" if kind == "fee" else "", Decimal(quantity), unit, net,
            gross - net, gross, "", "", Decimal(rate), included)


def _payment(account_id: str, day: date) -> tuple[Any, ...]:
    return (str(uuid.uuid4()), account_id, "payment", "payment", "MDL", day, Decimal("50.00"),
            "seed", datetime.now(UTC), None, None, "", Decimal(0), "", Decimal(0), Decimal(0),
            Decimal(0), "card", str(uuid.uuid4()), None, False)


ACCOUNT = ["account_id", "currency", "payment_mode", "language", "timezone", "customer_name",
           "address", "delivery_medium", "delivery_address"]
LEDGER = ["id", "account_id", "kind", "type", "currency", "occurred_on", "amount",
          "source_event_id", "created_at", "msisdn", "direction", "description", "quantity",
          "unit", "net", "vat", "gross", "channel", "reference", "vat_rate", "vat_included"]


async def _seed(conn: asyncpg.Connection, prefix: str, count: int) -> list[str]:
    start, end = _period()
    ids = [f"{prefix}-{n:07d}" for n in range(count)]
    msisdns = [f"3736{prefix[0]}{n:07d}" for n in range(count)]
    await conn.copy_records_to_table("accounts", columns=ACCOUNT,
                                     records=[_account(i) for i in ids])
    await conn.copy_records_to_table("lines", records=[
        (m, i, start) for i, m in zip(ids, msisdns, strict=True)])
    rows = [_charge(i, m, start + timedelta(days=n % 28), c)
            for n, (i, m) in enumerate(zip(ids, msisdns, strict=True)) for c in CHARGES]
    rows += [_payment(i, end) for i in ids[::3]]
    await conn.copy_records_to_table("ledger", records=rows, columns=LEDGER)
    await conn.execute("ANALYZE")
    return ids


async def _checks(conn: asyncpg.Connection) -> str:
    row = await conn.fetchrow(
        "SELECT count(*) AS invoices, count(DISTINCT account_id) AS accounts, "
        "max(split_part(number, '-', 3)::int) - min(split_part(number, '-', 3)::int) + 1 AS span "
        "FROM invoices")
    lines = await conn.fetchval("SELECT count(*) FROM invoice_lines")
    unstated = await conn.fetchval("SELECT count(*) FROM ledger WHERE invoice_id IS NULL")
    return (f"{row['invoices']} invoices for {row['accounts']} accounts, numbers spanning "
            f"{row['span']} (no gap: {row['span'] == row['invoices']}), {lines} lines, "
            f"{unstated} ledger entries left unstated")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _run(new_uow: Any, conn: asyncpg.Connection, chunk: int, lanes: int,
               count: int) -> tuple[float, float]:
    """Seconds until the run's ``count`` invoices are issued, and this process's CPU seconds."""
    runner = BillingRunner(new_uow, _Waiting(), BillingPolicy(), chunk=chunk, lanes=lanes)
    started, cpu = time.perf_counter(), _cpu()
    run = await start_run(new_uow(), _period()[1], None)
    runner.launch(run.id)
    while True:
        if await conn.fetchval("SELECT count(*) FROM invoices WHERE run_id = $1", run.id) >= count:
            break
        await asyncio.sleep(0.05)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    await runner.close()
    return seconds, cpu


async def _baseline(new_uow: Any, ids: list[str]) -> float:
    run = await start_run(new_uow(), _period()[1], ids)
    started = time.perf_counter()
    for account_id in ids:
        await bill_account(new_uow().acting(RUNNER), BillingPolicy(), run, account_id)
    return time.perf_counter() - started


async def main(count: int = DEFAULT_COUNT, baseline: int = BASELINE_COUNT) -> dict[str, float]:
    """Run the benchmark; print and return accounts/s of the run and of the baseline."""
    server = os.environ.get("TARIFA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432")
    url = await new_database(server.rstrip("/"), "bench_statements")
    settings = InvoicingSettings(database_url=url)
    engine = create_engine(settings.dsn)
    try:
        await prepare_database(MIGRATIONS, settings.dsn)
        sessions, clock = sessionmaker_for(engine), SystemClock()

        def new_uow() -> InvoicingUnitOfWork:
            return InvoicingUnitOfWork(sessions, service="invoicing", clock=clock)

        conn = await asyncpg.connect(url)
        try:
            base_ids = await _seed(conn, "b", baseline)
            base_seconds = await _baseline(new_uow, base_ids)
            await _seed(conn, "a", count)
            run_seconds, run_cpu = await _run(new_uow, conn, settings.statement_chunk,
                                     settings.statement_lanes, count)
            checks = await _checks(conn)
        finally:
            await conn.close()
    finally:
        await engine.dispose()
        await drop_database(url)
    figures = {"run_accounts_per_s": count / run_seconds,
               "baseline_accounts_per_s": baseline / base_seconds}
    figures["ratio"] = figures["run_accounts_per_s"] / figures["baseline_accounts_per_s"]
    print(f"statements: a run over {count:,} accounts ({len(CHARGES)} charges each, chunks of "
          f"{settings.statement_chunk}, {settings.statement_lanes} at once): {run_seconds:.1f} s, "
          f"{figures['run_accounts_per_s']:,.0f} accounts/s "
          f"({run_cpu / count * 1000:.2f} ms of this process's CPU per account)")
    print(f"baseline: one transaction per account, {baseline:,} accounts: {base_seconds:.1f} s, "
          f"{figures['baseline_accounts_per_s']:,.0f} accounts/s")
    print(f"ratio: {figures['ratio']:.1f}x the per-account path; "
          f"a million accounts in {1_000_000 / figures['run_accounts_per_s'] / 60:.1f} min")
    print(f"checks: {checks} (baseline's included)")
    return figures


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_COUNT))
