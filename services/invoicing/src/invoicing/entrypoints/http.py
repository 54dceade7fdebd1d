"""The invoicing HTTP API: balances, ledgers, invoices, documents and billing runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Principal, Role, allow
from tarifa.money import round_amount
from tarifa.problems import InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from invoicing.domain.billing import BillingError
from invoicing.domain.invoice import Invoice
from invoicing.domain.ledger import LedgerEntry
from invoicing.domain.movements import MovementOrder, MovementQuery
from invoicing.domain.statement import StatementLine
from invoicing.domain.vat import VatAmount
from invoicing.entrypoints.ledger_cursor import after_cursor, cursor_of
from invoicing.entrypoints.schemas import (
    BalanceOut,
    BillingRunBody,
    BillingRunOut,
    InvoiceLineOut,
    InvoiceOut,
    MovementOut,
    MovementPageOut,
    RunFailureOut,
    RunStagesOut,
    RunStartedOut,
    VatRateOut,
)
from invoicing.service.billing import start_run
from invoicing.service.movements import UnknownAccount, movement_page
from invoicing.service.ports import UnitOfWork
from invoicing.service.progress import RunReport, report
from invoicing.service.runs import BillingRunner

__all__ = ["OPERATOR", "OWN_ACCOUNT", "READERS", "invoicing_router"]

OPERATOR = [allow(Role.OPERATOR)]
READERS = [allow(Role.OPERATOR, Role.SUBSCRIBER)]  # a subscriber's own documents: checked on them
OWN_ACCOUNT = [allow(Role.OPERATOR, Role.SUBSCRIBER, own_account="account_id")]

SUBSCRIBER_INVOICES = 6
OPERATOR_INVOICES = 12
PDF: dict[str, dict[str, str]] = {"application/pdf": {}}
Cursor = Annotated[str | None, Query(max_length=400, description="`next_cursor` of the page before")]


def _line_out(line: StatementLine, currency: str) -> InvoiceLineOut:
    values = asdict(line) | {name: round_amount(getattr(line, name), currency)
                             for name in ("net", "vat", "gross")}
    return InvoiceLineOut(**values)


def _vat_out(total: VatAmount, currency: str) -> VatRateOut:
    return VatRateOut(rate=total.rate, prices_include_vat=total.included,
                      **{name: round_amount(getattr(total, name), currency)
                         for name in ("net", "vat", "gross")})


def _invoice_out(invoice: Invoice) -> InvoiceOut:
    money = {name: round_amount(getattr(invoice, name), invoice.currency)
             for name in ("opening_balance", "total_charges", "vat_total", "total_paid",
                          "closing_balance", "amount_due")}
    return InvoiceOut(
        id=invoice.id, number=invoice.number, account_id=invoice.account_id,
        period_start=invoice.period_start, period_end=invoice.period_end,
        issued_at=invoice.issued_at, due_date=invoice.due_date, currency=invoice.currency,
        lines=[_line_out(line, invoice.currency) for line in invoice.lines],
        vat_rates=[_vat_out(total, invoice.currency) for total in invoice.vat_breakdown],
        status=invoice.status, **money)


def _movement_out(entry: LedgerEntry) -> MovementOut:
    values = asdict(entry)
    for name in ("account_id", "occurred_on", "source_event_id", "created_at"):
        values.pop(name)
    for name in ("amount", "net", "vat", "gross"):
        values[name] = round_amount(values[name], entry.currency)
    return MovementOut(**values, date=entry.occurred_on)


def _run_out(found: RunReport) -> BillingRunOut:
    run = found.run
    return BillingRunOut(id=run.id, status=run.status, period_end=run.period_end,
                         accounts=run.accounts, issued=run.issued, skipped=run.skipped,
                         created_at=run.created_at, finished_at=run.finished_at, error=run.error,
                         stages=RunStagesOut(**asdict(found.progress)),
                         estimated_end=found.estimated_end,
                         failures=[RunFailureOut(**asdict(f)) for f in found.failures])


def _invoice_limit(principal: Principal, limit: int | None) -> int:
    if principal.role is Role.SUBSCRIBER:
        return min(limit or SUBSCRIBER_INVOICES, SUBSCRIBER_INVOICES)
    return limit or OPERATOR_INVOICES


def _account_routes(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.get("/accounts/{account_id}/balance", response_model=BalanceOut,
                dependencies=OWN_ACCOUNT)
    async def get_balance(account_id: str) -> BalanceOut:
        async with new_uow() as uow:
            account = await uow.accounts.get(account_id)
            currency = account.currency if account else await uow.ledger.currency(account_id)
            balance = await uow.ledger.balance(account_id)
        if currency is None:
            raise NotFound(f"account {account_id} not found")
        return BalanceOut(balance=round_amount(balance, currency), currency=currency)

    @router.get("/accounts/{account_id}/ledger", response_model=list[MovementOut] | MovementPageOut,
                dependencies=OWN_ACCOUNT)
    async def get_ledger(account_id: str,
                         since: Annotated[date | None, Query(alias="from")] = None,
                         until: Annotated[date | None, Query(alias="to")] = None,
                         limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
                         order: Annotated[MovementOrder | None, Query()] = None,
                         cursor: Cursor = None) -> list[MovementOut] | MovementPageOut:
        """The account's movements. With ``order`` (``newest`` or ``oldest``) or ``cursor`` the
        answer is a page, ``{items, next_cursor}``; without either it is the list of the oldest
        ``limit`` movements, as it always was, for the callers made before pages."""
        if since and until and since > until:
            raise InvalidInput("from is after to", errors=[{"field": "from",
                                                            "message": "must not be after to"}])
        query = MovementQuery(account_id, since, until, order or MovementOrder.OLDEST,
                              after_cursor(cursor), limit)
        try:
            page = await movement_page(new_uow(), query)
        except UnknownAccount as exc:
            raise NotFound(str(exc)) from exc
        items = [_movement_out(entry) for entry in page.entries]
        if order is None and cursor is None:
            return items
        return MovementPageOut(items=items, next_cursor=cursor_of(page.next_after))

    @router.get("/accounts/{account_id}/invoices", response_model=list[InvoiceOut],
                dependencies=OWN_ACCOUNT)
    async def list_invoices(account_id: str, principal: CurrentPrincipal,
                            limit: Annotated[int | None, Query(ge=1, le=100)] = None
                            ) -> list[InvoiceOut]:
        async with new_uow() as uow:
            found = await uow.invoices.list_for(account_id, _invoice_limit(principal, limit))
        return [_invoice_out(invoice) for invoice in found]


def _invoice_routes(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    async def readable(invoice_id: str, principal: Principal, uow: UnitOfWork) -> Invoice:
        invoice = await uow.invoices.get(invoice_id)
        if invoice is None:
            raise NotFound(f"invoice {invoice_id} not found")
        principal.require_account(invoice.account_id)
        return invoice

    @router.get("/invoices/{invoice_id}", response_model=InvoiceOut, dependencies=READERS)
    async def get_invoice(invoice_id: str, principal: CurrentPrincipal) -> InvoiceOut:
        async with new_uow() as uow:
            return _invoice_out(await readable(invoice_id, principal, uow))

    @router.get("/invoices/{invoice_id}/pdf", response_class=Response,
                responses={200: {"content": PDF, "description": "the signed document"}},
                dependencies=READERS)
    async def get_invoice_pdf(invoice_id: str, principal: CurrentPrincipal) -> Response:
        async with new_uow() as uow:
            found = await uow.invoices.document(invoice_id)
        if found is None:
            raise NotFound(f"invoice {invoice_id} not found")
        account_id, content = found
        principal.require_account(account_id)
        if content is None:
            raise NotFound(f"the document of invoice {invoice_id} is not ready yet")
        return Response(content, media_type="application/pdf")


def _run_routes(router: APIRouter, new_uow: Callable[[], UnitOfWork],
                runner: BillingRunner) -> None:
    @router.post("/billing-runs", status_code=202, response_model=RunStartedOut,
                 dependencies=OPERATOR)
    async def start_billing_run(body: BillingRunBody, principal: CurrentPrincipal) -> RunStartedOut:
        try:
            run = await start_run(new_uow().acting(Actor.of(principal)), body.period_end,
                                  body.account_ids)
        except BillingError as exc:
            raise InvalidInput(str(exc), slug="invalid-period", errors=[
                {"field": "period_end", "message": str(exc)}]) from exc
        runner.launch(run.id)
        return RunStartedOut(id=run.id, status=run.status)

    @router.get("/billing-runs/{run_id}", response_model=BillingRunOut, dependencies=OPERATOR)
    async def get_billing_run(run_id: str) -> BillingRunOut:
        found = await report(new_uow(), run_id)
        if found is None:
            raise NotFound(f"billing run {run_id} not found")
        return _run_out(found)


def invoicing_router(new_uow: Callable[[], UnitOfWork], runner: BillingRunner) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["invoicing"])
    _account_routes(router, new_uow)
    _invoice_routes(router, new_uow)
    _run_routes(router, new_uow, runner)
    return router
