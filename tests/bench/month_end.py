"""Month end at operator scale: a billing run from ``POST /v1/billing-runs`` to its last e-bill sent.

Through the real processes, on fresh invoicing and notifications databases and a fresh vhost:
one ``invoicing serve`` (the real document engine, its development CA and TSA in a temporary
folder) and one ``notifications serve`` fetching each PDF from it over HTTP and mailing it to an
SMTP server in this process (aiosmtpd); a stand-in answers accounts' ``POST /v1/auth/token``.
N postpaid e-bill-by-email accounts are opened with ``accounts.account.opened`` events (both
replicas keep them); their lines and closed-month ledger (as ``statements.py``: four charges
each, a payment for every third) are copied into invoicing. An operator starts the run over HTTP
and ``GET /v1/billing-runs/{id}`` is polled until N are issued, N documents made and announced,
and the SMTP server holds N messages. Per stage: the seconds from the run's start, the rate, the
CPU seconds each process spent in it (invoicing with its signing workers, notifications, this
process, and every PostgreSQL and RabbitMQ process of the machine, other load included) and,
against the baseline of a million accounts billed within a night, the time a million would take
by linear extrapolation. Checks: N distinct invoices, N emails to N distinct recipients, none
twice. Nothing is asserted on time. Run: ``python tests/bench/month_end.py [N]`` (default
2,000; 100,000 for the full figure), or ``make bench``; servers from ``TARIFA_TEST_*_URL``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
from aiosmtpd.controller import Controller
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened
from tarifa.messaging.envelope import new_event
from tarifa.messaging.topology import EVENTS_EXCHANGE, declare_base
from tarifa.testing.apps import bearer
from tarifa.testing.cpu import family_cpu_seconds, server_cpu_seconds
from tarifa.testing.keys import TEST_SIGNER
from tarifa.testing.modules import beside
from tarifa.testing.processes import free_port, serving
from tarifa.testing.servers import fresh_servers

DEFAULT_COUNT = 2_000
MILLION = 1_000_000
STAGES = ("issued", "documents", "delivered", "emailed")
DATABASES = ("bench_month_end_invoicing", "bench_month_end_notifications")


PEERS, STATEMENTS = beside(__file__, "emails_peers"), beside(__file__, "statements")


class _Sink:
    """The SMTP server's handler: ``emails_peers.MailBox`` counts, this keeps the recipients."""

    def __init__(self) -> None:
        self.box, self.recipients = PEERS.MailBox(), list[str]()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.recipients.extend(envelope.rcpt_tos)
        return str(await self.box.handle_DATA(server, session, envelope))


def _common_env(amqp_url: str) -> dict[str, str]:
    return {"TARIFA_AMQP_URL": amqp_url, "TARIFA_JWT_PUBLIC_KEY": TEST_SIGNER.public_pem(),
            "TARIFA_LOG_LEVEL": "warning", "TARIFA_LOG_JSON": "true"}


def _invoicing_env(database_url: str, amqp_url: str, documents: Path) -> dict[str, str]:
    return _common_env(amqp_url) | {
        "INVOICING_DATABASE_URL": database_url, "INVOICING_DOCUMENTS_DIR": str(documents),
        "INVOICING_RELAY_INTERVAL": "0.05"}


def _notifications_env(database_url: str, amqp_url: str, smtp_port: int, invoicing_url: str,
                       token_url: str) -> dict[str, str]:
    return _common_env(amqp_url) | {
        "NOTIFICATIONS_DATABASE_URL": database_url, "NOTIFICATIONS_SMTP_PORT": str(smtp_port),
        "NOTIFICATIONS_INVOICING_URL": invoicing_url, "NOTIFICATIONS_ACCOUNTS_URL": token_url,
        "NOTIFICATIONS_CLIENT_SECRET": PEERS.SECRET, "NOTIFICATIONS_SMPP_PORT": str(free_port()),
        "NOTIFICATIONS_RELAY_INTERVAL": "0.05"}


def _opened(n: int) -> AccountOpened:
    return AccountOpened(account_id=f"month-end-{n:07d}", customer_id=f"c{n}", payment_mode="postpaid",
                         currency="MDL", timezone="UTC", language=("ro", "ru", "en")[n % 3],
                         customer_name="Ion Popescu", address="str. Mare 1",
                         email=f"customer{n}@example.md",
                         bill_delivery={"medium": "ebill", "email": f"ebill{n}@example.md"})


async def _publish(amqp_url: str, events: list[AccountOpened], at_once: int = 500) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare_base(channel)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE)
        for first in range(0, len(events), at_once):
            await asyncio.gather(*(exchange.publish(_message(data), routing_key=data.routing_key)
                                   for data in events[first:first + at_once]))


def _message(data: AccountOpened) -> aio_pika.Message:
    event = new_event("bench", data.routing_key, data, now=datetime.now(UTC), subject=data.account_id)
    return aio_pika.Message(event.model_dump_json().encode(), message_id=event.id,
                            delivery_mode=aio_pika.DeliveryMode.PERSISTENT)


async def _count(url: str, table: str, wanted: int, timeout: float) -> None:
    conn = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + timeout
        while await conn.fetchval(f"SELECT count(*) FROM {table}") < wanted:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{table} did not reach {wanted} rows")
            await asyncio.sleep(0.1)
    finally:
        await conn.close()


async def _copy_ledger(conn: asyncpg.Connection, count: int) -> None:
    """Each account's line and its closed month's charges and payments, as ``statements.py``."""
    start, end = STATEMENTS._period()
    ids = [_opened(n).account_id for n in range(count)]
    msisdns = [f"3737{n:07d}" for n in range(count)]
    await conn.copy_records_to_table("lines", records=[
        (m, i, start) for i, m in zip(ids, msisdns, strict=True)])
    rows = [STATEMENTS._charge(i, m, start + timedelta(days=n % 28), c)
            for n, (i, m) in enumerate(zip(ids, msisdns, strict=True)) for c in STATEMENTS.CHARGES]
    rows += [STATEMENTS._payment(i, end) for i in ids[::3]]
    await conn.copy_records_to_table("ledger", records=rows, columns=STATEMENTS.LEDGER)
    await conn.execute("ANALYZE")


async def _seed(invoicing_url: str, notifications_url: str, amqp_url: str, count: int) -> None:
    await _publish(amqp_url, [_opened(n) for n in range(count)])
    timeout = 120 + count / 50
    await _count(invoicing_url, "accounts", count, timeout)
    await _count(notifications_url, "contacts", count, timeout)
    conn = await asyncpg.connect(invoicing_url)
    try:
        await _copy_ledger(conn, count)
    finally:
        await conn.close()


def _cpu(pids: dict[str, int]) -> dict[str, float]:
    used = {name: family_cpu_seconds(pid) for name, pid in pids.items()}
    return used | {"this process": time.process_time()} | server_cpu_seconds()


async def _run_started(client: httpx.AsyncClient) -> str:
    body = {"period_end": STATEMENTS._period()[1].isoformat()}
    response = await client.post("/v1/billing-runs", json=body, headers=bearer(TEST_SIGNER, Role.OPERATOR))
    response.raise_for_status()
    return str(response.json()["id"])


def _reached(run: dict[str, Any], sink: _Sink, count: int) -> set[str]:
    if run["status"] == "failed" or run["stages"]["failed"]:
        raise RuntimeError(f"the run failed: {run['error']} {run['failures'][:5]}")
    done = {stage for stage in STAGES[:3] if run["stages"][stage] >= count}
    return done | ({"emailed"} if sink.box.count >= count else set())


async def _stages(client: httpx.AsyncClient, sink: _Sink, count: int,
                  pids: dict[str, int]) -> tuple[str, dict[str, tuple[float, dict[str, float]]]]:
    """The run's id and, per stage, the seconds from its start to the stage's end and the CPU
    used by then."""
    ends: dict[str, tuple[float, dict[str, float]]] = {"start": (0.0, _cpu(pids))}
    started, deadline = time.perf_counter(), time.monotonic() + 600 + count * 0.05
    run_id = await _run_started(client)
    while len(ends) <= len(STAGES):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the run reached only {sorted(ends)}")
        response = await client.get(f"/v1/billing-runs/{run_id}", headers=bearer(TEST_SIGNER))
        for stage in _reached(response.json(), sink, count) - ends.keys():
            ends[stage] = (time.perf_counter() - started, _cpu(pids))
        await asyncio.sleep(0.1)
    return run_id, ends


async def _invoice_checks(url: str, run_id: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow("SELECT count(*) AS n, count(DISTINCT id) AS ids, count(DISTINCT "
                                  "number) AS numbers, count(DISTINCT account_id) AS accounts "
                                  "FROM invoices WHERE run_id = $1", run_id)
    finally:
        await conn.close()
    return (f"{row['n']} invoices ({row['ids']} distinct ids, {row['numbers']} distinct numbers, "
            f"for {row['accounts']} accounts)")


async def _email_checks(sink: _Sink, count: int) -> str:
    await asyncio.sleep(3.0)  # time for a message sent twice to arrive
    sent = Counter(sink.recipients)
    seeded = {f"ebill{n}@example.md" for n in range(count)}
    return (f"{sink.box.count} emails, {len(sink.box.message_ids)} distinct Message-IDs, "
            f"{sink.box.with_pdf} with the PDF, to {len(sent)} distinct recipients (the seeded "
            f"ones: {set(sent) == seeded}), none twice: {max(sent.values(), default=0) == 1}")


async def _run(count: int, sink: _Sink, smtp_port: int) -> tuple[dict[str, Any], str]:
    with PEERS.invoicing_server(b"") as token_url, tempfile.TemporaryDirectory() as folder:
        async with fresh_servers(*DATABASES) as ((invoicing_db, notifications_db), amqp_url):
            logs = Path(folder)
            env = _invoicing_env(invoicing_db, amqp_url, logs / "documents")
            async with serving("invoicing", env, logs / "invoicing.log") as (invoicing, port):
                url = f"http://127.0.0.1:{port}"
                env = _notifications_env(notifications_db, amqp_url, smtp_port, url, token_url)
                async with serving("notifications", env, logs / "notifications.log") as (notifications, _), \
                        httpx.AsyncClient(base_url=url, timeout=30) as client:
                    await _seed(invoicing_db, notifications_db, amqp_url, count)
                    pids = {"invoicing": invoicing, "notifications": notifications}
                    run_id, ends = await _stages(client, sink, count, pids)
                    checks = (await _invoice_checks(invoicing_db, run_id)
                              + "; " + await _email_checks(sink, count))
    return ends, checks


def _duration(seconds: float) -> str:
    hours, rest = divmod(round(seconds), 3600)
    return f"{hours} h {rest // 60:02d} min" if hours else f"{rest / 60:.1f} min"


def _report(count: int, ends: dict[str, Any], checks: str) -> None:
    print(f"month end: a billing run over {count:,} postpaid e-bill accounts "
          f"({len(STATEMENTS.CHARGES)} charges each), one invoicing and one notifications process "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    previous = ends["start"]
    for stage in sorted(STAGES, key=lambda name: ends[name][0]):
        seconds, cpu = ends[stage]
        spent = ", ".join(f"{name} {cpu[name] - previous[1][name]:.1f}" for name in cpu)
        print(f"  {stage:<9} done {seconds:7.1f} s after the start, {count / seconds:,.0f} "
              f"accounts/s; a million accounts (linear): {_duration(seconds * MILLION / count)}")
        print(f"            CPU s in the stage: {spent}")
        previous = ends[stage]
    total = ", ".join(f"{name} {(previous[1][name] - ends['start'][1][name]) * 1000 / count:.1f}"
                      for name in previous[1])
    print(f"  CPU ms per account, whole run: {total}")
    print(f"  checks: {checks}")


def main(count: int = DEFAULT_COUNT) -> dict[str, float]:
    """Run the benchmark; print per stage and return the seconds each stage ended after the start."""
    sink, port = _Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        ends, checks = asyncio.run(_run(count, sink, port))
    finally:
        controller.stop()
    _report(count, ends, checks)
    return {f"{stage}_seconds": ends[stage][0] for stage in STAGES}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_COUNT)
