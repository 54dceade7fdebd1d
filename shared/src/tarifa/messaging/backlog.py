"""The outbox's backlog on ``/metrics``: rows not yet published and how long the oldest waited.

Read at each scrape with one query over the partial index of pending rows, so a relay that
stalls (the broker away, a poison row) shows as a growing count and age; -1 while the database
cannot answer. The age is measured with the database's clock, the one that stamped the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import Gauge
from sqlalchemy import extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tarifa.logging import get_logger
from tarifa.messaging.tables import outbox

__all__ = ["OUTBOX_OLDEST", "OUTBOX_PENDING", "Backlog", "read_backlog", "record_backlog"]

log = get_logger(__name__)
OUTBOX_PENDING = Gauge("tarifa_outbox_pending_events",
                       "Events in the service's outbox not yet published (-1: unknown)", ["service"])
OUTBOX_OLDEST = Gauge("tarifa_outbox_oldest_pending_seconds",
                      "Age of the oldest unpublished outbox event (0: none; -1: unknown)",
                      ["service"])
_PENDING = select(
    func.count(),
    func.coalesce(extract("epoch", func.now() - func.min(outbox.c.created_at)), 0),
).where(outbox.c.published_at.is_(None))


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    oldest_seconds: float


async def read_backlog(sessions: async_sessionmaker[AsyncSession]) -> Backlog:
    async with sessions() as session:
        pending, oldest = (await session.execute(_PENDING)).one()
    return Backlog(int(pending), max(float(oldest), 0.0))


async def record_backlog(sessions: async_sessionmaker[AsyncSession], service: str) -> None:
    """Set the service's backlog gauges; a scrape still answers while the database is away."""
    try:
        backlog = await read_backlog(sessions)
    except Exception as exc:
        log.warning("outbox_backlog_unavailable", error=repr(exc))
        backlog = Backlog(-1, -1.0)
    OUTBOX_PENDING.labels(service).set(backlog.pending)
    OUTBOX_OLDEST.labels(service).set(backlog.oldest_seconds)
