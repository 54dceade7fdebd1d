"""Stored cards and autopay mandates (P6): registration on the gateway's page, token by webhook;
a registration the gateway settled is announced as ``payments.payment_method.activated`` or
``.failed``, a mandate set up or changed as ``payments.autopay.set``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from decimal import Decimal

from tarifa.messaging.catalogue import AutopaySet, PaymentMethodActivated, PaymentMethodFailed
from tarifa.money import InvalidAmount, parse_amount

from payments.domain.autopay import AutopayMandate, MethodStatus, PaymentMethod
from payments.domain.gateway import GatewayOutcome, OutcomeStatus
from payments.domain.payment import AccountRef, PaymentError
from payments.service.offline import UnknownBeneficiary
from payments.service.ports import CardGateway, UnitOfWork

__all__ = ["SetAutopay", "UnknownMethod", "apply_registration_outcome", "set_autopay",
           "start_registration"]


class UnknownMethod(PaymentError):
    """No such payment method on this account."""


async def start_registration(uow: UnitOfWork, gateway: CardGateway, account_id: str,
                             return_url: str) -> PaymentMethod:
    """Open the gateway's card registration page for the account."""
    async with uow:
        if await uow.accounts.get(account_id) is None:
            raise UnknownBeneficiary(f"no account {account_id}")
        method = PaymentMethod(id=str(uuid.uuid4()), account_id=account_id, gateway=gateway.name,
                               status=MethodStatus.PENDING, created_at=uow.clock.now())
        session = await gateway.start_registration(method.id, return_url)
        method = replace(method, gateway_ref=session.ref, redirect_url=session.redirect_url)
        await uow.methods.add(method)
        await uow.trail.record(uow.actor, "payment_method.started", "payment_method", method.id,
                               after={"status": method.status, "account_id": account_id})
        await uow.commit()
    return method


async def apply_registration_outcome(uow: UnitOfWork, outcome: GatewayOutcome) -> None:
    """Store the card token the gateway sends once the cardholder registered the card."""
    method = await uow.methods.get(outcome.order_id, for_update=True)
    if method is None or method.gateway_ref != outcome.ref:
        return
    changed = None
    if outcome.status is OutcomeStatus.SUCCEEDED and outcome.token:
        changed = method.activated(outcome.token, outcome.card_last4)
    elif outcome.status is OutcomeStatus.FAILED:
        changed = method.refused()
    if changed is not None:
        await uow.methods.save(changed)
        await uow.trail.record(uow.actor, f"payment_method.{changed.status}", "payment_method",
                               method.id, before={"status": method.status},
                               after={"status": changed.status})
        uow.emit(_settled(changed), subject=changed.account_id)


def _settled(method: PaymentMethod) -> PaymentMethodActivated | PaymentMethodFailed:
    kind = PaymentMethodActivated if method.status is MethodStatus.ACTIVE else PaymentMethodFailed
    return kind(payment_method_id=method.id, account_id=method.account_id, gateway=method.gateway,
                status=method.status, card_last4=method.card_last4)


@dataclass(frozen=True, slots=True)
class SetAutopay:
    """Amounts as given, read in the account's currency."""

    account_id: str
    payment_method_id: str
    mode: str
    threshold: str | None = None
    amount: str | None = None


async def set_autopay(uow: UnitOfWork, command: SetAutopay) -> AutopayMandate:
    """Store (or replace) the account's autopay mandate over one of its active cards."""
    async with uow:
        method = await uow.methods.get(command.payment_method_id)
        if method is None or method.account_id != command.account_id:
            raise UnknownMethod(f"no payment method {command.payment_method_id} on this account")
        account = await _account(uow, command.account_id)
        mandate = AutopayMandate(
            account_id=command.account_id, payment_method_id=method.id, mode=command.mode,
            updated_at=uow.clock.now(), threshold=_amount(command.threshold, account.currency),
            amount=_amount(command.amount, account.currency))
        mandate.check(method)
        mandate.check_mode(account.payment_mode)
        before = await uow.methods.mandate(command.account_id)
        await uow.methods.put_mandate(mandate)
        await uow.trail.record(uow.actor, "autopay.set", "account", command.account_id,
                               before=before, after=mandate)
        uow.emit(_set(mandate, replaced=before is not None), subject=mandate.account_id)
        await uow.commit()
    return mandate


def _set(mandate: AutopayMandate, *, replaced: bool) -> AutopaySet:
    return AutopaySet(account_id=mandate.account_id, mode=mandate.mode,
                      payment_method_id=mandate.payment_method_id, threshold=mandate.threshold,
                      amount=mandate.amount, set_at=mandate.updated_at, replaced=replaced)


async def _account(uow: UnitOfWork, account_id: str) -> AccountRef:
    account = await uow.accounts.get(account_id)
    if account is None:
        raise UnknownBeneficiary(f"no account {account_id}")
    return account


def _amount(text: str | None, currency: str) -> Decimal | None:
    if text is None:
        return None
    try:
        return parse_amount(text, currency)
    except InvalidAmount as exc:
        raise PaymentError(str(exc)) from exc
