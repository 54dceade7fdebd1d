"""Refunds (P8): full or partial, never more than paid minus refunded; card ones via the gateway."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from decimal import Decimal

from payments.domain.payment import Payment
from payments.domain.refund import Refund
from payments.service.events import refunded
from payments.service.ports import Gateways, UnitOfWork

__all__ = ["RefundPayment", "UnknownPayment", "refund_payment"]


class UnknownPayment(LookupError):
    """No payment with that id."""


@dataclass(frozen=True, slots=True)
class RefundPayment:
    payment_id: str
    amount: Decimal
    reason: str


async def refund_payment(uow: UnitOfWork, gateways: Gateways, command: RefundPayment) -> Refund:
    """Refund part or all of a payment; call within an open unit of work."""
    payment = await uow.payments.get(command.payment_id, for_update=True)
    if payment is None:
        raise UnknownPayment(f"payment {command.payment_id} not found")
    after = payment.refund(command.amount)
    refund = Refund(id=str(uuid.uuid4()), payment_id=payment.id, account_id=payment.account_id,
                    amount=command.amount, currency=payment.currency, reason=command.reason,
                    status="succeeded", created_at=uow.clock.now())
    refund = await _through_gateway(gateways, payment, refund)
    await uow.payments.save(after)
    await uow.refunds.add(refund)
    await uow.trail.record(uow.actor, "payment.refunded", "payment", payment.id,
                           before={"payment": payment}, after={"payment": after, "refund": refund})
    uow.emit(refunded(refund), subject=refund.account_id)
    return refund


async def _through_gateway(gateways: Gateways, payment: Payment, refund: Refund) -> Refund:
    """Card money goes back through the gateway; offline money is paid back by the channel."""
    if payment.gateway is None or payment.gateway_ref is None:
        return refund
    ref = await gateways[payment.gateway].refund(payment.gateway_ref, refund.id, refund.amount)
    return replace(refund, gateway_ref=ref)
