"""The monthly detailed bill by email (a subscription per account) and the JSON form of a
detailed bill: its rows, one per rated record (SPEC I7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal
from tarifa.problems import NotFound
from tarifa.web.access import GuardedRoute

from invoicing.domain.detailed_bill_subscription import MONTHLY_DIRECTION, Subscription
from invoicing.entrypoints.errors import refusals
from invoicing.entrypoints.http import OWN_ACCOUNT, READERS
from invoicing.service.detailed_bill_subscriptions import set_subscription, subscription_of
from invoicing.service.ports import UnitOfWork

__all__ = ["detailed_bill_router"]


class SubscriptionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    active: bool = Field(description="on: the previous month's outgoing records by email at the "
                                     "start of each month, at the monthly policy fee")


class SubscriptionOut(BaseModel):
    account_id: str
    active: bool
    direction: str = Field(description="always `out`: the monthly bill lists outgoing records")
    since: datetime | None = Field(description="when it was last switched on")
    changed_at: datetime


class DetailedBillRowsOut(BaseModel):
    id: str
    language: str = Field(description="the account's language, that of the PDF")
    items: list[dict[str, Any]] = Field(description=(
        "one per rated record, by line then time: msisdn, started_at (the account's local "
        "time), type, direction, other_party (number called or calling), quantity and unit "
        "(seconds, messages, bytes), zone, roaming_country, net, vat, gross (exact strings)"))


def _out(subscription: Subscription) -> SubscriptionOut:
    return SubscriptionOut(account_id=subscription.account_id, active=subscription.active,
                           direction=MONTHLY_DIRECTION, since=subscription.since,
                           changed_at=subscription.changed_at)


def _subscription_routes(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.get("/accounts/{account_id}/detailed-bill-subscription",
                response_model=SubscriptionOut, dependencies=OWN_ACCOUNT)
    async def get_subscription(account_id: str) -> SubscriptionOut:
        with refusals():
            return _out(await subscription_of(new_uow(), account_id))

    @router.put("/accounts/{account_id}/detailed-bill-subscription",
                response_model=SubscriptionOut, dependencies=OWN_ACCOUNT)
    async def put_subscription(account_id: str, body: SubscriptionBody,
                               principal: CurrentPrincipal) -> SubscriptionOut:
        """Switch the monthly detailed bill by email on or off."""
        uow = new_uow().acting(Actor.of(principal))
        with refusals():
            return _out(await set_subscription(uow, account_id, body.active))


def _rows_route(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.get("/detailed-bills/{bill_id}/records", response_model=DetailedBillRowsOut,
                dependencies=READERS)
    async def get_detailed_bill_rows(bill_id: str,
                                     principal: CurrentPrincipal) -> DetailedBillRowsOut:
        """The rows of a ready detailed bill (404 until it is ready)."""
        async with new_uow() as uow:
            bill = await uow.detailed_bills.get(bill_id)
            if bill is None:
                raise NotFound(f"detailed bill {bill_id} not found")
            principal.require_account(bill.account_id)
            rows = await uow.detailed_bills.rows(bill_id)
            account = await uow.accounts.get(bill.account_id)
        if rows is None:
            raise NotFound(f"the rows of {bill_id} are not ready yet")
        return DetailedBillRowsOut(id=bill_id, language=account.language if account else "ro",
                                   items=rows)


def detailed_bill_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["invoicing"])
    _subscription_routes(router, new_uow)
    _rows_route(router, new_uow)
    return router
