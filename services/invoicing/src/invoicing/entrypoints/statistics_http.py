"""The HTTP API of an account's statistics: ``GET /v1/accounts/{id}/statistics``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from tarifa.auth import Role, allow
from tarifa.money import round_amount
from tarifa.problems import InvalidInput
from tarifa.web.access import GuardedRoute

from invoicing.domain.statistics import (
    DEFAULT_MONTHS,
    MAX_MONTHS,
    MonthFigures,
    StatisticsError,
    UsageQuantity,
)
from invoicing.entrypoints.errors import refusals
from invoicing.service.ports import UnitOfWork
from invoicing.service.statistics import AccountStatistics, account_statistics

__all__ = ["ChargesOut", "MonthOut", "StatisticsOut", "UsageOut", "statistics_router"]

OWN_ACCOUNT = [allow(Role.OPERATOR, Role.SUBSCRIBER, own_account="account_id")]


class ChargesOut(BaseModel):
    """What the month's charges of each service type came to, VAT included."""

    voice: Decimal
    sms: Decimal
    mms: Decimal
    data: Decimal
    fees: Decimal = Field(description="the plans' recurring fees")
    other: Decimal = Field(description="one-off charges, detailed bill fees, VAT adjustments")


class UsageOut(BaseModel):
    type: str = Field(examples=["voice", "sms", "mms", "data"])
    unit: str = Field(examples=["second", "message", "byte"])
    quantity: Decimal


class MonthOut(BaseModel):
    month: str = Field(examples=["2026-05"], description="the calendar month, YYYY-MM")
    charges: ChargesOut
    total_charges: Decimal
    usage: list[UsageOut]
    payments: Decimal = Field(description="payments received")
    refunds: Decimal = Field(description="money of payments given back")
    credits: Decimal = Field(description="credit notes and bonuses granted")


class StatisticsOut(BaseModel):
    account_id: str
    currency: str
    months: list[MonthOut] = Field(description="oldest first, ending with the current month")


def _usage_out(usage: UsageQuantity) -> UsageOut:
    return UsageOut(type=usage.type, unit=usage.unit, quantity=usage.quantity)


def _month_out(figures: MonthFigures, currency: str) -> MonthOut:
    def money(amount: Decimal) -> Decimal:
        return round_amount(amount, currency)

    return MonthOut(
        month=figures.month.strftime("%Y-%m"),
        charges=ChargesOut(**{kind: money(value) for kind, value in figures.charges.items()}),
        total_charges=money(figures.total_charges),
        usage=[_usage_out(usage) for usage in figures.usage], payments=money(figures.payments),
        refunds=money(figures.refunds), credits=money(figures.credits))


def _statistics_out(found: AccountStatistics) -> StatisticsOut:
    return StatisticsOut(account_id=found.account_id, currency=found.currency,
                         months=[_month_out(month, found.currency) for month in found.months])


def statistics_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["invoicing"])

    @router.get("/accounts/{account_id}/statistics", response_model=StatisticsOut,
                dependencies=OWN_ACCOUNT)
    async def get_statistics(
        account_id: str,
        months: Annotated[int, Query(ge=1, le=MAX_MONTHS)] = DEFAULT_MONTHS,
    ) -> StatisticsOut:
        """Spend per service type, usage and money received in each of the last ``months``
        calendar months (the current one included, in the account's time zone); months with
        nothing show zeros."""
        try:
            with refusals():
                return _statistics_out(await account_statistics(new_uow(), account_id, months))
        except StatisticsError as exc:
            raise InvalidInput(str(exc), errors=[{"field": "months", "message": str(exc)}]) from exc

    return router
