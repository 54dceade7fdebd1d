"""Mixed load: offline payments at 200/s while mediation offers usage at 20,000 CDR/s.

Rating, invoicing and payments run as processes (``python -m <service> serve``) on their own
databases and one RabbitMQ vhost, seeded with the rating bench's plan and lines. First the
payments alone, at the same rate for a few seconds: the baseline latency, measured in the same
run. Then the same payments while usage is offered over AMQP for ``seconds``: the payments' latency
(p50/p95/p99), what was rated and posted to the ledger 10 s after the load ended (the backlogs),
and how long until the last record was rated and the last batch posted; the CPU each process
spent per payment alone (until invoicing posted them all) and over the mixed load and the 10 s
after it. The payments go through a hand-written HTTP/1.1 client (``mixed_client``): httpx
spent more CPU per payment than the payments service, on the same cores. Prints; asserts
nothing.
Run: ``python tests/bench/mixed.py [seconds]``.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from tarifa.auth import Role
from tarifa.messaging.envelope import new_event
from tarifa.testing.apps import bearer
from tarifa.testing.cpu import cpu_seconds, server_cpu_seconds
from tarifa.testing.keys import TEST_SIGNER
from tarifa.testing.modules import beside
from tarifa.testing.processes import serving
from tarifa.testing.servers import fresh_servers

PAYMENTS_PER_S = 200
CDR_PER_S = 20_000
PER_MESSAGE = 1_000
LINES = 1_000
SERVICES = ("rating", "invoicing", "payments")
USAGE_POSTED = "inbox WHERE consumer = 'invoicing.usage-rated'"
PAYMENTS_POSTED = "inbox WHERE consumer = 'invoicing.payment-succeeded'"
Paid = tuple[list[float], int, float]


RATING = beside(__file__, "rating")  # its plan, lines and records
CLIENT = beside(__file__, "mixed_client")  # the payments' HTTP client
PAY_PATH = "/v1/payments/offline"


def _env(service: str, database_url: str, amqp_url: str) -> dict[str, str]:
    prefix = service.upper()
    return RATING._common_env(amqp_url) | {  # type: ignore[no-any-return]
        f"{prefix}_DATABASE_URL": database_url, f"{prefix}_RELAY_INTERVAL": "0.05",
        "RATING_FEES_INTERVAL": "3600", "INVOICING_DOCUMENTS_DIR": tempfile.mkdtemp()}


async def _count(url: str, table: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    finally:
        await conn.close()


async def _until(url: str, table: str, wanted: int, timeout: float) -> float | None:
    """Seconds until ``table`` holds ``wanted`` rows, or None past ``timeout``."""
    started = time.perf_counter()
    while await _count(url, table) < wanted:
        if time.perf_counter() - started > timeout:
            return None
        await asyncio.sleep(0.2)
    return time.perf_counter() - started


async def _seed(urls: dict[str, str], ports: dict[str, str], amqp_url: str) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.put(f"http://127.0.0.1:{ports['rating']}/v1/plans/bench",
                                  json=RATING.PLAN, headers=bearer(TEST_SIGNER, Role.OPERATOR))
        answer.raise_for_status()
    events = [new_event("bench", e.routing_key, e, now=datetime.now(UTC))
              for e in RATING._line_events(LINES)]
    await RATING._publish(amqp_url, [(e.routing_key, e.model_dump_json().encode()) for e in events])
    for service, table in (("rating", "lines"), ("payments", "accounts"), ("invoicing", "accounts")):
        if await _until(urls[service], table, LINES, timeout=120) is None:
            raise TimeoutError(f"{service} did not learn the {LINES} accounts")


def _payment(n: int) -> bytes:
    return json.dumps({
        "account_id": f"bench-account-{n % LINES}", "amount": "1.00", "currency": "MDL",
        "channel": "cash", "reference": f"MIX-{uuid.uuid4().hex}"}).encode()


async def _pay(client: Any, headers: dict[str, str], latencies: list[float], n: int) -> None:
    started = time.perf_counter()
    try:
        status = await client.post(PAY_PATH, _payment(n), headers)
    except CLIENT.PostingFailed:  # counted as not paid: the figures say how many of how many
        return
    if status == 201:
        latencies.append(time.perf_counter() - started)


async def _payments(port: str, seconds: float) -> Paid:
    """Payments offered at ``PAYMENTS_PER_S`` for ``seconds`` (open loop: each at its time,
    whether the earlier ones were answered or not); the latencies of those paid, and how many
    were offered, and the seconds until the last was answered. Each payment has a token of its
    own, signed before the first is due."""
    count = int(PAYMENTS_PER_S * seconds)
    tokens = [bearer(TEST_SIGNER, Role.PARTNER) for _ in range(count)]
    latencies: list[float] = []
    tasks: list[asyncio.Task[None]] = []
    client = CLIENT.Posting("127.0.0.1", int(port), most=100, timeout=30)
    try:
        begin = time.perf_counter()
        for n in range(count):
            await asyncio.sleep(max(0.0, begin + n / PAYMENTS_PER_S - time.perf_counter()))
            tasks.append(asyncio.create_task(_pay(client, tokens[n], latencies, n)))
        await asyncio.gather(*tasks)
    finally:
        await client.close()
    return latencies, count, time.perf_counter() - begin


async def _offer_usage(amqp_url: str, seconds: float) -> int:
    """Usage messages at ``CDR_PER_S`` for ``seconds``; the number of messages sent."""
    count = int(CDR_PER_S * seconds) // PER_MESSAGE
    bodies = [RATING._message(n * PER_MESSAGE, (n + 1) * PER_MESSAGE, LINES) for n in range(count)]
    interval, begin = PER_MESSAGE / CDR_PER_S, time.perf_counter()
    for n, body in enumerate(bodies):
        await asyncio.sleep(max(0.0, begin + n * interval - time.perf_counter()))
        await RATING._publish(amqp_url, [("", body)])
    return count


def _figures(paid: Paid) -> str:
    latencies, offered, elapsed = paid
    q = statistics.quantiles(latencies, n=100)
    return (f"{len(latencies)} of {offered} paid, {len(latencies) / elapsed:,.0f}/s answered; "
            f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms")


class _Cpu:
    """The CPU each service process and each server (every process of the machine's PostgreSQL
    and RabbitMQ) spent since the reading before."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids = pids
        self._before = self._read()

    def _read(self) -> dict[str, float]:
        return {service: cpu_seconds(pid) for service, pid in self._pids.items()} | (
            server_cpu_seconds())

    def spent(self) -> dict[str, float]:
        now = self._read()
        spent = {service: now[service] - self._before[service] for service in now}
        self._before = now
        return spent


def _per(spent: dict[str, float], count: int, unit: str) -> str:
    return ", ".join(f"{service} {used / max(count, 1) * 1000:.2f} ms" for service, used
                     in spent.items()) + f" of CPU per {unit}"


async def _baseline(urls: dict[str, str], ports: dict[str, str], cpu: _Cpu) -> int:
    """The payments alone, until invoicing posted each; how many were paid."""
    cpu.spent()
    paid = await _payments(ports["payments"], 5)
    await _until(urls["invoicing"], PAYMENTS_POSTED, len(paid[0]), timeout=120)
    print(f"baseline: payments alone for 5 s: {_figures(paid)}")
    print(f"baseline: {_per(cpu.spent(), len(paid[0]), 'payment')}, until all were posted")
    return len(paid[0])


async def _backlogs(urls: dict[str, str], sent: int, paid: int) -> str:
    rated = await _count(urls["rating"], "usage_records")
    posted = await _count(urls["invoicing"], USAGE_POSTED)
    ledger = await _count(urls["invoicing"], PAYMENTS_POSTED)
    unsent = await _count(urls["payments"], "outbox WHERE published_at IS NULL")
    return (f"{sent * PER_MESSAGE - rated:,} CDRs not rated yet, {sent - posted} of {sent} "
            f"batches and {paid - ledger} of {paid} payments not in the ledger yet "
            f"({unsent} events of payments not published yet)")


async def _mixed(urls: dict[str, str], ports: dict[str, str], amqp_url: str,
                 seconds: float, cpu: _Cpu, before: int) -> None:
    cpu.spent()
    begun = time.perf_counter()
    paid, sent = await asyncio.gather(_payments(ports["payments"], seconds),
                                      _offer_usage(amqp_url, seconds))
    ended = time.perf_counter()
    await asyncio.sleep(10)
    spent, wall = cpu.spent(), time.perf_counter() - begun
    print(f"mixed: payments for {seconds:.0f} s beside {sent * PER_MESSAGE:,} CDRs offered: "
          f"{_figures(paid)}")
    print(f"mixed: 10 s after the load: {await _backlogs(urls, sent, before + len(paid[0]))}")
    print(f"mixed: CPU over the load and the 10 s after ({wall:.0f} s): " + ", ".join(
        f"{service} {used:.1f} s ({used / wall:.2f} core)" for service, used in spent.items()))
    await _until(urls["rating"], "usage_records", sent * PER_MESSAGE, timeout=600)
    await _until(urls["invoicing"], USAGE_POSTED, sent, timeout=600)
    drained = time.perf_counter() - ended
    print(f"mixed: every CDR rated and posted {drained:.0f} s after the load ended "
          f"({sent * PER_MESSAGE / (seconds + drained):,.0f} CDR/s over the whole)")


async def _started(stack: AsyncExitStack, urls: dict[str, str],
                   amqp_url: str) -> tuple[dict[str, str], dict[str, int]]:
    """Each service as a process on its database, until ``stack`` closes; their ports and
    process ids."""
    logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-mixed-logs-")))
    ports: dict[str, str] = {}
    pids: dict[str, int] = {}
    for s in SERVICES:
        env = _env(s, urls[s], amqp_url)
        pids[s], port = await stack.enter_async_context(serving(s, env, logs / f"{s}.log"))
        ports[s] = str(port)
    return ports, pids


async def main(seconds: float = 15.0) -> None:
    prefixes = [f"bench_mixed_{s}" for s in SERVICES]
    async with fresh_servers(*prefixes) as (databases, vhost_url), AsyncExitStack() as stack:
        urls = dict(zip(SERVICES, databases, strict=True))
        ports, pids = await _started(stack, urls, vhost_url)
        await _seed(urls, ports, vhost_url)
        cpu = _Cpu(pids | {"bench client": os.getpid()})
        paid = await _baseline(urls, ports, cpu)
        await _mixed(urls, ports, vhost_url, seconds, cpu, paid)


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 15.0))
