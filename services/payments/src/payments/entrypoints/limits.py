"""``GET /v1/payment-limits``: the least and most of each kind of online payment in a currency,
so a frontend shows them before the subscriber types; card payments are refused outside them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from tarifa.auth import Role, allow
from tarifa.fields import CurrencyCode
from tarifa.problems import NotFound
from tarifa.web.access import GuardedRoute

from payments.domain.limits import Bounds, PaymentLimits, UnknownLimitCurrency

__all__ = ["BoundsOut", "LimitsOut", "limits_router"]


class BoundsOut(BaseModel):
    min: Decimal = Field(description="the least amount of one payment")
    max: Decimal | None = Field(description="the most of one payment; null: no upper bound")


class LimitsOut(BaseModel):
    currency: str
    invoice: BoundsOut = Field(description="paying an invoice")
    advance: BoundsOut = Field(description="paying in advance")
    topup: BoundsOut = Field(description="a prepaid top-up")
    another: BoundsOut = Field(description="paying for another account (on top of its purpose's)")


def _bounds_out(bounds: Bounds) -> BoundsOut:
    return BoundsOut(min=bounds.least, max=bounds.most if bounds.most.is_finite() else None)


def _limits_out(currency: str, limits: PaymentLimits) -> LimitsOut:
    try:
        kinds = limits.bounds(currency)
    except UnknownLimitCurrency as exc:
        raise NotFound(str(exc), slug="unknown-limit-currency") from exc
    return LimitsOut(currency=currency, **{kind: _bounds_out(b) for kind, b in kinds.items()})


def limits_router(limits: PaymentLimits) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["payments"],
                       dependencies=[allow(Role.OPERATOR, Role.SUBSCRIBER)])

    @router.get("/payment-limits", response_model=LimitsOut,
                responses={404: {"description": "no limits are set for the currency"}})
    async def read_payment_limits(currency: Annotated[CurrencyCode, Query()],
                                  response: Response) -> LimitsOut:
        """The bounds of each kind of online card payment in ``currency``."""
        response.headers["Cache-Control"] = "private, max-age=300"
        return _limits_out(currency, limits)

    return router
