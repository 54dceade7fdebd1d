"""Mixed load: offline payments at 200/s while mediation offers usage at 20,000 CDR/s.

Rating, invoicing and payments run as processes (``python -m <service> serve``) on their own
databases and one RabbitMQ vhost, seeded with the rating bench's plan and lines. First the
payments alone, at the same rate for a few seconds: the baseline latency, measured in the same
run. Then the same payments while usage is offered over AMQP for ``seconds``: the payments' latency
(p50/p95/p99), what was rated and posted to the ledger 10 s after the load ended (the backlogs),
and how long until the last record was rated and the last batch posted. Prints; asserts nothing.
Run: ``python tests/bench/mixed.py [seconds]``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from tarifa.auth import Role
from tarifa.messaging.envelope import new_event
from tarifa.testing.apps import bearer
from tarifa.testing.keys import TEST_SIGNER
from tarifa.testing.modules import beside
from tarifa.testing.processes import serving
from tarifa.testing.servers import fresh_servers

PAYMENTS_PER_S = 200
CDR_PER_S = 20_000
PER_MESSAGE = 1_000
LINES = 1_000
SERVICES = ("rating", "invoicing", "payments")


RATING = beside(__file__, "rating")  # its plan, lines and records


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


async def _pay(client: httpx.AsyncClient, url: str, latencies: list[float], n: int) -> None:
    started = time.perf_counter()
    try:
        answer = await client.post(url, headers=bearer(TEST_SIGNER, Role.PARTNER), json={
            "account_id": f"bench-account-{n % LINES}", "amount": "1.00", "currency": "MDL",
            "channel": "cash", "reference": f"MIX-{uuid.uuid4().hex}"})
    except httpx.HTTPError:  # counted as not paid: the figures say how many of how many
        return
    if answer.status_code == 201:
        latencies.append(time.perf_counter() - started)


async def _payments(port: str, seconds: float) -> tuple[list[float], int, float]:
    """Payments offered at ``PAYMENTS_PER_S`` for ``seconds`` (open loop: each at its time,
    whether the earlier ones were answered or not); the latencies of those paid, and how many
    were offered, and the seconds until the last was answered."""
    url = f"http://127.0.0.1:{port}/v1/payments/offline"
    latencies: list[float] = []
    tasks: list[asyncio.Task[None]] = []
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        begin, count = time.perf_counter(), int(PAYMENTS_PER_S * seconds)
        for n in range(count):
            await asyncio.sleep(max(0.0, begin + n / PAYMENTS_PER_S - time.perf_counter()))
            tasks.append(asyncio.create_task(_pay(client, url, latencies, n)))
        await asyncio.gather(*tasks)
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


def _figures(paid: tuple[list[float], int, float]) -> str:
    latencies, offered, elapsed = paid
    q = statistics.quantiles(latencies, n=100)
    return (f"{len(latencies)} of {offered} paid, {len(latencies) / elapsed:,.0f}/s answered; "
            f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms")


async def _mixed(urls: dict[str, str], ports: dict[str, str], amqp_url: str,
                 seconds: float) -> None:
    paid, sent = await asyncio.gather(_payments(ports["payments"], seconds),
                                      _offer_usage(amqp_url, seconds))
    ended = time.perf_counter()
    await asyncio.sleep(10)
    rated, posted = await _count(urls["rating"], "usage_records"), await _count(
        urls["invoicing"], "inbox WHERE consumer = 'invoicing.usage-rated'")
    print(f"mixed: payments for {seconds:.0f} s beside {sent * PER_MESSAGE:,} CDRs offered: "
          f"{_figures(paid)}")
    print(f"mixed: 10 s after the load: {sent * PER_MESSAGE - rated:,} CDRs not rated yet, "
          f"{sent - posted} of {sent} batches not in the ledger yet")
    await _until(urls["rating"], "usage_records", sent * PER_MESSAGE, timeout=600)
    await _until(urls["invoicing"], "inbox WHERE consumer = 'invoicing.usage-rated'", sent,
                 timeout=600)
    drained = time.perf_counter() - ended
    print(f"mixed: every CDR rated and posted {drained:.0f} s after the load ended "
          f"({sent * PER_MESSAGE / (seconds + drained):,.0f} CDR/s over the whole)")


async def _started(stack: AsyncExitStack, urls: dict[str, str], amqp_url: str) -> dict[str, str]:
    """Each service as a process on its database, until ``stack`` closes; their ports."""
    logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-mixed-logs-")))
    ports: dict[str, str] = {}
    for s in SERVICES:
        env = _env(s, urls[s], amqp_url)
        _pid, port = await stack.enter_async_context(serving(s, env, logs / f"{s}.log"))
        ports[s] = str(port)
    return ports


async def main(seconds: float = 15.0) -> None:
    prefixes = [f"bench_mixed_{s}" for s in SERVICES]
    async with fresh_servers(*prefixes) as (databases, vhost_url), AsyncExitStack() as stack:
        urls = dict(zip(SERVICES, databases, strict=True))
        ports = await _started(stack, urls, vhost_url)
        await _seed(urls, ports, vhost_url)
        print(f"baseline: payments alone for 5 s: "
              f"{_figures(await _payments(ports['payments'], 5))}")
        await _mixed(urls, ports, vhost_url, seconds)


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 15.0))
