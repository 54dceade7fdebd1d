"""``/v1/payment-registries/{id}/rows``: the rows of a registry file and their manual matching.

Operators (and the partner that sent the file) list the rows, by status, a page at a time; an
operator assigns an unmatched row to an account (paid once, with its event) or rejects it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Principal, Role, allow
from tarifa.problems import NotFound
from tarifa.web.access import GuardedRoute

from payments.domain.matching import Rejection
from payments.domain.registry import EntryStatus, RegistryEntry
from payments.entrypoints.errors import refusals
from payments.entrypoints.http import CHANNELS, payer_of
from payments.entrypoints.schemas import AssignRowBody, RegistryRowOut, RegistryRowsOut, RejectRowBody
from payments.service.matching import AssignRow, RejectRow, assign_row, reject_row
from payments.service.ports import UnitOfWork

__all__ = ["ROW_ANSWERS", "RegistryId", "Status", "registry_rows_router", "row_out"]

RegistryId = Annotated[str, Path(max_length=64, pattern=r"^[0-9A-Za-z-]+$")]
RowNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]
Status = Literal["matched", "unmatched", "assigned", "returned", "closed"]
ROW_ANSWERS: dict[int | str, dict[str, str]] = {
    404: {"description": "no such registry or row"},
    409: {"description": "the row was assigned or rejected otherwise already "
                         "(problem+json, registry-row-settled)"},
    422: {"description": "no such account, another currency, or a row that can only be "
                         "rejected (registry-row-unassignable)"}}


def row_out(entry: RegistryEntry) -> RegistryRowOut:
    return RegistryRowOut(
        registry_id=entry.registry_id, row=entry.row, reference=entry.reference,
        account_or_msisdn=entry.account_or_msisdn, amount=entry.amount, currency=entry.currency,
        paid_at=entry.paid_at, status=entry.status, problem=entry.problem, reason=entry.reason,
        payment_id=entry.payment_id, account_id=entry.account_id, resolved_by=entry.resolved_by,
        resolved_at=entry.resolved_at)


def _page(entries: list[RegistryEntry], limit: int) -> RegistryRowsOut:
    shown = entries[:limit]
    more = len(entries) > limit
    return RegistryRowsOut(items=[row_out(e) for e in shown],
                           next_after=shown[-1].row if more and shown else None)


async def _visible(uow: UnitOfWork, registry_id: str, principal: Principal) -> None:
    """NotFound unless the registry exists and the caller is an operator or its sender."""
    submitter = await uow.registries.submitter(registry_id)
    if submitter is None or (principal.role is not Role.OPERATOR
                             and submitter != payer_of(principal)):
        raise NotFound(f"payment registry {registry_id} not found")


def registry_rows_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1/payment-registries/{registry_id}/rows",
                       tags=["payment registries"])

    @router.get("", response_model=RegistryRowsOut, dependencies=CHANNELS)
    async def list_rows(registry_id: RegistryId, principal: CurrentPrincipal,
                        status: Annotated[Status | None, Query()] = None,
                        after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
                        limit: Annotated[int, Query(ge=1, le=500)] = 100) -> RegistryRowsOut:
        """The registry's rows in order, of one status if given (``unmatched``: those waiting
        for manual matching), ``limit`` at a time after the row number ``after``."""
        async with new_uow() as uow:
            await _visible(uow, registry_id, principal)
            found = await uow.registries.rows(
                registry_id, EntryStatus(status) if status else None, after, limit + 1)
        return _page(found, limit)

    @router.post("/{row}/assignment", response_model=RegistryRowOut,
                 dependencies=[allow(Role.OPERATOR)], responses=ROW_ANSWERS)
    async def assign(registry_id: RegistryId, row: RowNumber, body: AssignRowBody,
                     principal: CurrentPrincipal) -> RegistryRowOut:
        """Pay an unmatched row into the account named, once, dated by the row's ``paid_at``
        (``payments.payment.succeeded``); the same assignment again answers the row as it is."""
        command = AssignRow(registry_id, row, payer_of(principal), account_id=body.account_id,
                            msisdn=body.msisdn)
        with refusals():
            return row_out(await assign_row(new_uow().acting(Actor.of(principal)), command))

    @router.post("/{row}/rejection", response_model=RegistryRowOut,
                 dependencies=[allow(Role.OPERATOR)], responses=ROW_ANSWERS)
    async def reject(registry_id: RegistryId, row: RowNumber, body: RejectRowBody,
                     principal: CurrentPrincipal) -> RegistryRowOut:
        """Settle an unmatched row without paying it: ``return`` (the sending channel gives the
        money back to its payer; the partner finds it among the rows ``returned``) or ``close``."""
        command = RejectRow(registry_id, row, payer_of(principal), Rejection(body.outcome),
                            body.reason)
        with refusals():
            return row_out(await reject_row(new_uow().acting(Actor.of(principal)), command))

    return router
