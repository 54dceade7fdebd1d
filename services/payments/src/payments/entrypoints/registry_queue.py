"""``GET /v1/payment-registry-rows``: the rows of every registry file, for the operators' queue
of manual matching (unmatched rows by default), oldest import first, a page at a time.

A partner sees the rows of the files it sent; an operator every file's, filtered by status and
by problem. The rows are settled one by one under ``/v1/payment-registries/{id}/rows``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from tarifa.auth import CurrentPrincipal, Principal, Role
from tarifa.problems import InvalidInput
from tarifa.sanity import check_instant
from tarifa.web.access import GuardedRoute

from payments.domain.matching import QueuePosition, RowProblem, RowQuery
from payments.domain.registry import EntryStatus, RegistryEntry
from payments.entrypoints.http import CHANNELS, payer_of
from payments.entrypoints.registry_rows import Status, row_out
from payments.entrypoints.schemas import RegistryRowOut
from payments.service.ports import UnitOfWork

__all__ = ["RegistryQueueOut", "registry_queue_router"]

Problem = Literal["no_reference", "invalid_amount", "invalid_paid_at", "unknown_account",
                  "ambiguous", "currency_mismatch", "account_closed"]
Cursor = Annotated[str | None, Query(max_length=400, description="`next_cursor` of the page before")]


class RegistryQueueOut(BaseModel):
    items: list[RegistryRowOut] = Field(description="oldest registry first, rows in order")
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


def _cursor(created_at: datetime, entry: RegistryEntry) -> str:
    text = f"{created_at.isoformat()}|{entry.registry_id}|{entry.row}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decoded(cursor: str) -> QueuePosition:
    """The position in a cursor; ValueError (of base64, UTF-8, ISO 8601, int or sanity) else."""
    instant, registry_id, row = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    after = check_instant(datetime.fromisoformat(instant))
    if after.tzinfo is None or not registry_id or not 0 < int(row) < 2**31:
        raise ValueError("a cursor names an aware instant, a registry and a row")
    return after, registry_id, int(row)


def _after(cursor: str | None) -> QueuePosition | None:
    if not cursor:
        return None
    try:
        return _decoded(cursor)
    except ValueError as exc:
        raise InvalidInput("cursor is not valid", errors=[{"field": "cursor",
                                                           "message": "not a cursor"}]) from exc


def _page(found: list[tuple[datetime, RegistryEntry]], limit: int) -> RegistryQueueOut:
    shown = found[:limit]
    more = len(found) > limit and shown
    return RegistryQueueOut(items=[row_out(entry) for _at, entry in shown],
                            next_cursor=_cursor(*shown[-1]) if more else None)


def _sender(principal: Principal) -> str | None:
    return None if principal.role is Role.OPERATOR else payer_of(principal)


def registry_queue_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["payment registries"])

    @router.get("/payment-registry-rows", response_model=RegistryQueueOut, dependencies=CHANNELS)
    async def queue(principal: CurrentPrincipal,
                    status: Annotated[Status | Literal["any"], Query()] = "unmatched",
                    problem: Annotated[Problem | None, Query()] = None, cursor: Cursor = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> RegistryQueueOut:
        """The rows waiting for manual matching (``status=unmatched``, the default), or of
        another status (``any``: all), of one ``problem`` if given, across registry files."""
        query = RowQuery(status=None if status == "any" else EntryStatus(status),
                         problem=RowProblem(problem) if problem else None,
                         submitted_by=_sender(principal), after=_after(cursor), limit=limit + 1)
        async with new_uow() as uow:
            return _page(await uow.registries.queue(query), limit)

    return router
