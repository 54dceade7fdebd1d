"""Rating throughput: CDRs per second through ``rating.usage.ingest`` against a raw bulk insert.

Starts the rating app in-process on a fresh database and RabbitMQ vhost, seeds a plan (over
HTTP) and lines (as ``accounts`` events), publishes the CDRs in messages of ``per_message``
records to ``rating.usage.ingest`` and measures until every rated record is in the database,
and on until an invoicing process (its own database, the same vhost) has posted every batch's
``rating.usage.rated`` to its ledger.
The baseline, measured in the same run, copies the very same rows into a scratch table with
``COPY`` (``asyncpg.copy_records_to_table``): the cost of storing them with no rating at all.

It runs twice: with the one in-process rating app, then with a second ``rating serve`` process
consuming the same queue (competing consumers; a line's records are serialised by its row lock).
Prints the figures and their ratios; asserts nothing on time. Servers come from
``TARIFA_TEST_DATABASE_URL`` / ``TARIFA_TEST_AMQP_URL`` (default: localhost).
Run: ``python tests/bench/rating.py [records]``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# This file bears the name of the service package; its folder on sys.path (script runs, and
# ``run.py`` next to it) would shadow ``rating``, so it is taken off before the imports below.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

import aio_pika  # noqa: E402
import asyncpg  # noqa: E402
import httpx  # noqa: E402
from rating.bootstrap import MIGRATIONS, build_app  # noqa: E402
from rating.settings import RatingSettings  # noqa: E402
from tarifa.auth import Role  # noqa: E402
from tarifa.db import prepare_database  # noqa: E402
from tarifa.messaging.catalogue import AccountOpened, EventData, LineActivated  # noqa: E402
from tarifa.messaging.envelope import new_event  # noqa: E402
from tarifa.messaging.topology import EVENTS_EXCHANGE, declare_base  # noqa: E402
from tarifa.testing.apps import bearer, running_client  # noqa: E402
from tarifa.testing.cpu import cpu_seconds, server_cpu_seconds  # noqa: E402
from tarifa.testing.keys import TEST_SIGNER  # noqa: E402
from tarifa.testing.processes import serving_many  # noqa: E402
from tarifa.testing.servers import fresh_servers  # noqa: E402

QUEUE = "rating.usage.ingest"
DATABASES = ("bench_rating", "bench_ledger")
"""Rating's and invoicing's databases' prefixes."""
START = (datetime.now(UTC) - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
"""Yesterday: the records lie well inside the late window of the default settings."""
PLAN = {
    "name": "Bench", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "100.00",
    "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
    "allowances": [{"type": "voice", "direction": "out", "zone": "national", "quantity": 6000},
                   {"type": "sms", "direction": "out", "zone": "*", "quantity": 100}],
    "prices": [
        {"type": "voice", "direction": "out", "zone": "national", "unit_price": "0.60",
         "first_increment": 60, "next_increment": 1},
        {"type": "voice", "direction": "out", "zone": "*", "unit_price": "2.00",
         "first_increment": 60, "next_increment": 60},
        {"type": "voice", "direction": "in", "zone": "*", "unit_price": "0"},
        {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
        {"type": "data", "direction": "*", "zone": "*", "unit_price": "0.10", "unit": "MiB"},
    ],
}


def _line_events(lines: int) -> list[EventData]:
    events: list[EventData] = []
    for n in range(lines):
        account_id = f"bench-account-{n}"
        events.append(AccountOpened(account_id=account_id, customer_id="c", payment_mode="postpaid",
                                    currency="MDL", timezone="UTC", language="ro",
                                    bill_delivery={"medium": "ebill"}))
        events.append(LineActivated(account_id=account_id, msisdn=f"3736{n:07d}",
                                    plan_code="bench", connected_at=START))
    return events


def _record(i: int, lines: int) -> dict[str, Any]:
    kind, quantity, extra = [("voice", 30 + i % 300, {}), ("sms", 1, {}),
                             ("data", 1 + i * 7919 % 5_000_000, {}),
                             ("voice", 45, {"roaming_country": "RO"})][i % 4]
    return {"id": f"cdr-{i}", "msisdn": f"3736{i % lines:07d}", "type": kind, "direction": "out",
            "started_at": (START + timedelta(seconds=i * 11)).isoformat(), "quantity": quantity,
            "other_party": "37322123456"} | extra


def _message(first: int, end: int, lines: int) -> bytes:
    return json.dumps({"records": [_record(i, lines) for i in range(first, end)]}).encode()


async def _publish(amqp_url: str, messages: list[tuple[str, bytes]]) -> None:
    """Publish ``(routing key, body)`` pairs; an empty key means the ingest queue."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare_base(channel)
        events = await channel.get_exchange(EVENTS_EXCHANGE)
        for key, body in messages:
            exchange = events if key else channel.default_exchange
            await exchange.publish(aio_pika.Message(body, message_id=str(uuid.uuid4()),
                                                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                                   routing_key=key or QUEUE)


async def _count(conn: asyncpg.Connection, table: str, wanted: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while await conn.fetchval(f"SELECT count(*) FROM {table}") < wanted:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{table} did not reach {wanted} rows")
        await asyncio.sleep(0.05)


async def _seed_rating(client: httpx.AsyncClient, conn: asyncpg.Connection, amqp_url: str,
                       lines: int) -> None:
    """The plan, and the lines known to rating."""
    response = await client.put("/v1/plans/bench", json=PLAN, headers=bearer(TEST_SIGNER, Role.OPERATOR))
    response.raise_for_status()
    events = [new_event("bench", e.routing_key, e, now=datetime.now(UTC)) for e in _line_events(lines)]
    await _publish(amqp_url, [(e.routing_key, e.model_dump_json().encode()) for e in events])
    await _count(conn, "lines", lines, timeout=120)


async def _seed(client: httpx.AsyncClient, conn: asyncpg.Connection, amqp_url: str, lines: int,
                ledger_url: str) -> None:
    """The plan, and the lines known to rating and to invoicing's replica before the clock runs."""
    await _seed_rating(client, conn, amqp_url, lines)
    ledger = await asyncpg.connect(ledger_url)
    try:
        await _count(ledger, "lines", lines, timeout=300)
    finally:
        await ledger.close()


async def _rate(conn: asyncpg.Connection, amqp_url: str, records: int, per_message: int,
                lines: int) -> float:
    """Seconds from the first message published to the last record rated."""
    batches = [_message(start, min(start + per_message, records), lines)
               for start in range(0, records, per_message)]
    started = time.perf_counter()
    await _publish(amqp_url, [("", body) for body in batches])
    await _count(conn, "usage_records", records, timeout=3600)
    return time.perf_counter() - started


async def _baseline(conn: asyncpg.Connection) -> tuple[int, float]:
    """Seconds to COPY the rated rows, as they are, into a scratch table with the same indexes."""
    await conn.execute("CREATE TABLE scratch (LIKE usage_records INCLUDING ALL)")
    rows = await conn.fetch("SELECT * FROM usage_records")
    columns = list(rows[0].keys())
    started = time.perf_counter()
    await conn.copy_records_to_table("scratch", records=[tuple(r) for r in rows], columns=columns)
    return len(rows), time.perf_counter() - started


def _common_env(amqp_url: str) -> dict[str, str]:
    return {"TARIFA_AMQP_URL": amqp_url, "TARIFA_JWT_PUBLIC_KEY": TEST_SIGNER.public_pem(),
            "TARIFA_LOG_LEVEL": "warning"}


def _more_consumers(count: int, settings: RatingSettings, logs: Path) -> Any:
    """``count`` more rating processes on the same database, competing for the ingest queue."""
    return serving_many("rating", count, _common_env(settings.amqp_url) | {
        "RATING_DATABASE_URL": str(settings.database_url), "RATING_FEES_INTERVAL": "3600"}, logs)


def _ledger(database_url: str, amqp_url: str, logs: Path) -> Any:
    """One invoicing process posting what rating rates into its ledger."""
    return serving_many("invoicing", 1, _common_env(amqp_url) | {
        "INVOICING_DATABASE_URL": database_url,
        "INVOICING_DOCUMENTS_DIR": tempfile.mkdtemp(prefix="bench-ledger-"),
        "INVOICING_RELAY_INTERVAL": "0.05"}, logs)


async def _posted(ledger_url: str, batches: int) -> None:
    """Wait until invoicing has posted every batch's ``rating.usage.rated``."""
    conn = await asyncpg.connect(ledger_url)
    try:
        await _count(conn, "inbox WHERE consumer = 'invoicing.usage-rated'", batches, timeout=3600)
    finally:
        await conn.close()


async def _exactness(conn: asyncpg.Connection, ledger_url: str) -> str:
    """Rating's exact gross against what the ledger charged, rounded once per carry."""
    rated = await conn.fetchval("SELECT sum(gross) FROM usage_records")
    ledger = await asyncpg.connect(ledger_url)
    try:
        charged = await ledger.fetchval(
            "SELECT -sum(amount) FROM ledger WHERE kind = 'charge' AND type <> 'fee'")
        carries = await ledger.fetchval("SELECT count(*) FROM carries")
    finally:
        await ledger.close()
    return f"rated {rated:.4f} MDL exact, the ledger charged {charged} ({carries} carries)"


class _Cpu:
    """CPU seconds used so far by this process (the in-process rating app, the publisher),
    the other processes started, and the servers."""

    def __init__(self, processes: dict[str, list[tuple[int, int]]]) -> None:
        self.pids = {name: [pid for pid, _port in started] for name, started in processes.items()}
        self.used = self._now()

    def _now(self) -> dict[str, float]:
        used = {"rating (in-process, with the publisher)": time.process_time()}
        for name, pids in self.pids.items():
            used[name] = sum(cpu_seconds(pid) for pid in pids)
        return used | server_cpu_seconds()

    def per_record(self, records: int) -> str:
        """Microseconds of CPU per record since the start, per process."""
        now = self._now()
        return ", ".join(f"{name} {(now[name] - self.used.get(name, 0.0)) * 1e6 / records:.0f}"
                         for name in now)


async def _run(records: int, per_message: int, lines: int, processes: int) -> tuple[float, ...]:
    """CDR/s through ``processes`` rating processes, CDR/s to invoicing's ledger, and rows/s of
    the COPY baseline."""
    async with fresh_servers(*DATABASES) as ((database_url, ledger_url), amqp_url):
        settings = RatingSettings(database_url=database_url, amqp_url=amqp_url,
                                  jwt_public_key=TEST_SIGNER.public_pem(),
                                  relay_interval=0.05, log_json=True, log_level="warning",
                                  fees_interval=3600)
        await prepare_database(MIGRATIONS, settings.dsn)
        conn = await asyncpg.connect(database_url)
        logs = tempfile.TemporaryDirectory(prefix="bench-rating-logs-")
        try:
            # the other rating processes start before the lines exist, so their first fee pass
            # charges nothing and the figures are usage alone
            async with running_client(build_app(settings)) as client, \
                    _ledger(ledger_url, amqp_url, Path(logs.name)) as ledger, \
                    _more_consumers(processes - 1, settings, Path(logs.name)) as others:
                await _seed(client, conn, amqp_url, lines, ledger_url)
                cpu = _Cpu({"invoicing": ledger, "other rating processes": others})
                started = time.perf_counter()
                rating_seconds = await _rate(conn, amqp_url, records, per_message, lines)
                await _posted(ledger_url, -(-records // per_message))
                ledger_seconds = time.perf_counter() - started
                spent = cpu.per_record(records)
            exactness = await _exactness(conn, ledger_url)
            copied, copy_seconds = await _baseline(conn)
        finally:
            await conn.close()
            logs.cleanup()
    print(f"rating, {processes} process(es): {records} CDRs in messages of {per_message} over "
          f"{lines} lines: rated in {rating_seconds:.1f} s, {records / rating_seconds:,.0f} CDR/s; "
          f"in the ledger in {ledger_seconds:.1f} s, {records / ledger_seconds:,.0f} CDR/s; "
          f"{exactness}")
    print(f"  CPU µs per CDR: {spent}")
    return records / rating_seconds, records / ledger_seconds, copied / copy_seconds


async def main(records: int = 200_000, per_message: int = 1_000, lines: int = 1_000) -> dict[str, float]:
    """Run the benchmark with one and two rating processes; print CDR/s, the baseline, ratios."""
    one, one_ledger, copy_rate = await _run(records, per_message, lines, processes=1)
    two, two_ledger, _ = await _run(records, per_message, lines, processes=2)
    figures = {"rating_cdr_per_s": one, "rating_two_processes_cdr_per_s": two,
               "ledger_cdr_per_s": one_ledger, "ledger_two_processes_cdr_per_s": two_ledger,
               "baseline_rows_per_s": copy_rate, "ratio": copy_rate / one}
    print(f"baseline: COPY of the same {records} rows: {copy_rate:,.0f} rows/s")
    print(f"ratio: the raw insert is {figures['ratio']:.1f}x faster than one rating process, "
          f"{copy_rate / two:.1f}x faster than two; "
          f"{copy_rate / one_ledger:.1f}x and {copy_rate / two_ledger:.1f}x to the ledger")
    return figures


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000))
