"""SQL store of the usage records refused from an ingest path, kept as they were sent.

PostgreSQL's JSONB holds no NUL in a text and no NaN or infinity, which a JSON batch may carry:
such a text keeps the NUL as the escape ``\\u0000``, such a number is kept as its text. A record
id that no column can hold (too long, a control character) is kept only inside the record.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.sanity import control_character

from rating.adapters.tables import usage_rejections
from rating.service.ports import RejectedRecord, RejectionPage, RejectionQuery

__all__ = ["SqlRejections", "storable"]

_ADD = insert(usage_rejections).on_conflict_do_nothing(
    index_elements=[usage_rejections.c.batch_id, usage_rejections.c.position])
_ID_LENGTH = 100


def _text(text: str) -> str:
    return text.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def storable(value: object) -> object:
    """``value`` as JSON that PostgreSQL stores (see the module docstring)."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Mapping):
        return {_text(str(key)): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value


def _record_id(record_id: str | None) -> str | None:
    if record_id is None or len(record_id) > _ID_LENGTH or control_character(record_id):
        return None
    return record_id


def _row(rejected: RejectedRecord) -> dict[str, Any]:
    return {"batch_id": rejected.batch_id, "source": rejected.source,
            "record_id": _record_id(rejected.record_id), "position": rejected.position,
            "reason": rejected.reason, "detail": _text(rejected.detail),
            "record": storable(rejected.record), "received_at": rejected.received_at}


class SqlRejections:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, rejected: Sequence[RejectedRecord]) -> None:
        if rejected:
            await self._session.execute(_ADD, [_row(r) for r in rejected])

    async def page(self, query: RejectionQuery) -> RejectionPage:
        table = usage_rejections
        statement = select(table)
        if query.since:
            statement = statement.where(table.c.received_at >= query.since)
        if query.until:
            statement = statement.where(table.c.received_at < query.until)
        if query.reason:
            statement = statement.where(table.c.reason == query.reason)
        if query.after:
            statement = statement.where(tuple_(table.c.received_at, table.c.seq) > query.after)
        rows = (await self._session.execute(statement.order_by(
            table.c.received_at, table.c.seq).limit(query.limit + 1))).mappings().all()
        page = [dict(r) for r in rows[:query.limit]]
        after = (page[-1]["received_at"], page[-1]["seq"]) if len(rows) > query.limit else None
        return RejectionPage(page, after)
