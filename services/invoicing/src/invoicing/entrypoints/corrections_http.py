"""The HTTP API of credit notes and detailed bills.

Both move money, so both accept ``Idempotency-Key``. Their documents are made in the background
right after the request: ``/pdf`` answers 404 until the document is ready.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Principal
from tarifa.idempotency import StoredResponse, once
from tarifa.problems import NotFound
from tarifa.web.access import GuardedRoute

from invoicing.domain.credit_note import CREDIT_NOTE, CreditNote
from invoicing.domain.detailed_bill import DETAILED_BILL, DetailedBill, DetailedBillStatus
from invoicing.entrypoints.errors import refusals
from invoicing.entrypoints.http import OPERATOR, OWN_ACCOUNT, READERS
from invoicing.entrypoints.schemas import (
    CreditNoteBody,
    CreditNoteOut,
    DetailedBillBody,
    DetailedBillOut,
    DetailedBillStartedOut,
)
from invoicing.service.credit_notes import CreditInvoice, credit_invoice
from invoicing.service.detailed_bills import (
    DetailedBillPolicy,
    RequestDetailedBill,
    request_detailed_bill,
)
from invoicing.service.ports import UnitOfWork
from invoicing.service.runs import BillingRunner

__all__ = ["corrections_router"]

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
PDF: dict[str, dict[str, Any]] = {"application/pdf": {}}
Work = Callable[[UnitOfWork], Awaitable[StoredResponse]]


async def _once(new_uow: Callable[[], UnitOfWork], scope: str, key: str | None,
                body: dict[str, Any], work: Work, principal: Principal) -> dict[str, Any]:
    with refusals():
        async with new_uow().acting(Actor.of(principal)) as uow:
            _status, response = await once(uow, scope, key, body, lambda: work(uow))
    return response


def _note_out(note: CreditNote) -> CreditNoteOut:
    return CreditNoteOut(id=note.id, number=note.number, invoice_id=note.invoice_id,
                         amount=note.amount, currency=note.currency, reason=note.reason,
                         issued_at=note.issued_at)


def _bill_out(bill: DetailedBill) -> DetailedBillOut:
    ready = bill.status is DetailedBillStatus.READY
    return DetailedBillOut(
        id=bill.id, account_id=bill.account_id, from_date=bill.from_date, to_date=bill.to_date,
        direction=bill.direction, status=bill.status, fee=bill.fee, currency=bill.currency,
        records=bill.records, requested_at=bill.requested_at, ready_at=bill.ready_at,
        document=f"/v1/detailed-bills/{bill.id}/pdf" if ready else None)


async def _document(new_uow: Callable[[], UnitOfWork], owner_id: str, kind: str) -> Response:
    async with new_uow() as uow:
        content = await uow.documents.get(owner_id, kind)
    if content is None:
        raise NotFound(f"the document of {owner_id} is not ready yet")
    return Response(content, media_type="application/pdf")


def _credit_routes(router: APIRouter, new_uow: Callable[[], UnitOfWork], runner: BillingRunner,
                   series: str) -> None:
    async def readable(note_id: str, principal: Principal) -> CreditNote:
        async with new_uow() as uow:
            note = await uow.credit_notes.get(note_id)
        if note is None:
            raise NotFound(f"credit note {note_id} not found")
        principal.require_account(note.account_id)
        return note

    @router.post("/invoices/{invoice_id}/credit-notes", status_code=201,
                 response_model=CreditNoteOut, dependencies=OPERATOR)
    async def issue_credit_note(invoice_id: str, body: CreditNoteBody, principal: CurrentPrincipal,
                                idempotency_key: IdempotencyKey = None) -> Any:
        """Credit part or all of an invoice's charges; the signed document follows."""
        command = CreditInvoice(invoice_id, body.amount, body.reason, series)

        async def work(uow: UnitOfWork) -> StoredResponse:
            return 201, _note_out(await credit_invoice(uow, command)).model_dump(mode="json")

        response = await _once(new_uow, f"credit:{invoice_id}", idempotency_key,
                               body.model_dump(mode="json"), work, principal)
        runner.documents_soon()
        return response

    @router.get("/credit-notes/{note_id}", response_model=CreditNoteOut, dependencies=READERS)
    async def get_credit_note(note_id: str, principal: CurrentPrincipal) -> CreditNoteOut:
        return _note_out(await readable(note_id, principal))

    @router.get("/credit-notes/{note_id}/pdf", response_class=Response,
                responses={200: {"content": PDF, "description": "the signed credit note"}},
                dependencies=READERS)
    async def get_credit_note_pdf(note_id: str, principal: CurrentPrincipal) -> Response:
        await readable(note_id, principal)
        return await _document(new_uow, note_id, CREDIT_NOTE)


def _detailed_routes(router: APIRouter, new_uow: Callable[[], UnitOfWork],
                     runner: BillingRunner, policy: DetailedBillPolicy) -> None:
    async def readable(bill_id: str, principal: Principal) -> DetailedBill:
        async with new_uow() as uow:
            bill = await uow.detailed_bills.get(bill_id)
        if bill is None:
            raise NotFound(f"detailed bill {bill_id} not found")
        principal.require_account(bill.account_id)
        return bill

    @router.post("/accounts/{account_id}/detailed-bills", status_code=202,
                 response_model=DetailedBillStartedOut, dependencies=OWN_ACCOUNT)
    async def request_bill(account_id: str, body: DetailedBillBody, principal: CurrentPrincipal,
                           idempotency_key: IdempotencyKey = None) -> Any:
        """Itemised usage of an interval in one direction; the policy fee is charged."""
        command = RequestDetailedBill(account_id, body.from_date, body.to_date, body.direction)

        async def work(uow: UnitOfWork) -> StoredResponse:
            bill = await request_detailed_bill(uow, policy, command)
            return 202, {"id": bill.id}

        response = await _once(new_uow, f"detailed:{account_id}", idempotency_key,
                               body.model_dump(mode="json", by_alias=True), work, principal)
        runner.documents_soon()
        return response

    @router.get("/detailed-bills/{bill_id}", response_model=DetailedBillOut, dependencies=READERS)
    async def get_detailed_bill(bill_id: str, principal: CurrentPrincipal) -> DetailedBillOut:
        return _bill_out(await readable(bill_id, principal))

    @router.get("/detailed-bills/{bill_id}/pdf", response_class=Response,
                responses={200: {"content": PDF, "description": "the signed detailed bill"}},
                dependencies=READERS)
    async def get_detailed_bill_pdf(bill_id: str, principal: CurrentPrincipal) -> Response:
        await readable(bill_id, principal)
        return await _document(new_uow, bill_id, DETAILED_BILL)


def corrections_router(new_uow: Callable[[], UnitOfWork], runner: BillingRunner,
                       credit_series: str, detailed: DetailedBillPolicy) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["invoicing"])
    _credit_routes(router, new_uow, runner, credit_series)
    _detailed_routes(router, new_uow, runner, detailed)
    return router
