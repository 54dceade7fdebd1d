"""The accounts HTTP API of the lifecycle: suspension, promised payment, bill delivery, bonus
points and plan changes. Operators reach every account, a subscriber only its own."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from tarifa.auth import CurrentPrincipal, Role, allow
from tarifa.web.access import GuardedRoute

from accounts.domain.account import BillDelivery, DeliveryMedium
from accounts.domain.plan_change import When
from accounts.domain.policy import AccountsPolicy
from accounts.entrypoints.errors import problems
from accounts.entrypoints.http import OWN_ACCOUNT, account_out, actor
from accounts.entrypoints.schemas import (
    AccountOut,
    BillDeliveryBody,
    BonusMovementOut,
    BonusOut,
    PlanChangeBody,
    PlanChangeOut,
    PromisedPaymentOut,
    RedemptionBody,
    RedemptionOut,
    SuspensionBody,
    SuspensionOut,
)
from accounts.service.accounts import get_account
from accounts.service.bonus import Redeem, redeem_points
from accounts.service.delivery import ChangeDelivery, change_bill_delivery, get_bonus
from accounts.service.lifecycle import (
    Suspend,
    grant_promised_payment,
    resume_account,
    suspend_account,
)
from accounts.service.plan_changes import ChangePlan, change_plan
from accounts.service.ports import UnitOfWork

__all__ = ["lifecycle_router"]

NewUow = Callable[[], UnitOfWork]


def _suspension(router: APIRouter, new_uow: NewUow, policy: AccountsPolicy) -> None:
    @router.post("/accounts/{account_id}/suspension", status_code=201,
                 response_model=SuspensionOut, responses={409: {}, 422: {}},
                 dependencies=OWN_ACCOUNT)
    async def post_suspension(account_id: str, body: SuspensionBody,
                              principal: CurrentPrincipal) -> SuspensionOut:
        command = Suspend(account_id, body.days, actor(principal))
        with problems():
            suspension = await suspend_account(new_uow(), command, policy)
        return SuspensionOut(from_=suspension.start, until=suspension.end)

    @router.delete("/accounts/{account_id}/suspension", response_model=AccountOut,
                   responses={409: {}}, dependencies=OWN_ACCOUNT)
    async def delete_suspension(account_id: str, principal: CurrentPrincipal) -> AccountOut:
        with problems():
            await resume_account(new_uow(), account_id, actor(principal))
            return account_out(await get_account(new_uow(), account_id))


def _promised_payment(router: APIRouter, new_uow: NewUow, policy: AccountsPolicy) -> None:
    @router.post("/accounts/{account_id}/promised-payment", status_code=201,
                 response_model=PromisedPaymentOut, responses={409: {}},
                 dependencies=OWN_ACCOUNT)
    async def post_promised_payment(account_id: str,
                                    principal: CurrentPrincipal) -> PromisedPaymentOut:
        with problems():
            promise = await grant_promised_payment(new_uow(), account_id, actor(principal),
                                                   policy)
        return PromisedPaymentOut(until=promise.until)


def _delivery_and_bonus(router: APIRouter, new_uow: NewUow, policy: AccountsPolicy) -> None:
    @router.put("/accounts/{account_id}/bill-delivery", response_model=AccountOut,
                dependencies=OWN_ACCOUNT)
    async def put_bill_delivery(account_id: str, body: BillDeliveryBody,
                                principal: CurrentPrincipal) -> AccountOut:
        delivery = BillDelivery(DeliveryMedium(body.medium), body.email, body.sms, body.address)
        with problems():
            await change_bill_delivery(
                new_uow(), ChangeDelivery(account_id, delivery, actor(principal)), policy)
            return account_out(await get_account(new_uow(), account_id))

    @router.get("/accounts/{account_id}/bonus", response_model=BonusOut, dependencies=OWN_ACCOUNT)
    async def read_bonus(account_id: str) -> BonusOut:
        with problems():
            bonus = await get_bonus(new_uow(), account_id)
        return BonusOut(points=bonus.points, movements=[
            BonusMovementOut(at=m.at, points=m.points, reason=m.reason) for m in bonus.movements])

    @router.post("/accounts/{account_id}/bonus/redemptions", status_code=201,
                 response_model=RedemptionOut, responses={404: {}, 422: {}},
                 dependencies=OWN_ACCOUNT)
    async def post_redemption(account_id: str, body: RedemptionBody,
                              principal: CurrentPrincipal) -> RedemptionOut:
        with problems():
            done = await redeem_points(
                new_uow(), Redeem(account_id, body.points, actor(principal)), policy)
        return RedemptionOut(points=done.points, credit=str(done.credit), currency=done.currency,
                             remaining=done.remaining)


def _plan_change(router: APIRouter, new_uow: NewUow) -> None:
    @router.post("/lines/{msisdn}/plan-change", response_model=PlanChangeOut,
                 responses={404: {}, 422: {}},
                 dependencies=[allow(Role.OPERATOR, Role.SUBSCRIBER)])
    async def post_plan_change(msisdn: str, body: PlanChangeBody,
                               principal: CurrentPrincipal) -> PlanChangeOut:
        scope = principal.account_id if principal.role is Role.SUBSCRIBER else None
        command = ChangePlan(msisdn, body.plan_code, When(body.when), actor(principal), scope)
        with problems():
            change = await change_plan(new_uow(), command)
        return PlanChangeOut(msisdn=change.msisdn, from_plan=change.from_plan,
                             to_plan=change.to_plan, effective_at=change.effective_at)


def lifecycle_router(new_uow: NewUow, policy: AccountsPolicy) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["accounts"])
    _suspension(router, new_uow, policy)
    _promised_payment(router, new_uow, policy)
    _delivery_and_bonus(router, new_uow, policy)
    _plan_change(router, new_uow)
    return router
