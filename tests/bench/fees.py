"""The daily recurring-fee pass: lines per second, chunked, against one transaction per line.

Starts the rating app in-process on a fresh database and vhost (as ``rating.py`` does, whose
servers and seeding it uses), with ``lines`` postpaid lines connected yesterday, and times one
pass of ``charge_fees`` (chunks of lines, each one transaction). The baseline, in the same run,
puts the first ``baseline_lines`` lines back to "never looked at" and charges them one
transaction per line (``charge_lines`` of one line, the path a failed chunk falls back to). Prints the
figures; asserts nothing on time. Run: ``python tests/bench/fees.py [lines]``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable

from tarifa.testing.modules import beside

bench = beside(__file__, "rating")  # takes this folder off sys.path before the service imports below

import asyncpg  # noqa: E402
from rating.adapters.uow import RatingUnitOfWork  # noqa: E402
from rating.bootstrap import MIGRATIONS, build_app  # noqa: E402
from rating.service.fee_pass import charge_fees, charge_lines  # noqa: E402
from rating.settings import RatingSettings  # noqa: E402
from tarifa.db import prepare_database  # noqa: E402
from tarifa.runtime import Runtime  # noqa: E402
from tarifa.testing.apps import running_client  # noqa: E402
from tarifa.testing.keys import TEST_SIGNER  # noqa: E402
from tarifa.testing.servers import fresh_servers  # noqa: E402


def _uow_factory(runtime: Runtime) -> Callable[[], RatingUnitOfWork]:
    def new_uow() -> RatingUnitOfWork:
        return RatingUnitOfWork(runtime.sessions, service="rating", clock=runtime.clock)
    return new_uow


async def _baseline(conn: asyncpg.Connection, new_uow: Callable[[], RatingUnitOfWork],
                    count: int) -> float:
    msisdns = [r["msisdn"] for r in await conn.fetch(
        "SELECT msisdn FROM lines ORDER BY msisdn LIMIT $1", count)]
    await conn.execute("DELETE FROM fee_charges WHERE msisdn = ANY($1)", msisdns)
    await conn.execute("UPDATE lines SET fees_through = NULL WHERE msisdn = ANY($1)", msisdns)
    started = time.perf_counter()
    for msisdn in msisdns:
        await charge_lines(new_uow(), [msisdn])
    return time.perf_counter() - started


async def main(lines: int = 10_000, baseline_lines: int = 1_000) -> dict[str, float]:
    async with fresh_servers(*bench.DATABASES) as ((database_url, _ledger_url), amqp_url):
        settings = RatingSettings(database_url=database_url, amqp_url=amqp_url,
                                  jwt_public_key=TEST_SIGNER.public_pem(), relay_interval=0.05,
                                  log_json=True, log_level="warning", fees_interval=3600)
        await prepare_database(MIGRATIONS, settings.dsn)
        conn = await asyncpg.connect(database_url)
        try:
            app = build_app(settings)
            async with running_client(app) as client:
                await bench._seed_rating(client, conn, amqp_url, lines)
                new_uow = _uow_factory(app.state.runtime)
                started = time.perf_counter()
                made = await charge_fees(new_uow)
                chunked = time.perf_counter() - started
                one_by_one = await _baseline(conn, new_uow, baseline_lines)
        finally:
            await conn.close()
    figures = {"fee_pass_lines_per_s": lines / chunked,
               "baseline_lines_per_s": baseline_lines / one_by_one}
    print(f"fee pass: {lines} lines, {made} charges in {chunked:.1f} s: "
          f"{figures['fee_pass_lines_per_s']:,.0f} lines/s")
    print(f"baseline: one transaction per line, {baseline_lines} lines in {one_by_one:.1f} s: "
          f"{figures['baseline_lines_per_s']:,.0f} lines/s")
    print(f"ratio: the chunked pass is {lines / chunked / figures['baseline_lines_per_s']:.1f}x "
          "faster than one transaction per line")
    return figures


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
