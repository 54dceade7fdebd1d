"""Registering a payment received by a partner channel (cash office, bank, terminal)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from payments.domain.payment import AccountRef, Payment, PaymentError, PaymentStatus
from payments.service.events import succeeded
from payments.service.ports import UnitOfWork

__all__ = ["RegisterOfflinePayment", "UnknownBeneficiary", "beneficiary", "register_offline_payment"]


class UnknownBeneficiary(PaymentError):
    """No account with that id or phone number."""


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


async def register_offline_payment(uow: UnitOfWork, command: RegisterOfflinePayment) -> Payment:
    """Record a confirmed payment and announce it; call within an open unit of work."""
    account = await beneficiary(uow, command.account_id, command.msisdn)
    payment = Payment(
        id=str(uuid.uuid4()), account_id=account.account_id, amount=command.amount,
        currency=command.currency, channel=command.channel, reference=command.reference,
        purpose="advance", status=PaymentStatus.SUCCEEDED, payer=command.payer,
        created_at=uow.clock.now(), msisdn=command.msisdn,
    )
    payment.check_currency(account)
    await uow.payments.add(payment)
    await uow.trail.record(uow.actor, "payment.registered", "payment", payment.id, after=payment)
    uow.emit(succeeded(payment), subject=payment.account_id)
    return payment
