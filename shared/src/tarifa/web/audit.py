"""The operators' view of a service's audit trail: ``GET /v1/audit``.

Each service mounts the router this module builds next to its own (``bootstrap`` wires it); it
reads the service's ``audit`` table through its unit of work, newest first, a page at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from tarifa.audit import AuditPage, AuditQuery, AuditRecord
from tarifa.auth import Role, allow
from tarifa.problems import InvalidInput
from tarifa.sanity import InsaneInput, check_instant
from tarifa.uow import UnitOfWork
from tarifa.web.access import GuardedRoute

__all__ = ["AuditEntryOut", "AuditPageOut", "audit_router"]

Name = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:@/\-]+$")]
Since = Annotated[AwareDatetime | None, Query(alias="from", description="inclusive, RFC 3339")]
Until = Annotated[AwareDatetime | None, Query(alias="to", description="exclusive, RFC 3339")]


class ActorOut(BaseModel):
    subject: str = Field(description="the token's subject, or the consumer's or job's name")
    role: str = Field(description="the token's role, or `system` for consumers and jobs")


class AuditEntryOut(BaseModel):
    at: datetime
    actor: ActorOut
    action: str = Field(examples=["credit_note.issued"])
    target_type: str = Field(examples=["invoice"])
    target_id: str
    before: Any = Field(description="the target before the change (JSON), null when created")
    after: Any = Field(description="the target after the change (JSON)")
    correlation_id: str | None = Field(description="the correlation id of the request or event")


class AuditPageOut(BaseModel):
    items: list[AuditEntryOut]
    total: int = Field(description="rows matching the filters, on every page")
    limit: int
    offset: int


def _entry_out(record: AuditRecord) -> AuditEntryOut:
    return AuditEntryOut(
        at=record.at, actor=ActorOut(subject=record.actor.subject, role=record.actor.role),
        action=record.action, target_type=record.target_type, target_id=record.target_id,
        before=record.before, after=record.after, correlation_id=record.correlation_id)


def _page_out(page: AuditPage, query: AuditQuery) -> AuditPageOut:
    return AuditPageOut(items=[_entry_out(r) for r in page.records], total=page.total,
                        limit=query.limit, offset=query.offset)


async def read_trail(uow: UnitOfWork, query: AuditQuery) -> AuditPage:
    async with uow:
        return await uow.trail.page(query)


def _sane(*instants: datetime | None) -> None:
    try:
        for instant in instants:
            if instant is not None:
                check_instant(instant)
    except InsaneInput as exc:
        raise InvalidInput(str(exc)) from exc


def _query(target_type: str | None, target_id: str | None, since: datetime | None,
           until: datetime | None, limit: int, offset: int) -> AuditQuery:
    _sane(since, until)
    if target_id is not None and target_type is None:
        raise InvalidInput("target_id needs its target_type", slug="audit-target-type-missing")
    if since is not None and until is not None and until <= since:
        raise InvalidInput("`to` must be after `from`", slug="audit-window-empty")
    return AuditQuery(target_type, target_id, since, until, limit, offset)


def audit_router(new_uow: Callable[[], UnitOfWork], *, tag: str) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=[tag])

    @router.get("/audit", response_model=AuditPageOut, dependencies=[allow(Role.OPERATOR)])
    async def list_audit_entries(
        target_type: Name = None, target_id: Name = None,
        since: Since = None, until: Until = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> AuditPageOut:
        """The audit trail of this service, newest first: who changed which money or status
        (actor, action, target, before and after) under which correlation id. ``from`` is
        inclusive, ``to`` exclusive; ``total`` counts every matching row."""
        query = _query(target_type, target_id, since, until, limit, offset)
        return _page_out(await read_trail(new_uow(), query), query)

    return router
