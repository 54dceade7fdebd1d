"""Many accounts audit entries written in one statement (the daily jobs' chunks).

One ``INSERT … SELECT`` over a single JSON array parameter (``jsonb_to_recordset``), as
``tarifa.audit.sql.insert_all`` does, but each row keeps its own instant: a clock jump settles
what fell due at different times in one chunk.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["insert_rows"]

_INSERT_MANY = text(
    "INSERT INTO audit (at, actor, actor_role, action, target_type, target_id, before, after,"
    " correlation_id)"
    " SELECT r.at, r.actor, r.actor_role, r.action, r.target_type, r.target_id, r.before,"
    " r.after, :correlation_id"
    " FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(at timestamptz, actor text,"
    " actor_role text, action text, target_type text, target_id text, before jsonb, after jsonb)"
).bindparams(bindparam("rows", type_=String), bindparam("correlation_id", type_=String))


async def insert_rows(session: AsyncSession, rows: Sequence[dict[str, Any]],
                      correlation_id: str | None) -> None:
    """Write audit rows (``at``, ``actor``, ``actor_role``, ``action``, ``target_type``,
    ``target_id``, ``before``, ``after``); values JSON cannot hold are written as text."""
    if rows:
        await session.execute(_INSERT_MANY, {"rows": json.dumps(list(rows), default=str),
                                             "correlation_id": correlation_id})
