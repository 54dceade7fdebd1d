"""The HTTP API of an account's payment history: ``GET /v1/accounts/{id}/payments``."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from tarifa.auth import Role, allow
from tarifa.money import round_amount
from tarifa.problems import InvalidInput, NotFound
from tarifa.sanity import check_instant
from tarifa.web.access import GuardedRoute

from payments.domain.history import HistoryEntry, HistoryPage, Position
from payments.service.history import HistoryQuery, UnknownAccount, payment_history
from payments.service.ports import UnitOfWork

__all__ = ["HistoryEntryOut", "HistoryPageOut", "history_router"]

OWN_ACCOUNT = [allow(Role.OPERATOR, Role.SUBSCRIBER, own_account="account_id")]
Cursor = Annotated[str | None, Query(max_length=400, description="`next_cursor` of the page before")]


class HistoryEntryOut(BaseModel):
    id: str
    status: str = Field(examples=["requires_action", "processing", "succeeded", "failed"])
    amount: Decimal
    currency: str
    channel: str = Field(examples=["card", "cash", "bank", "registry"])
    purpose: str = Field(examples=["invoice", "advance", "topup"])
    reference: str
    payer: str | None = Field(description="who paid: `account:<id>` for a subscriber, or the "
                                          "operator or partner that registered it")
    beneficiary: str = Field(description="the account paid into")
    for_another: bool = Field(description="this account paid into another one")
    invoice_id: str | None
    created_at: datetime
    paid_at: datetime | None = Field(None, description="when the payer paid, as the channel "
                                                       "reports it (a registry row's paid_at)")
    refunded: Decimal = Field(description="the sum given back by refunds")
    refunds: int = Field(description="how many refunds gave money back")
    failure_reason: str | None


class HistoryPageOut(BaseModel):
    items: list[HistoryEntryOut] = Field(description="newest first")
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


def _cursor(after: Position | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(f"{after[0].isoformat()}|{after[1]}".encode()).decode()


def _decoded(cursor: str) -> Position:
    """The position in a cursor; ValueError (of base64, UTF-8, ISO 8601 or sanity) otherwise."""
    instant, _, payment_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
    after = check_instant(datetime.fromisoformat(instant))
    if after.tzinfo is None or not payment_id:
        raise ValueError("a cursor names an aware instant and a payment")
    return after, payment_id


def _after(cursor: str | None) -> Position | None:
    if not cursor:
        return None
    try:
        return _decoded(cursor)
    except ValueError as exc:
        raise InvalidInput("cursor is not valid", errors=[{"field": "cursor",
                                                           "message": "not a cursor"}]) from exc


def _entry_out(entry: HistoryEntry, account_id: str) -> HistoryEntryOut:
    payment = entry.payment
    return HistoryEntryOut(
        id=payment.id, status=payment.status, currency=payment.currency,
        amount=round_amount(payment.amount, payment.currency), channel=payment.channel,
        purpose=payment.purpose, reference=payment.reference, payer=payment.payer,
        beneficiary=payment.account_id, for_another=entry.for_another(account_id),
        invoice_id=payment.invoice_id, created_at=payment.created_at, paid_at=payment.paid_at,
        refunded=round_amount(payment.refunded, payment.currency), refunds=entry.refunds,
        failure_reason=payment.failure_reason)


def _page_out(page: HistoryPage, account_id: str) -> HistoryPageOut:
    return HistoryPageOut(items=[_entry_out(entry, account_id) for entry in page.entries],
                          next_cursor=_cursor(page.next_after))


def history_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["payments"])

    @router.get("/accounts/{account_id}/payments", response_model=HistoryPageOut,
                dependencies=OWN_ACCOUNT)
    async def list_account_payments(
        account_id: str, cursor: Cursor = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> HistoryPageOut:
        """The account's payments, newest first, a page at a time: every channel (card, cash
        office, bank, registry, autopay) and status, and what it paid into other accounts."""
        query = HistoryQuery(account_id, _after(cursor), limit)
        try:
            page = await payment_history(new_uow(), query)
        except UnknownAccount as exc:
            raise NotFound(str(exc)) from exc
        return _page_out(page, account_id)

    return router
