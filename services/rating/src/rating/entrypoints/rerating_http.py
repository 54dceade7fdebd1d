"""The HTTP API of re-rating runs (SPEC R8).

A run is one transaction: ``POST`` answers 202 with the run done (``completed``) or refused;
``Idempotency-Key`` makes a retried request answer the first run again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Role, allow
from tarifa.idempotency import KeyInFlight, KeyReused, StoredResponse, once
from tarifa.problems import Conflict, InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from rating.domain.rerating_run import ReratingRun
from rating.entrypoints.rerating_schemas import (
    CurrencyDifferenceOut,
    ReratingBody,
    ReratingRunOut,
    ReratingStartedOut,
)
from rating.service.ports import UnitOfWork
from rating.service.rerating import PeriodClosed, RerateRequest, rerate_usage, rerating_run

__all__ = ["rerating_router"]

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
OPERATOR = [allow(Role.OPERATOR)]


def run_out(run: ReratingRun) -> ReratingRunOut:
    return ReratingRunOut(
        id=run.id, status=run.status, requested_at=run.requested_at, from_date=run.from_date,
        to_date=run.to_date, msisdns=list(run.msisdns) if run.msisdns else None,
        plan_code=run.plan_code, records=run.records, changed=run.changed, kept=run.kept,
        difference={d.currency: CurrencyDifferenceOut(currency=d.currency, net=d.net,
                                                      gross=d.gross) for d in run.differences})


def _request(body: ReratingBody) -> RerateRequest:
    msisdns = tuple(sorted(set(body.msisdns))) if body.msisdns is not None else None
    return RerateRequest(str(uuid.uuid4()), body.from_date, body.to_date, msisdns, body.plan_code)


async def _start(new_uow: Callable[[], UnitOfWork], body: ReratingBody,
                 key: str | None, actor: Actor) -> dict[str, Any]:
    async def work() -> StoredResponse:
        run = await rerate_usage(uow, _request(body))
        return 202, {"id": run.id, "status": run.status}

    try:
        async with new_uow().acting(actor) as uow:
            _status, response = await once(uow, "rerating", key,
                                           body.model_dump(mode="json", by_alias=True), work)
    except PeriodClosed as exc:
        raise Conflict(str(exc), slug="period-closed") from exc
    except KeyInFlight as exc:
        raise Conflict(str(exc), slug="idempotency-key-in-flight") from exc
    except KeyReused as exc:
        raise InvalidInput(str(exc), slug="idempotency-key-reused") from exc
    return response


def rerating_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["rating"])

    @router.post("/rerating-runs", status_code=202, response_model=ReratingStartedOut,
                 dependencies=OPERATOR, responses={409: {
                     "description": "the window reaches into an invoiced period"}})
    async def start_rerating(body: ReratingBody, principal: CurrentPrincipal,
                             idempotency_key: IdempotencyKey = None) -> Any:
        """Re-price the rated usage of an open period with the plan versions in effect for its
        dates; the ledger receives only the differences. 409 for an invoiced period."""
        return await _start(new_uow, body, idempotency_key, Actor.of(principal))

    @router.get("/rerating-runs/{run_id}", response_model=ReratingRunOut,
                response_model_by_alias=True, dependencies=OPERATOR)
    async def get_rerating_run(run_id: str) -> ReratingRunOut:
        run = await rerating_run(new_uow(), run_id)
        if run is None:
            raise NotFound(f"re-rating run {run_id} not found")
        return run_out(run)

    return router
