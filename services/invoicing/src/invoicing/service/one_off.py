"""Posting an operator's one-off charge to an account's ledger (issue 10).

The charge is posted with the carries like every charge (``invoicing.service.posting``), so its
VAT joins the VAT per rate of the invoice that states it; the posting, its audit row, the
``invoicing.charge.posted`` event and the new balance share one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tarifa.messaging.catalogue import ChargePosted

from invoicing.domain.account import BillingAccount, local_date
from invoicing.domain.ledger import EntryKind, LedgerEntry, ledger_currency
from invoicing.domain.one_off import ONE_OFF, OneOffCharge, exact_one_off
from invoicing.domain.posting import ExactCharge, Posted
from invoicing.service.balance import announce_balance
from invoicing.service.ports import UnitOfWork
from invoicing.service.posting import post_charges

__all__ = ["AccountUnknown", "PostedCharge", "post_one_off"]


class AccountUnknown(Exception):
    """No account with that id in the replica (or not yet)."""


@dataclass(frozen=True, slots=True)
class PostedCharge:
    id: str
    account_id: str
    description: str
    currency: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_rate: Decimal
    prices_include_vat: bool
    occurred_on: date


async def _account(uow: UnitOfWork, account_id: str) -> BillingAccount:
    account = await uow.accounts.get(account_id)
    if account is None:
        raise AccountUnknown(f"account {account_id} not found")
    ledger_currency(account.currency, f"account {account_id}")
    return account


def _posted(command: OneOffCharge, account: BillingAccount, exact: ExactCharge,
            posted: Posted) -> PostedCharge:
    return PostedCharge(
        id=str(uuid.uuid4()), account_id=account.account_id, description=command.description,
        currency=account.currency, net=posted.net, vat=posted.vat, gross=posted.gross,
        vat_rate=exact.vat_rate, prices_include_vat=exact.vat_included,
        occurred_on=exact.usage_date)


def _entry(charge: PostedCharge, uow: UnitOfWork) -> LedgerEntry:
    return LedgerEntry(
        id=charge.id, account_id=charge.account_id, kind=EntryKind.CHARGE, type=ONE_OFF,
        currency=charge.currency, occurred_on=charge.occurred_on, amount=-charge.gross,
        source_event_id="", created_at=uow.clock.now(), description=charge.description,
        quantity=Decimal(1), unit="item", net=charge.net, vat=charge.vat, gross=charge.gross,
        reference=charge.id, vat_rate=charge.vat_rate, vat_included=charge.prices_include_vat)


def _event(charge: PostedCharge) -> ChargePosted:
    return ChargePosted(account_id=charge.account_id, charge_id=charge.id,
                        description=charge.description, currency=charge.currency,
                        net=charge.net, vat=charge.vat, gross=charge.gross,
                        vat_rate=charge.vat_rate, occurred_on=charge.occurred_on)


async def post_one_off(uow: UnitOfWork, command: OneOffCharge) -> PostedCharge:
    """Post the charge within ``uow`` (the caller commits), audited for ``uow.actor``."""
    await uow.ledger.lock(command.account_id)
    account = await _account(uow, command.account_id)
    exact = exact_one_off(command, account.currency, local_date(account, uow.clock.now()))
    posted, = await post_charges(uow, account.account_id, account.currency, [exact])
    charge = _posted(command, account, exact, posted)
    await uow.ledger.add([_entry(charge, uow)])
    await uow.trail.record(uow.actor, "charge.posted", "account", account.account_id,
                           after=charge)
    uow.emit(_event(charge), subject=account.account_id)
    await announce_balance(uow, account.account_id, account.currency, ONE_OFF)
    return charge
