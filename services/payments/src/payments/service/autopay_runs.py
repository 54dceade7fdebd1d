"""The autopay job (P6): attempt each due charge on the stored card, settle unknown attempts.

An attempt is recorded as ``unknown`` (and committed) before the gateway is called. When the
gateway's answer does not come, the attempt stays unknown and a later pass asks the gateway's
status for that order before anything else: the card is charged at most once per attempt and
no new attempt starts while one is unknown. A charge that fails on one item is logged and the
job goes on (``tarifa.scheduling.attempt``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from tarifa.messaging.catalogue import AutopayFailed
from tarifa.scheduling import attempt

from payments.domain.autopay_charge import AutopayCharge, AutopayPolicy, ChargeOutcome, ChargeStatus
from payments.domain.history import account_payer
from payments.domain.payment import Payment, PaymentStatus
from payments.service.events import succeeded
from payments.service.ports import CardGateway, GatewayError, UnitOfWork

__all__ = ["AutopayRunner"]

JOB = "payments-autopay"
NOT_RECEIVED = ChargeOutcome(status="failed", reason="not_received_by_gateway")


class AutopayRunner:
    """Runs the due charges one by one; one pass at a time in this process."""

    def __init__(self, new_uow: Callable[[], UnitOfWork], gateway: CardGateway,
                 policy: AutopayPolicy) -> None:
        self._new_uow, self._gateway, self._policy = new_uow, gateway, policy
        self._lock = asyncio.Lock()

    async def run(self) -> int:
        """Work through the due charges; how many were looked at."""
        async with self._lock:
            async with self._new_uow() as uow:
                due = await uow.autopay.due(uow.clock.now())
            for charge_id in due:
                await attempt(JOB, charge_id, self.run_charge(charge_id))
            return len(due)

    async def run_charge(self, charge_id: str) -> None:
        """Settle an unknown attempt from the gateway's status, else make the next attempt."""
        if not await self._settle_unknown(charge_id):
            return
        begun = await self._start(charge_id)
        if begun is None:
            return
        started, token = begun
        try:
            outcome = await self._gateway.charge(started.attempt_order, token, started.amount,
                                                 started.currency)
        except GatewayError:
            return  # unknown: a later pass asks the gateway how it stands
        await self._apply(charge_id, started.attempt_order, outcome)

    async def _settle_unknown(self, charge_id: str) -> bool:
        """True when the charge may go on to an attempt (nothing is left unknown about it)."""
        async with self._new_uow() as uow:
            charge = await uow.autopay.get(charge_id)
        if charge is None or charge.status is not ChargeStatus.UNKNOWN or charge.order_id is None:
            return charge is not None
        outcome = await self._gateway.charge_status(charge.order_id) or NOT_RECEIVED
        if outcome.status not in ("succeeded", "failed", "requires_action"):
            return False
        return await self._apply(charge_id, charge.order_id, outcome)

    async def _start(self, charge_id: str) -> tuple[AutopayCharge, str] | None:
        """Record the next attempt as under way, with the card's token to charge; give up
        when the mandate or its card is gone."""
        async with self._new_uow() as uow:
            charge = await uow.autopay.get(charge_id, for_update=True)
            if charge is None or not charge.ready(uow.clock.now()):
                return None
            token = await _card(uow, charge)
            started = await (_begin(uow, charge, self._policy.settle_after) if token
                             else _without_card(uow, charge))
            await uow.commit()
        return (started, token) if started and token else None

    async def _apply(self, charge_id: str, order_id: str, outcome: ChargeOutcome) -> bool:
        """Settle the attempt ``order_id`` with the gateway's answer; True when it failed (the
        charge may be tried again), False when it was paid or settled before."""
        async with self._new_uow() as uow:
            charge = await uow.autopay.get(charge_id, for_update=True)
            if charge is None or not charge.answered_by(order_id):
                return False
            if outcome.status == "succeeded":
                await _paid(uow, charge, outcome, self._gateway.name)
            else:
                await _failed(uow, charge, self._after_failure(charge, outcome, uow.clock.now()))
            await uow.commit()
        return outcome.status != "succeeded"

    def _after_failure(self, charge: AutopayCharge, outcome: ChargeOutcome,
                       now: datetime) -> AutopayCharge:
        reason = outcome.reason or outcome.status
        if not outcome.retryable:
            return charge.failed(reason, None)
        return charge.failed(reason, self._policy.retry.next_attempt(now, charge.attempts,
                                                                     charge.due_date))


async def _begin(uow: UnitOfWork, charge: AutopayCharge,
                 settle_after: timedelta) -> AutopayCharge:
    """The attempt recorded as unknown (committed before the gateway is called)."""
    started = charge.started(uow.clock.now() + settle_after)
    await uow.autopay.save(started)
    await uow.trail.record(uow.actor, "autopay.attempted", "autopay_charge", charge.id,
                           before={"status": charge.status},
                           after={"status": started.status, "order_id": started.order_id,
                                  "attempt": started.attempts})
    return started


async def _without_card(uow: UnitOfWork, charge: AutopayCharge) -> None:
    await _failed(uow, charge, charge.failed("no_autopay_card", None))


async def _card(uow: UnitOfWork, charge: AutopayCharge) -> str | None:
    """The token of the card the account's mandate names, while the card is active."""
    mandate = await uow.methods.mandate(charge.account_id)
    method = await uow.methods.get(mandate.payment_method_id) if mandate else None
    return method.token if method and method.status == "active" else None


async def _paid(uow: UnitOfWork, charge: AutopayCharge, outcome: ChargeOutcome,
                gateway: str) -> None:
    """The charge becomes an ordinary succeeded card payment (announced, posted by invoicing)."""
    payment = Payment(
        id=str(uuid.uuid4()), account_id=charge.account_id, amount=charge.amount,
        currency=charge.currency, channel="card", reference=charge.order_id or charge.id,
        purpose="invoice" if charge.invoice_id else "topup", status=PaymentStatus.SUCCEEDED,
        payer=account_payer(charge.account_id), created_at=uow.clock.now(),
        invoice_id=charge.invoice_id,
        gateway=gateway, gateway_ref=outcome.ref)
    await uow.payments.add(payment)
    await uow.trail.record(uow.actor, "payment.autopay", "payment", payment.id, after=payment)
    paid = charge.succeeded(payment.id)
    await uow.autopay.save(paid)
    await uow.trail.record(uow.actor, "autopay.succeeded", "autopay_charge", charge.id,
                           before={"status": charge.status},
                           after={"status": paid.status, "payment_id": payment.id})
    uow.emit(succeeded(payment), subject=payment.account_id)


async def _failed(uow: UnitOfWork, charge: AutopayCharge, after: AutopayCharge) -> None:
    """A failed attempt: the retry (or none) recorded, audited and announced."""
    await uow.autopay.save(after)
    next_at = after.next_attempt_at if after.status is ChargeStatus.SCHEDULED else None
    await uow.trail.record(uow.actor, "autopay.failed", "autopay_charge", charge.id,
                           before={"status": charge.status},
                           after={"status": after.status, "reason": after.reason,
                                  "attempt": after.attempts, "next_attempt_at": next_at})
    uow.emit(AutopayFailed(account_id=charge.account_id, invoice_id=charge.invoice_id,
                           attempt=max(after.attempts, 1), next_attempt_at=next_at,
                           reason=after.reason or "failed", amount=charge.amount,
                           currency=charge.currency), subject=charge.account_id)
