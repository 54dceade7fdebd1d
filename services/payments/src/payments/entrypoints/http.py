"""The payments HTTP API: card and offline payments, reading them, refunds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Principal, Role, allow
from tarifa.idempotency import StoredResponse, once
from tarifa.problems import NotFound, Problem
from tarifa.web.access import GuardedRoute

from payments.domain.limits import PaymentLimits
from payments.domain.payment import Payment, PaymentError
from payments.domain.refund import Refund
from payments.entrypoints.errors import positive_amount, refusals
from payments.entrypoints.schemas import (
    CardPaymentBody,
    OfflinePaymentBody,
    PaymentOut,
    RefundBody,
    RefundOut,
)
from payments.service.card import StartCardPayment, refresh_payment, start_card_payment
from payments.service.offline import RegisterOfflinePayment, register_offline_payment
from payments.service.ports import CardGateway, GatewayError, Gateways, UnitOfWork
from payments.service.refunds import RefundPayment, refund_payment

__all__ = ["CHANNELS", "GATEWAY_ANSWERS", "CardPayments", "payer_of", "payments_router"]

CHANNELS = [allow(Role.PARTNER, Role.OPERATOR)]
GATEWAY_ANSWERS: dict[int | str, dict[str, str]] = {
    502: {"description": "the card gateway did not answer"},
    503: {"description": "card payments are not configured"}}

OFFLINE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": PaymentOut,
          "description": "the channel's reference was booked before for this payment: that one"},
    409: {"description": "the channel's reference belongs to another payment "
                         "(problem+json, payment-reference-taken)"}}

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


class CardPayments:
    """What the card endpoints need: the gateways by name, the one used for new payments, limits."""

    def __init__(self, gateways: Gateways, default: str, limits: PaymentLimits) -> None:
        self.gateways, self.default, self.limits = gateways, default, limits

    def gateway(self) -> CardGateway:
        gateway = self.gateways.get(self.default)
        if gateway is None:
            raise CardsDisabled(f"card payments need the {self.default} gateway configured")
        return gateway


class CardsDisabled(Problem):
    status, slug, title = 503, "cards-disabled", "Card payments are not configured"


def payer_of(principal: Principal) -> str:
    """Who pays: a subscriber's own account, or the operator or partner that calls."""
    if principal.role is Role.SUBSCRIBER:
        return f"account:{principal.account_id}"
    return f"{principal.role}:{principal.subject}"


def _out(payment: Payment) -> PaymentOut:
    return PaymentOut(
        id=payment.id, account_id=payment.account_id, status=payment.status,
        amount=payment.amount, currency=payment.currency, purpose=payment.purpose,
        channel=payment.channel, reference=payment.reference, payer=payment.payer,
        beneficiary=payment.account_id, invoice_id=payment.invoice_id,
        created_at=payment.created_at, redirect_url=payment.redirect_url,
        refunded=payment.refunded, failure_reason=payment.failure_reason, paid_at=payment.paid_at,
    )


def _refund_out(refund: Refund) -> RefundOut:
    return RefundOut(id=refund.id, payment_id=refund.payment_id, account_id=refund.account_id,
                     amount=refund.amount, currency=refund.currency, reason=refund.reason,
                     status=refund.status, created_at=refund.created_at)


def _may_read(principal: Principal, payment: Payment) -> bool:
    """Operators read all; a subscriber what its account paid or received; a partner its own."""
    if principal.role is Role.OPERATOR:
        return True
    if principal.role is Role.SUBSCRIBER and principal.account_id == payment.account_id:
        return True
    return payment.payer == payer_of(principal)


def _offline_command(body: OfflinePaymentBody, payer: str) -> RegisterOfflinePayment:
    return RegisterOfflinePayment(amount=positive_amount(body.amount, body.currency),
                                  currency=body.currency, channel=body.channel,
                                  reference=body.reference, payer=payer,
                                  account_id=body.account_id, msisdn=body.msisdn)


def _card_command(body: CardPaymentBody, payer: str) -> StartCardPayment:
    return StartCardPayment(amount=positive_amount(body.amount, body.currency),
                            currency=body.currency, purpose=body.purpose, return_url=body.return_url,
                            payer=payer, account_id=body.account_id, msisdn=body.msisdn,
                            invoice_id=body.invoice_id)


async def _once(new_uow: Callable[[], UnitOfWork], scope: str, key: str | None,
                body: BaseModel, work: Callable[[UnitOfWork], Awaitable[StoredResponse]],
                principal: Principal) -> JSONResponse:
    # the body is hashed only under an Idempotency-Key: without one it is not dumped at all
    request = body.model_dump(mode="json") if key is not None else {}
    with refusals():
        async with new_uow().acting(Actor.of(principal)) as uow:
            status, response = await once(uow, scope, key, request, lambda: work(uow))
    return JSONResponse(response, status_code=status)


def payments_router(new_uow: Callable[[], UnitOfWork], cards: CardPayments) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["payments"])

    @router.post("/payments", status_code=201, response_model=PaymentOut,
                 dependencies=[allow(Role.SUBSCRIBER, Role.OPERATOR)], responses=GATEWAY_ANSWERS)
    async def start_payment(body: CardPaymentBody, principal: CurrentPrincipal,
                            idempotency_key: IdempotencyKey = None) -> Any:
        """Open the gateway's page; the payment succeeds only when the gateway confirms it."""
        command, gateway = _card_command(body, payer_of(principal)), cards.gateway()

        async def work(uow: UnitOfWork) -> StoredResponse:
            payment = await start_card_payment(uow, gateway, cards.limits, command)
            return 201, _out(payment).model_dump(mode="json")

        return await _once(new_uow, f"card:{payer_of(principal)}", idempotency_key,
                           body, work, principal)

    @router.post("/payments/offline", status_code=201, response_model=PaymentOut,
                 dependencies=CHANNELS, responses=OFFLINE_ANSWERS)
    async def register_offline(body: OfflinePaymentBody, principal: CurrentPrincipal,
                               idempotency_key: IdempotencyKey = None) -> Any:
        """Book a payment taken by a cash office, bank, post or terminal, once per channel and
        reference: the same payment posted again answers the first one (200), a different one
        with the same reference is refused (409)."""
        command = _offline_command(body, payer_of(principal))

        async def work(uow: UnitOfWork) -> StoredResponse:
            registered = await register_offline_payment(uow, command)
            return 201 if registered.new else 200, _out(registered.payment).model_dump(mode="json")

        return await _once(new_uow, f"offline:{principal.subject}", idempotency_key,
                           body, work, principal)

    @router.get("/payments/{payment_id}", response_model=PaymentOut,
                dependencies=[allow(Role.OPERATOR, Role.SUBSCRIBER, Role.PARTNER)])
    async def get_payment(payment_id: str, principal: CurrentPrincipal) -> PaymentOut:
        """The payment; a pending card payment is first brought up to date from the gateway."""
        async with new_uow() as uow:
            payment = await uow.payments.get(payment_id)
        if payment is None or not _may_read(principal, payment):
            raise NotFound(f"payment {payment_id} not found")
        return _out(await _refreshed(new_uow, cards, payment))

    @router.post("/payments/{payment_id}/refunds", status_code=201, response_model=RefundOut,
                 dependencies=[allow(Role.OPERATOR)], responses={502: GATEWAY_ANSWERS[502]})
    async def refund(payment_id: str, body: RefundBody, principal: CurrentPrincipal,
                     idempotency_key: IdempotencyKey = None) -> Any:

        async def work(uow: UnitOfWork) -> StoredResponse:
            payment = await uow.payments.get(payment_id)
            if payment is None:
                raise NotFound(f"payment {payment_id} not found")
            command = RefundPayment(payment_id, positive_amount(body.amount, payment.currency),
                                    body.reason)
            return 201, _refund_out(await refund_payment(uow, cards.gateways, command)).model_dump(
                mode="json")

        return await _once(new_uow, f"refund:{payment_id}", idempotency_key,
                           body, work, principal)

    return router


async def _refreshed(new_uow: Callable[[], UnitOfWork], cards: CardPayments,
                     payment: Payment) -> Payment:
    gateway = cards.gateways.get(payment.gateway or "")
    if gateway is None or not payment.status.pending:
        return payment
    try:
        return await refresh_payment(new_uow(), gateway, payment)
    except (GatewayError, PaymentError):
        return payment
