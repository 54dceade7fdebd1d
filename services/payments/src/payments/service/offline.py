"""Registering a payment received by a partner channel (cash office, bank, terminal).

A channel names each payment by its own reference (receipt, bank transaction): a reference pays
once per channel, with or without an Idempotency-Key, so a payment posted twice is booked once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from tarifa import correlation
from tarifa.audit import AuditRecord

from payments.domain.closure import AccountClosed, check_payable
from payments.domain.payment import AccountRef, Payment, PaymentError, PaymentStatus
from payments.service.events import succeeded
from payments.service.ports import UnitOfWork

__all__ = ["ReferenceTaken", "RegisterOfflinePayment", "Registered", "UnknownBeneficiary", "beneficiary",
           "register_offline_payment"]


class UnknownBeneficiary(PaymentError):
    """No account with that id or phone number."""


class ReferenceTaken(PaymentError):
    """The channel's reference belongs to another payment (other account, amount or currency)."""


@dataclass(frozen=True, slots=True)
class Registered:
    payment: Payment
    new: bool
    """False when the payment was registered before with the channel's reference."""


@dataclass(frozen=True, slots=True)
class RegisterOfflinePayment:
    amount: Decimal
    currency: str
    channel: str
    reference: str
    payer: str
    account_id: str | None = None
    msisdn: str | None = None


async def beneficiary(uow: UnitOfWork, account_id: str | None, msisdn: str | None) -> AccountRef:
    """The account paid into, by account number or by one of its lines' phone numbers (P2)."""
    if account_id:
        account = await uow.accounts.get(account_id)
    else:
        account = await uow.accounts.by_msisdn(msisdn or "")
    if account is None:
        raise UnknownBeneficiary(f"no account {account_id or msisdn}")
    return account


async def register_offline_payment(uow: UnitOfWork, command: RegisterOfflinePayment) -> Registered:
    """Record a confirmed payment and announce it, once per channel and reference: the same
    payment posted again answers the first one; call within an open unit of work."""
    if command.account_id:
        registered = await _into_open(uow, command, command.account_id)
        if registered is not None:
            return registered
    account = await beneficiary(uow, command.account_id, command.msisdn)
    payment = _payment(uow, command, account.account_id)
    payment.check_currency(account)
    first = await _store(uow, account, payment)
    if first is not None:
        return Registered(await _same_as(uow, first, payment), new=False)
    return _announced(uow, payment)


async def _into_open(uow: UnitOfWork, command: RegisterOfflinePayment,
                     account_id: str) -> Registered | None:
    """The payment into an open account of its currency, stored with that check in one
    statement; None when the account is not one (the checks above then say why, or let a
    closed account be paid what it owes)."""
    payment = _payment(uow, command, account_id)
    claim = await uow.payments.add_into_open(payment, _registered(uow, payment))
    if claim == "untried":
        return None
    if claim == "taken":
        first = await uow.payments.holder_of(payment.channel, payment.reference)
        assert first is not None, "a taken reference has its holder"
        return Registered(await _same_as(uow, first, payment), new=False)
    return _announced(uow, payment)


def _payment(uow: UnitOfWork, command: RegisterOfflinePayment, account_id: str) -> Payment:
    return Payment(
        id=str(uuid.uuid4()), account_id=account_id, amount=command.amount,
        currency=command.currency, channel=command.channel, reference=command.reference,
        purpose="advance", status=PaymentStatus.SUCCEEDED, payer=command.payer,
        created_at=uow.clock.now(), msisdn=command.msisdn,
    )


def _announced(uow: UnitOfWork, payment: Payment) -> Registered:
    uow.emit(succeeded(payment), subject=payment.account_id)
    return Registered(payment, new=True)


async def _store(uow: UnitOfWork, account: AccountRef, payment: Payment) -> str | None:
    """Store ``payment`` holding its reference; the id of the payment holding it first, if
    another. One a closed account may not take is refused, unless it repeats that first one."""
    try:
        check_payable(account, payment.amount)
    except AccountClosed:
        first = await uow.payments.holder_of(payment.channel, payment.reference)
        if first is None:
            raise
        return first
    return await uow.payments.add_holding_reference(payment, _registered(uow, payment))


def _registered(uow: UnitOfWork, payment: Payment) -> AuditRecord:
    """The audit row of ``payment``, stored by the statement that stores the payment."""
    return AuditRecord(uow.clock.now(), uow.actor, "payment.registered", "payment", payment.id,
                       None, payment, correlation.current())


async def _same_as(uow: UnitOfWork, first_id: str, payment: Payment) -> Payment:
    """The payment registered first with this reference, when ``payment`` repeats it."""
    first = await uow.payments.get(first_id)
    assert first is not None, "a claimed reference names a stored payment"
    if not first.repeated_by(payment):
        raise ReferenceTaken(f"{payment.channel} reference {payment.reference} was registered "
                             f"as payment {first.id} of {first.amount} {first.currency} "
                             f"into account {first.account_id}")
    return first
