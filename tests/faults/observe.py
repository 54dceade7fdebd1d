"""What the fault suite looks at: rated records, balances, dead-letter queues, and the figures.

The database is asked afresh on every look (a new connection each time), so a look never
depends on a connection that died with the server.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

import asyncpg
import httpx

from .customers import balances
from .stage import Stage
from .workload import Workload, eventually, operator

__all__ = ["Figures", "dead_letters", "rated", "settle"]


@dataclass
class Figures:
    """What a scenario did, printed so that it can be quoted."""

    scenario: str
    records: int = 0
    rated_before_fault: int = 0
    rated: int = 0
    rated_gross: Decimal = Decimal(0)
    oracle_total: Decimal = Decimal(0)
    balance_total: Decimal = Decimal(0)
    fault_seconds: float = 0.0
    recovery_seconds: float = 0.0
    retries_before: int = 0
    retries: int = 0

    @classmethod
    def begin(cls, scenario: str, stage: Stage) -> Figures:
        return cls(scenario, retries_before=stage.logged("transient_failure"))

    def report(self) -> str:
        return (f"fault {self.scenario}: {self.records} CDRs, {self.rated_before_fault} rated "
                f"before the fault, {self.rated} rated in the end "
                f"(gross {self.rated_gross:.2f} MDL); {self.retries} transient failures "
                f"retried by consumers; oracle {self.oracle_total:.2f} MDL, balances "
                f"{self.balance_total:.2f} MDL; fault lasted {self.fault_seconds:.1f} s, all "
                f"settled {self.recovery_seconds:.1f} s after the server or process was back")


async def rated(stage: Stage, work: Workload) -> tuple[int, Decimal]:
    """How many of the scenario's records rating stored, and their gross total."""
    conn = await asyncpg.connect(stage.databases["rating"], timeout=5)
    try:
        row = await conn.fetchrow(
            "SELECT count(*) AS n, coalesce(sum(gross), 0) AS gross FROM usage_records "
            "WHERE id LIKE $1", f"{work.tag}-%")
    finally:
        await conn.close()
    assert row is not None
    return int(row["n"]), Decimal(row["gross"])


def dead_letters(stage: Stage) -> dict[str, int]:
    """Messages in every dead-letter queue of the node."""
    return {name: depth for name, depth in stage.node.queue_depths().items()
            if name.endswith(".dlq")}


async def _settled(http: httpx.AsyncClient, stage: Stage, work: Workload,
                   accounts: dict[str, str]) -> bool:
    try:
        count, _gross = await rated(stage, work)
        if count < work.records:
            return False
        op = await operator(http, stage.suite)
        return await balances(http, stage.suite, op, accounts) == work.oracle()
    except (OSError, asyncpg.PostgresError, httpx.TransportError):
        return False


async def settle(stage: Stage, work: Workload, accounts: dict[str, str], back_at: float,
                 figures: Figures, timeout: float = 180) -> None:
    """Wait until every record is rated and every balance is the oracle's; fill ``figures``."""
    async with httpx.AsyncClient(timeout=30) as http:
        try:
            await eventually(lambda: _settled(http, stage, work, accounts), timeout,
                             f"{work.records} records rated and every balance as the oracle")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; rated {await rated(stage, work)}, "
                                 f"dead letters {dead_letters(stage)}") from None
        figures.recovery_seconds = time.monotonic() - back_at
        found = await balances(http, stage.suite, await operator(http, stage.suite), accounts)
    figures.retries = stage.logged("transient_failure") - figures.retries_before
    figures.records = work.records
    figures.rated, figures.rated_gross = await rated(stage, work)
    figures.oracle_total = -sum(work.oracle().values(), Decimal(0))
    figures.balance_total = -sum(found.values(), Decimal(0))
