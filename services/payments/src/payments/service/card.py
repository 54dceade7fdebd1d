"""Card payments through a gateway's hosted page (P1–P4).

A payment starts as ``requires_action`` with the gateway's page to send the payer to. It is
confirmed only by the gateway: its signed notification or its status API, never by the
browser coming back to ``return_url``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from payments.domain.closure import check_payable
from payments.domain.gateway import GatewayOutcome, OutcomeStatus
from payments.domain.limits import PaymentLimits
from payments.domain.payment import Payment, PaymentError, PaymentStatus
from payments.service.events import failed, succeeded
from payments.service.offline import beneficiary
from payments.service.ports import CardGateway, UnitOfWork

__all__ = ["StartCardPayment", "apply_payment_outcome", "refresh_payment", "start_card_payment"]


@dataclass(frozen=True, slots=True)
class StartCardPayment:
    amount: Decimal
    currency: str
    purpose: str
    return_url: str
    payer: str
    account_id: str | None = None
    msisdn: str | None = None
    invoice_id: str | None = None


async def start_card_payment(uow: UnitOfWork, gateway: CardGateway, limits: PaymentLimits,
                             command: StartCardPayment) -> Payment:
    """Open the gateway's page for a new payment; call within an open unit of work."""
    account = await beneficiary(uow, command.account_id, command.msisdn)
    limits.check(command.purpose, command.amount, command.currency,
                 for_another=_for_another(command.payer, account.account_id))
    payment = _new_payment(command, account.account_id, gateway.name, uow.clock.now())
    payment.check_currency(account)
    check_payable(account, payment.amount, topup=command.purpose == "topup")
    session = await gateway.start_payment(payment.id, payment.amount, payment.currency,
                                          command.return_url)
    payment = replace(payment, gateway_ref=session.ref, redirect_url=session.redirect_url)
    await uow.payments.add(payment)
    await uow.trail.record(uow.actor, "payment.started", "payment", payment.id, after=payment)
    return payment


def _for_another(payer: str, account_id: str) -> bool:
    """A subscriber paying into an account not its own (P2); operators pay on its behalf."""
    return payer.startswith("account:") and payer != f"account:{account_id}"


def _new_payment(command: StartCardPayment, account_id: str, gateway: str,
                 now: datetime) -> Payment:
    payment_id = str(uuid.uuid4())
    return Payment(
        id=payment_id, account_id=account_id, amount=command.amount, currency=command.currency,
        channel="card", reference=payment_id, purpose=command.purpose,
        status=PaymentStatus.REQUIRES_ACTION, payer=command.payer, created_at=now,
        invoice_id=command.invoice_id, msisdn=command.msisdn, gateway=gateway,
        return_url=command.return_url,
    )


async def apply_payment_outcome(uow: UnitOfWork, outcome: GatewayOutcome) -> Payment | None:
    """Settle the payment the outcome is about, once; the payment as it now stands."""
    payment = await uow.payments.get(outcome.order_id, for_update=True)
    if payment is None or payment.gateway_ref != outcome.ref:
        return None
    settled = _settle(payment, outcome)
    if settled is None:
        return payment
    await uow.payments.save(settled)
    await uow.trail.record(uow.actor, f"payment.{settled.status}", "payment", settled.id,
                           before={"status": payment.status},
                           after={"status": settled.status, "failure_reason": settled.failure_reason})
    event = succeeded(settled) if settled.status is PaymentStatus.SUCCEEDED else failed(settled)
    uow.emit(event, subject=settled.account_id)
    return settled


def _settle(payment: Payment, outcome: GatewayOutcome) -> Payment | None:
    if outcome.status is OutcomeStatus.SUCCEEDED:
        if (outcome.amount, outcome.currency) != (payment.amount, payment.currency):
            return payment.failed("the gateway confirmed another amount")
        return payment.succeeded()
    if outcome.status is OutcomeStatus.FAILED:
        return payment.failed(outcome.reason or "declined")
    return None


async def refresh_payment(uow: UnitOfWork, gateway: CardGateway, payment: Payment) -> Payment:
    """Ask the gateway how a pending payment stands and settle it from that answer."""
    if not payment.status.pending or payment.gateway_ref is None:
        return payment
    outcome = await gateway.status(payment.gateway_ref)
    if outcome.order_id != payment.id:
        raise PaymentError(f"the gateway session {payment.gateway_ref} is not payment {payment.id}")
    async with uow:
        settled = await apply_payment_outcome(uow, outcome)
        await uow.commit()
    return settled or payment
