"""The audit trail over SQLAlchemy: rows of the ``audit`` table in the work's session.

``record_all`` writes its rows with one ``INSERT … SELECT`` over a single JSON array parameter
(``jsonb_to_recordset``): one statement and one round trip however many rows, a statement
SQLAlchemy compiles once, and no limit on the number of bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, DateTime, Select, String, bindparam, func, select, text
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from tarifa import correlation
from tarifa.audit import Actor, AuditEntry, AuditPage, AuditQuery, AuditRecord, as_json, json_default
from tarifa.audit.tables import audit
from tarifa.clock import Clock

__all__ = ["SqlAuditTrail", "insert", "insert_all"]

_INSERT_ALL = text(
    "INSERT INTO audit (at, actor, actor_role, action, target_type, target_id, before, after,"
    " correlation_id)"
    " SELECT :at, r.actor, r.actor_role, r.action, r.target_type, r.target_id, r.before, r.after,"
    " coalesce(r.correlation_id, :correlation_id)"
    " FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(actor text, actor_role text,"
    " action text, target_type text, target_id text, before jsonb, after jsonb,"
    " correlation_id text)"
).bindparams(bindparam("at", type_=DateTime(timezone=True)),
             bindparam("correlation_id", type_=String), bindparam("rows", type_=String))


_INSERT = audit.insert()
"""Built once, so each row finds its compiled statement in the cache at once."""


async def insert(session: AsyncSession, record: AuditRecord) -> None:
    """Write ``record`` as it is (its time and correlation id included)."""
    await session.execute(_INSERT, {
        "at": record.at, "actor": record.actor.subject, "actor_role": record.actor.role,
        "action": record.action, "target_type": record.target_type,
        "target_id": record.target_id, "before": as_json(record.before),
        "after": as_json(record.after), "correlation_id": record.correlation_id})


def _rows_json(entries: Sequence[AuditEntry]) -> str:
    rows = [{"actor": e.actor.subject, "actor_role": e.actor.role, "action": e.action,
             "target_type": e.target_type, "target_id": e.target_id, "before": e.before,
             "after": e.after, "correlation_id": e.correlation_id} for e in entries]
    return orjson.dumps(rows, default=json_default, option=orjson.OPT_NON_STR_KEYS).decode()


async def insert_all(session: AsyncSession, at: datetime, correlation_id: str | None,
                     entries: Sequence[AuditEntry]) -> None:
    """Write one row per entry, at ``at`` under its own correlation id or else
    ``correlation_id``, in one statement."""
    if entries:
        await session.execute(_INSERT_ALL, {"at": at, "correlation_id": correlation_id,
                                            "rows": _rows_json(entries)})


class SqlAuditTrail:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session, self._clock = session, clock

    async def record(self, actor: Actor, action: str, target_type: str, target_id: str, *,
                     before: Any = None, after: Any = None) -> None:
        await insert(self._session, AuditRecord(self._clock.now(), actor, action, target_type,
                                                target_id, before, after, correlation.current()))

    async def record_all(self, entries: Sequence[AuditEntry]) -> None:
        await insert_all(self._session, self._clock.now(), correlation.current(), entries)

    async def page(self, query: AuditQuery) -> AuditPage:
        """The rows and their total read in one statement: a row committed meanwhile is in
        both or in neither."""
        where = _conditions(query)
        rows = (await self._session.execute(_newest_first(where, query))).mappings().all()
        if rows:
            return AuditPage([_record(row) for row in rows], int(rows[0]["total"]))
        if not query.offset:  # no row at all: a count read now could see one committed since
            return AuditPage([], 0)
        total = await self._session.scalar(select(func.count()).select_from(audit).where(*where))
        return AuditPage([], int(total or 0))


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
    return (select(audit, func.count().over().label("total")).where(*where)
            .order_by(audit.c.at.desc(), audit.c.id.desc())
            .limit(query.limit).offset(query.offset))


def _record(row: RowMapping) -> AuditRecord:
    return AuditRecord(row["at"], Actor(row["actor"], row["actor_role"]), row["action"],
                       row["target_type"], row["target_id"], row["before"], row["after"],
                       row["correlation_id"])
