"""``GET /v1/usage/rejections``: the records refused from any ingest path (AMQP, HTTP, CSV),
with their reasons, received times and the records as they were sent (SPEC R3).

``from`` and ``to`` bound the received time: a date means that whole day (UTC), a time that
instant; both are inclusive. ``reason`` is one kind of reason (``REASONS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from tarifa.auth import Role, allow
from tarifa.fields import SaneDate, SaneDatetime
from tarifa.problems import InvalidInput
from tarifa.web.access import GuardedRoute

from rating.domain.usage import REASONS
from rating.entrypoints.cursors import after_cursor, cursor_of
from rating.service.ports import RejectionQuery, UnitOfWork
from rating.service.queries import usage_rejections

__all__ = ["RejectionOut", "RejectionPageOut", "rejections_router"]

INGEST = [allow(Role.OPERATOR, Role.MEDIATION)]
Reason = Literal["invalid", "too_late", "unknown_line", "before_connection", "no_plan_version",
                 "currency_mismatch", "no_price", "line_closed"]
Bound = SaneDatetime | SaneDate
_REASONS = ", ".join(REASONS)
_SEQ = re.compile(r"[0-9]{1,18}")
_UNTIL = timedelta(microseconds=1)  # PostgreSQL keeps microseconds: `to` inclusive


class RejectionOut(BaseModel):
    batch_id: str
    source: Literal["amqp", "http", "csv"]
    record_id: str | None = Field(description="the record's id, when it had one a column holds")
    position: int = Field(description="where the record stood in its batch")
    reason: Reason = Field(description=f"the kind of reason: {_REASONS}")
    detail: str = Field(description="the reason in words")
    received_at: datetime
    record: object = Field(description="the record as it was sent (a CSV line that could not "
                                       "be read as a record: its fields)")


class RejectionPageOut(BaseModel):
    items: list[RejectionOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


def _instant(bound: date | datetime, *, end: bool) -> datetime:
    if isinstance(bound, datetime):
        return bound + _UNTIL if end else bound
    return datetime.combine(bound + timedelta(days=1) if end else bound, time(0), tzinfo=UTC)


def _window(since: Bound | None, until: Bound | None) -> tuple[datetime | None, datetime | None]:
    start = _instant(since, end=False) if since is not None else None
    end = _instant(until, end=True) if until is not None else None
    if start is not None and end is not None and start >= end:
        raise InvalidInput("from is after to",
                           errors=[{"field": "from", "message": "must not be after to"}])
    return start, end


def _after(cursor: str | None) -> tuple[datetime, int] | None:
    after = after_cursor(cursor)
    if after is None:
        return None
    if not _SEQ.fullmatch(after[1]):
        raise InvalidInput("cursor is not valid",
                           errors=[{"field": "cursor", "message": "not a cursor"}])
    return after[0], int(after[1])


def rejections_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["rating"])

    @router.get("/usage/rejections", response_model=RejectionPageOut, dependencies=INGEST)
    async def get_rejections(
        since: Annotated[Bound | None, Query(alias="from")] = None,
        until: Annotated[Bound | None, Query(alias="to")] = None,
        reason: Reason | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        cursor: Annotated[str | None, Query(max_length=400)] = None,
    ) -> RejectionPageOut:
        """Records refused from any ingest path, oldest first by received time."""
        start, end = _window(since, until)
        page = await usage_rejections(new_uow(), RejectionQuery(start, end, reason, _after(cursor),
                                                                limit))
        return RejectionPageOut(items=[RejectionOut.model_validate(r) for r in page.records],
                                next_cursor=cursor_of(page.next_after))

    return router
