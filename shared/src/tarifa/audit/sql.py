"""The audit trail over SQLAlchemy: rows of the ``audit`` table in the work's session."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from tarifa import correlation
from tarifa.audit import Actor, AuditPage, AuditQuery, AuditRecord, as_json
from tarifa.audit.tables import audit
from tarifa.clock import Clock

__all__ = ["SqlAuditTrail", "insert"]


async def insert(session: AsyncSession, record: AuditRecord) -> None:
    """Write ``record`` as it is (its time and correlation id included)."""
    await session.execute(audit.insert().values(
        at=record.at, actor=record.actor.subject, actor_role=record.actor.role,
        action=record.action, target_type=record.target_type, target_id=record.target_id,
        before=as_json(record.before), after=as_json(record.after),
        correlation_id=record.correlation_id))


class SqlAuditTrail:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session, self._clock = session, clock

    async def record(self, actor: Actor, action: str, target_type: str, target_id: str, *,
                     before: Any = None, after: Any = None) -> None:
        await insert(self._session, AuditRecord(self._clock.now(), actor, action, target_type,
                                                target_id, before, after, correlation.current()))

    async def page(self, query: AuditQuery) -> AuditPage:
        where = _conditions(query)
        total = await self._session.scalar(select(func.count()).select_from(audit).where(*where))
        rows = (await self._session.execute(_newest_first(where, query))).mappings()
        return AuditPage([_record(row) for row in rows], int(total or 0))


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.target_type is not None:
        where.append(audit.c.target_type == query.target_type)
    if query.target_id is not None:
        where.append(audit.c.target_id == query.target_id)
    if query.since is not None:
        where.append(audit.c.at >= query.since)
    if query.until is not None:
        where.append(audit.c.at < query.until)
    return where


def _newest_first(where: list[ColumnElement[bool]], query: AuditQuery) -> Select[Any]:
    return (select(audit).where(*where).order_by(audit.c.at.desc(), audit.c.id.desc())
            .limit(query.limit).offset(query.offset))


def _record(row: RowMapping) -> AuditRecord:
    return AuditRecord(row["at"], Actor(row["actor"], row["actor_role"]), row["action"],
                       row["target_type"], row["target_id"], row["before"], row["after"],
                       row["correlation_id"])
