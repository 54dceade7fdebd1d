"""The events payments announces, built from its domain objects."""

from __future__ import annotations

from tarifa.messaging.catalogue import (
    AutopayEnded,
    AutopayFailed,
    AutopaySet,
    PaymentFailed,
    PaymentMethodActivated,
    PaymentMethodFailed,
    PaymentSucceeded,
    RefundSucceeded,
    RegistryImported,
    RegistryRowClosed,
    RegistryRowReturned,
)

from payments.domain.payment import Payment
from payments.domain.refund import Refund

__all__ = ["PUBLISHED", "failed", "refunded", "succeeded"]

PUBLISHED = [PaymentSucceeded.routing_key, PaymentFailed.routing_key, RefundSucceeded.routing_key,
             AutopayFailed.routing_key, AutopaySet.routing_key, AutopayEnded.routing_key,
             RegistryImported.routing_key, RegistryRowReturned.routing_key,
             RegistryRowClosed.routing_key,
             PaymentMethodActivated.routing_key, PaymentMethodFailed.routing_key]


def succeeded(payment: Payment) -> PaymentSucceeded:
    return PaymentSucceeded(
        payment_id=payment.id, account_id=payment.account_id, payer=payment.payer,
        amount=payment.amount, currency=payment.currency, purpose=payment.purpose,
        invoice_id=payment.invoice_id, channel=payment.channel,
    )


def failed(payment: Payment) -> PaymentFailed:
    return PaymentFailed(payment_id=payment.id, account_id=payment.account_id,
                         reason=payment.failure_reason or "failed")


def refunded(refund: Refund) -> RefundSucceeded:
    return RefundSucceeded(payment_id=refund.payment_id, refund_id=refund.id,
                           account_id=refund.account_id, amount=refund.amount,
                           currency=refund.currency)

