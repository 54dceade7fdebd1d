"""The rating HTTP API: plans, usage ingest, a line's allowances and usage."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Principal, Role, allow
from tarifa.problems import Conflict, InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from rating.domain.plan import PlanError
from rating.domain.policy import RatingPolicy
from rating.entrypoints.csv_usage import COLUMNS, BadCsv, records_from_csv
from rating.entrypoints.cursors import after_cursor, cursor_of
from rating.entrypoints.plans import plan_out, plan_version
from rating.entrypoints.schemas import (
    FeeOut,
    FeesOut,
    IngestOut,
    LineAllowancesOut,
    PlanBody,
    PlanOut,
    RejectedOut,
    UsageBody,
    UsagePageOut,
    UsageRecordOut,
)
from rating.service.ingest import MAX_BATCH, Batch, BatchTooLarge, ConcurrentIngest, ingest_usage
from rating.service.plans import current_plan, publish_plan
from rating.service.ports import UnitOfWork, UsageQuery
from rating.service.queries import LineNotFound, line_allowances, line_fees, line_usage

__all__ = ["rating_router"]

PlanCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Msisdn = Annotated[str, Path(pattern=r"^\+?[1-9][0-9]{6,14}$")]
OPERATOR = [allow(Role.OPERATOR)]
READERS = [allow(Role.OPERATOR, Role.SUBSCRIBER)]
INGEST = [allow(Role.OPERATOR, Role.MEDIATION)]


def _account_scope(principal: Principal) -> str | None:
    """Operators read every line; a subscriber only its account's lines."""
    if principal.role is Role.SUBSCRIBER:
        return principal.account_id or ""
    return None


def _plans(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.put("/plans/{code}", response_model=PlanOut, status_code=200,
                responses={201: {"model": PlanOut, "description": "a new plan"}},
                dependencies=OPERATOR)
    async def put_plan(code: PlanCode, body: PlanBody, response: Response,
                       principal: CurrentPrincipal) -> PlanOut:
        """Publish a plan version: 201 for a new plan, 200 for a new or unchanged version."""
        try:
            published = await publish_plan(new_uow().acting(Actor.of(principal)),
                                           plan_version(code, body))
        except PlanError as exc:
            raise InvalidInput(str(exc), errors=[{"field": exc.field, "message": exc.message}]) from exc
        response.status_code = 201 if published.new_plan else 200
        return plan_out(published.plan)

    @router.get("/plans/{code}", response_model=PlanOut, dependencies=READERS)
    async def get_plan(code: PlanCode) -> PlanOut:
        """The version in effect now (or the first one, when none is in effect yet)."""
        plan = await current_plan(new_uow(), code)
        if plan is None:
            raise NotFound(f"plan {code} not found")
        return plan_out(plan)


_USAGE_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": UsageBody.model_json_schema()},
        "text/csv": {"schema": {"type": "string", "description": (
            f"a header line {','.join(COLUMNS)} (the last three optional), then one record per "
            "line; empty fields are absent")}},
    },
}


def _bad_csv(exc: BadCsv) -> InvalidInput:
    return InvalidInput(str(exc), slug="bad-csv", errors=[{"field": "body", "message": str(exc)}])


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused once it grows beyond ``limit`` bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise InvalidInput(f"a usage file holds at most {limit} bytes", slug="batch-too-large")
        chunks.append(chunk)
    return b"".join(chunks)


async def _records(request: Request, limit: int) -> tuple[list[Any], str]:
    """The records of a JSON batch or of a CSV file, by the request's content type, and the
    ingest path (``http`` or ``csv``)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await _body(request, limit)
    if content_type == "text/csv":
        try:
            return records_from_csv(body, MAX_BATCH), "csv"
        except BadCsv as exc:
            raise _bad_csv(exc) from exc
    try:
        return UsageBody.model_validate_json(body).records, "http"
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


def _usage(router: APIRouter, new_uow: Callable[[], UnitOfWork], policy: RatingPolicy,
           csv_limit: int) -> None:
    @router.post("/usage", response_model=IngestOut, openapi_extra={"requestBody": _USAGE_BODY},
                 dependencies=INGEST, responses={409: {"description": "a batch of the same "
                                                                     "records is being rated"}})
    async def post_usage(request: Request) -> IngestOut:
        """Rate a batch of at most 10 000 records, as JSON ``{"records": [...]}`` or as a CSV
        file (``text/csv``); each invalid record is rejected on its own (and kept, see
        ``GET /v1/usage/rejections``), a record of a line not known yet is parked and rated
        when the line is."""
        records, source = await _records(request, csv_limit)
        try:
            report = await ingest_usage(new_uow(), records, Batch(str(uuid.uuid4()), source),
                                        policy)
        except BatchTooLarge as exc:
            raise InvalidInput(str(exc), slug="batch-too-large") from exc
        except ConcurrentIngest as exc:
            raise Conflict(str(exc), slug="concurrent-ingest") from exc
        return IngestOut(accepted=report.accepted, duplicates=report.duplicates,
                         rejected=[RejectedOut(id=r.id, reason=r.reason, index=r.index)
                                   for r in report.rejected], parked=report.parked)


def _lines(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.get("/lines/{msisdn}/allowances", response_model=LineAllowancesOut,
                dependencies=READERS)
    async def get_allowances(msisdn: Msisdn, principal: CurrentPrincipal) -> LineAllowancesOut:
        """Remaining allowances of the line in the current calendar month."""
        try:
            found = await line_allowances(new_uow(), msisdn, _account_scope(principal))
        except LineNotFound as exc:
            raise NotFound(str(exc)) from exc
        return LineAllowancesOut.model_validate(found, from_attributes=True)

    @router.get("/lines/{msisdn}/usage", response_model=UsagePageOut, dependencies=READERS)
    async def get_usage(
        msisdn: Msisdn, principal: CurrentPrincipal,
        first_day: Annotated[date | None, Query(alias="from")] = None,
        last_day: Annotated[date | None, Query(alias="to")] = None,
        direction: Literal["out", "in"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        cursor: Annotated[str | None, Query(max_length=400)] = None,
    ) -> UsagePageOut:
        """Rated records of the line, oldest first, by usage date (``from``/``to`` inclusive)."""
        query = UsageQuery(msisdn, first_day, last_day, direction, after_cursor(cursor), limit)
        try:
            page = await line_usage(new_uow(), query, _account_scope(principal))
        except LineNotFound as exc:
            raise NotFound(str(exc)) from exc
        return UsagePageOut(items=[UsageRecordOut.model_validate(r) for r in page.records],
                            next_cursor=cursor_of(page.next_after))


def _fees(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.get("/lines/{msisdn}/fees", response_model=FeesOut, dependencies=READERS)
    async def get_fees(
        msisdn: Msisdn, principal: CurrentPrincipal,
        first_day: Annotated[date | None, Query(alias="from")] = None,
        last_day: Annotated[date | None, Query(alias="to")] = None,
    ) -> FeesOut:
        """Recurring fees charged to the line, by period date (``from``/``to`` inclusive);
        credits (suspended days, plan changes) are negative."""
        try:
            fees = await line_fees(new_uow(), msisdn, _account_scope(principal), first_day, last_day)
        except LineNotFound as exc:
            raise NotFound(str(exc)) from exc
        return FeesOut(items=[FeeOut.model_validate(f) for f in fees])


def rating_router(new_uow: Callable[[], UnitOfWork], policy: RatingPolicy,
                  csv_limit: int) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["rating"])
    _plans(router, new_uow)
    _usage(router, new_uow, policy, csv_limit)
    _lines(router, new_uow)
    _fees(router, new_uow)
    return router
