"""The accounts HTTP API of a payment mode change: an operator moves an account between prepaid
and postpaid, giving each active line its plan of the new mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from tarifa.auth import CurrentPrincipal
from tarifa.fields import NoControl
from tarifa.web.access import GuardedRoute

from accounts.domain.account import PaymentMode
from accounts.entrypoints.errors import problems
from accounts.entrypoints.http import OPERATOR, account_out, actor
from accounts.entrypoints.schemas import AccountOut
from accounts.service.accounts import get_account
from accounts.service.payment_mode import ChangePaymentMode, change_payment_mode
from accounts.service.ports import UnitOfWork

__all__ = ["PaymentModeBody", "payment_mode_router"]

NewUow = Callable[[], UnitOfWork]
Msisdn = Annotated[str, StringConstraints(min_length=1, max_length=16), NoControl]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64), NoControl]


class PaymentModeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment_mode: Literal["prepaid", "postpaid"]
    plans: dict[Msisdn, Code] = Field(
        max_length=1000, examples=[{"37369000001": "nelimitat-postpaid"}],
        description="the plan of the new payment mode for each active line, by its number")


def payment_mode_router(new_uow: NewUow) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["accounts"])

    @router.put("/accounts/{account_id}/payment-mode", response_model=AccountOut,
                responses={404: {}, 409: {}, 422: {}}, dependencies=OPERATOR)
    async def put_payment_mode(account_id: str, body: PaymentModeBody,
                               principal: CurrentPrincipal) -> AccountOut:
        """Move the account to prepaid or postpaid now, each active line onto its plan of the
        new mode (a prepaid account needs a balance of one monthly fee of each line). Answers
        409 ``same-payment-mode`` when the account is in that mode already and
        ``account-closed`` when it is closed."""
        command = ChangePaymentMode(account_id, PaymentMode(body.payment_mode), body.plans,
                                    actor(principal))
        with problems():
            await change_payment_mode(new_uow(), command)
            return account_out(await get_account(new_uow(), account_id))

    return router
