"""What puts an autopay charge on the schedule (P6): an issued invoice (mode ``invoice``), the
balance falling below the threshold (mode ``threshold``); an invoice paid otherwise takes its
charge off before it is attempted. Each event is handled once (inbox)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from tarifa.messaging.catalogue import BalanceChanged, InvoiceIssued, InvoicePaid
from tarifa.messaging.envelope import CloudEvent

from payments.domain.autopay import AutopayMandate
from payments.domain.autopay_charge import (
    AutopayCharge,
    AutopayPolicy,
    ChargeStatus,
    threshold_crossed,
)
from payments.domain.payment import BalanceAt, latest_balances
from payments.service.ports import UnitOfWork

__all__ = ["cancel_for_paid_invoice", "schedule_for_balance", "schedule_for_balances",
           "schedule_for_invoice"]


def _charge(mandate: AutopayMandate, trigger: str, amount: Decimal, currency: str,
            at: datetime, now: datetime, **extra: object) -> AutopayCharge:
    return AutopayCharge(id=str(uuid.uuid4()), account_id=mandate.account_id, trigger=trigger,
                         amount=amount, currency=currency, status=ChargeStatus.SCHEDULED,
                         next_attempt_at=at, created_at=now, **extra)  # type: ignore[arg-type]


async def _add(uow: UnitOfWork, charge: AutopayCharge) -> bool:
    if not await uow.autopay.add(charge):
        return False
    await uow.trail.record(uow.actor, "autopay.scheduled", "autopay_charge", charge.id,
                           after=charge)
    return True


async def schedule_for_invoice(uow: UnitOfWork, consumer: str, event: CloudEvent,
                               policy: AutopayPolicy) -> bool:
    """A charge of the invoice's amount due when the account pays its invoices by autopay."""
    data = event.parse(InvoiceIssued)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return False
        added = await _invoice_charge(uow, data, policy)
        await uow.commit()
    return added


async def _invoice_charge(uow: UnitOfWork, data: InvoiceIssued, policy: AutopayPolicy) -> bool:
    mandate = await uow.methods.mandate(data.account_id)
    if mandate is None or mandate.mode != "invoice" or data.amount_due <= 0:
        return False
    now = uow.clock.now()
    return await _add(uow, _charge(
        mandate, "invoice", data.amount_due, data.currency,
        policy.first_attempt_at(now, data.due_date), now, invoice_id=data.invoice_id,
        due_date=data.due_date))


async def _fell_below(uow: UnitOfWork, data: BalanceChanged, threshold: Decimal,
                      at: datetime) -> bool:
    """Record where the balance stands to the threshold; True when it has just fallen below."""
    was_below = await uow.autopay.was_below(data.account_id, at)
    if was_below is None:
        return False
    await uow.autopay.record_balance(data.account_id, data.balance < threshold, at)
    return threshold_crossed(was_below, data.balance, threshold)


async def schedule_for_balance(uow: UnitOfWork, consumer: str, event: CloudEvent) -> bool:
    """A top-up of the mandate's amount when the balance falls below its threshold, once a fall;
    the balance is kept in the replica too (what a closed account owes)."""
    return await schedule_for_balances(uow, consumer, [event])


async def schedule_for_balances(uow: UnitOfWork, consumer: str, events: Sequence[CloudEvent]) -> bool:
    """``schedule_for_balance`` for each of ``events`` in one transaction, set-based: the events
    claimed, the latest balance of each account kept and their mandates read, one statement each;
    then account after account in id order (each one's events in the order given) the top-ups.
    True when a top-up was put on the schedule."""
    parsed = sorted(((event, event.parse(BalanceChanged)) for event in events),
                    key=lambda pair: pair[1].account_id)
    async with uow:
        fresh = await uow.first_times(consumer, [event.id for event, _ in parsed])
        moved = [(event, data) for event, data in parsed if event.id in fresh]
        await uow.accounts.set_balances(latest_balances(
            BalanceAt(data.account_id, data.balance, event.time) for event, data in moved))
        mandates = await uow.methods.mandates_of(sorted({data.account_id for _, data in moved}))
        added = [await _top_up(uow, data, event.time, mandates[data.account_id])
                 for event, data in moved if data.account_id in mandates]
        await uow.commit()
    return any(added)


async def _top_up(uow: UnitOfWork, data: BalanceChanged, at: datetime,
                  mandate: AutopayMandate) -> bool:
    if mandate.mode != "threshold" or mandate.threshold is None \
            or not mandate.amount or not await _fell_below(uow, data, mandate.threshold, at):
        return False
    now = uow.clock.now()
    return await _add(uow, _charge(mandate, "threshold", mandate.amount, data.currency, now, now))


async def cancel_for_paid_invoice(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """An invoice paid before its autopay attempt needs none."""
    data = event.parse(InvoicePaid)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        charge = await uow.autopay.for_invoice(data.invoice_id)
        cancelled = charge.cancelled("invoice_paid") if charge else None
        if charge is not None and cancelled is not None:
            await uow.autopay.save(cancelled)
            await uow.trail.record(uow.actor, "autopay.cancelled", "autopay_charge", charge.id,
                                   before={"status": charge.status},
                                   after={"status": cancelled.status})
        await uow.commit()
