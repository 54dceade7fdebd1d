"""Stored cards and autopay: ``/v1/accounts/{id}/payment-methods`` and ``/autopay``."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Response
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Role, allow
from tarifa.problems import NotFound
from tarifa.web.access import GuardedRoute

from payments.domain.autopay import AutopayMandate, PaymentMethod
from payments.entrypoints.errors import refusals
from payments.entrypoints.http import GATEWAY_ANSWERS, CardPayments
from payments.entrypoints.schemas import AutopayBody, AutopayOut, PaymentMethodBody, PaymentMethodOut
from payments.service.mandates import cancel_autopay
from payments.service.methods import SetAutopay, set_autopay, start_registration
from payments.service.offline import UnknownBeneficiary
from payments.service.ports import UnitOfWork

__all__ = ["methods_router"]


def _method_out(method: PaymentMethod) -> PaymentMethodOut:
    return PaymentMethodOut(id=method.id, account_id=method.account_id, status=method.status,
                            redirect_url=method.redirect_url, card_last4=method.card_last4)


def _mandate_out(mandate: AutopayMandate) -> AutopayOut:
    return AutopayOut(account_id=mandate.account_id, payment_method_id=mandate.payment_method_id,
                      mode=mandate.mode, threshold=mandate.threshold, amount=mandate.amount,
                      updated_at=mandate.updated_at)


def methods_router(new_uow: Callable[[], UnitOfWork], cards: CardPayments) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1/accounts/{account_id}",
                       tags=["payment methods and autopay"],
                       dependencies=[allow(Role.OPERATOR, Role.SUBSCRIBER, own_account="account_id")])

    @router.post("/payment-methods", status_code=201, response_model=PaymentMethodOut,
                 responses=GATEWAY_ANSWERS)
    async def register_card(account_id: str, body: PaymentMethodBody,
                            principal: CurrentPrincipal) -> PaymentMethodOut:
        """Open the gateway's card registration page; the card's token arrives by webhook."""
        gateway = cards.gateway()
        with refusals():
            try:
                method = await start_registration(new_uow().acting(Actor.of(principal)), gateway,
                                                  account_id, body.return_url)
            except UnknownBeneficiary as exc:
                raise NotFound(str(exc)) from exc
        return _method_out(method)

    @router.get("/payment-methods/{method_id}", response_model=PaymentMethodOut)
    async def read_card(account_id: str, method_id: str) -> PaymentMethodOut:
        async with new_uow() as uow:
            method = await uow.methods.get(method_id)
        if method is None or method.account_id != account_id:
            raise NotFound(f"payment method {method_id} not found")
        return _method_out(method)

    @router.put("/autopay", response_model=AutopayOut)
    async def put_autopay(account_id: str, body: AutopayBody,
                          principal: CurrentPrincipal) -> AutopayOut:
        """Pay each new invoice, or top up when the balance falls below the threshold."""
        command = SetAutopay(account_id=account_id, payment_method_id=body.payment_method_id,
                             mode=body.mode, threshold=body.threshold, amount=body.amount)
        with refusals():
            return _mandate_out(await set_autopay(new_uow().acting(Actor.of(principal)), command))

    @router.get("/autopay", response_model=AutopayOut)
    async def read_autopay(account_id: str) -> AutopayOut:
        async with new_uow() as uow:
            mandate = await uow.methods.mandate(account_id)
        if mandate is None:
            raise NotFound(f"account {account_id} has no autopay")
        return _mandate_out(mandate)

    @router.delete("/autopay", status_code=204, response_class=Response)
    async def delete_autopay(account_id: str, principal: CurrentPrincipal) -> Response:
        """Switch autopay off (announced as ``payments.autopay.ended``, reason ``cancelled``);
        a repeat, or an account without autopay, answers 204 as well and announces nothing."""
        await cancel_autopay(new_uow().acting(Actor.of(principal)), account_id)
        return Response(status_code=204)

    return router
