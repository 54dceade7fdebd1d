"""Settling unmatched registry rows by hand (P5): assign one to an account, or reject it.

An assigned row is announced as the payment it makes (``payments.payment.succeeded``); a
rejected one as ``payments.registry_row.returned`` (the channel gives the money back to its
payer) or ``payments.registry_row.closed``, naming the account the row names when the replica
knows exactly one, so that its subscriber can be told.

Each decision takes the row's lock, so two operators deciding at once make one decision; the
same decision sent again answers the row as it stands (and announces nothing again), a
different one is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from tarifa.messaging.catalogue import RegistryRowClosed, RegistryRowReturned

from payments.domain.closure import check_payable
from payments.domain.matching import REJECTED_AS, Rejection, assigned, rejected, settled_alike
from payments.domain.payment import AccountRef, Payment, PaymentError, PaymentStatus
from payments.domain.registry import EntryStatus, RegistryEntry
from payments.service.events import succeeded
from payments.service.offline import beneficiary
from payments.service.ports import UnitOfWork
from payments.service.registry import CHANNEL, row_amount

__all__ = ["AssignRow", "RejectRow", "UnknownRow", "assign_row", "reject_row"]

class UnknownRow(PaymentError):
    """No such row in that registry."""


@dataclass(frozen=True, slots=True)
class AssignRow:
    registry_id: str
    row: int
    by: str
    account_id: str | None = None
    msisdn: str | None = None


@dataclass(frozen=True, slots=True)
class RejectRow:
    registry_id: str
    row: int
    by: str
    outcome: Rejection
    reason: str


async def _entry(uow: UnitOfWork, registry_id: str, row: int) -> RegistryEntry:
    entry = await uow.registries.entry(registry_id, row)
    if entry is None:
        raise UnknownRow(f"registry {registry_id} has no row {row}")
    return entry


async def assign_row(uow: UnitOfWork, command: AssignRow) -> RegistryEntry:
    """Pay the row into the account named, once; the row's ``paid_at`` dates the payment."""
    async with uow:
        entry = await _entry(uow, command.registry_id, command.row)
        account = await beneficiary(uow, command.account_id, command.msisdn)
        if settled_alike(entry, EntryStatus.ASSIGNED, account.account_id):
            return entry
        settled = assigned(entry, account.account_id, str(uuid.uuid4()), command.by,
                           uow.clock.now())
        await _pay(uow, settled, account)
        await uow.registries.save_entry(settled)
        await uow.trail.record(uow.actor, "registry_row.assigned", "registry_row",
                               _row_id(entry), before=entry, after=settled)
        await uow.commit()
    return settled


async def _pay(uow: UnitOfWork, entry: RegistryEntry, account: AccountRef) -> None:
    assert entry.payment_id is not None
    if account.currency != entry.currency:
        raise PaymentError(f"account {account.account_id} is billed in {account.currency}, "
                           f"the row is in {entry.currency}")
    amount = row_amount(entry.amount, entry.currency)
    check_payable(account, amount)
    payment = Payment(
        id=entry.payment_id, account_id=account.account_id,
        amount=amount, currency=account.currency,
        channel=CHANNEL, reference=entry.reference, purpose="advance",
        status=PaymentStatus.SUCCEEDED, payer=await uow.registries.submitter(entry.registry_id),
        created_at=uow.clock.now(), paid_at=entry.paid_at)
    await uow.payments.add(payment)
    await uow.trail.record(uow.actor, "payment.registered", "payment", payment.id,
                           after={"payment": payment, "registry_id": entry.registry_id,
                                  "row": entry.row})
    uow.emit(succeeded(payment), subject=payment.account_id)


async def reject_row(uow: UnitOfWork, command: RejectRow) -> RegistryEntry:
    """Return the row's money to its payer through the channel, or close the row."""
    async with uow:
        entry = await _entry(uow, command.registry_id, command.row)
        if settled_alike(entry, REJECTED_AS[command.outcome], None):
            return entry
        settled = rejected(entry, command.outcome, command.reason, command.by, uow.clock.now())
        await uow.registries.save_entry(settled)
        await uow.trail.record(uow.actor, "registry_row.rejected", "registry_row",
                               _row_id(entry), before=entry, after=settled)
        await _announce_rejection(uow, settled, command.outcome)
        await uow.commit()
    return settled


_REJECTED = {Rejection.RETURN: RegistryRowReturned, Rejection.CLOSE: RegistryRowClosed}


async def _announce_rejection(uow: UnitOfWork, entry: RegistryEntry, outcome: Rejection) -> None:
    assert entry.resolved_by is not None and entry.resolved_at is not None
    account_id = await _named_account(uow, entry.account_or_msisdn)
    uow.emit(_REJECTED[outcome](
        registry_id=entry.registry_id, row=entry.row, reference=entry.reference,
        amount=_amount(entry), amount_given=entry.amount, currency=entry.currency,
        channel=CHANNEL, sender=await uow.registries.submitter(entry.registry_id),
        problem=entry.problem, reason=entry.reason or "", resolved_by=entry.resolved_by,
        resolved_at=entry.resolved_at, account_id=account_id), subject=account_id)


async def _named_account(uow: UnitOfWork, key: str) -> str | None:
    """The one account the replica knows by ``key`` (account number or phone number), if any."""
    if not key:
        return None
    by_id, by_msisdn = await uow.accounts.get(key), await uow.accounts.by_msisdn(key)
    named = {account.account_id for account in (by_id, by_msisdn) if account is not None}
    return named.pop() if len(named) == 1 else None


def _amount(entry: RegistryEntry) -> Decimal | None:
    try:
        return row_amount(entry.amount, entry.currency)
    except PaymentError:
        return None


def _row_id(entry: RegistryEntry) -> str:
    return f"{entry.registry_id}/{entry.row}"

