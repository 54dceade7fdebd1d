"""Charges into the ledger: re-rating differences and fees from rating, one entry per item; the
entries and audit rows of rated usage, which ``invoicing.service.usage_posting`` posts in bulk.

Rating sends exact amounts; each item is posted rounded, with its carry (``post_charges``), so a
period's postings add up to its rounded exact sums and its VAT per rate.

Each posting is audited in its transaction: one row per account of the event (``usage.posted``,
``rerating.posted``, ``fee.posted`` about the account, by the consumer, under the event's
correlation id) with what it posted per currency; a batch's rows are written in one statement.
A currency the ledger cannot keep money in (no ISO 4217 code) is refused (``LedgerError``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from tarifa.audit import Actor, AuditEntry
from tarifa.messaging.catalogue import FeeCharged, RatedItem, UsageRerated
from tarifa.messaging.envelope import CloudEvent

from invoicing.domain.ledger import (
    EntryKind,
    LedgerEntry,
    LedgerError,
    ledger_currency,
    posted_totals,
)
from invoicing.domain.posting import ExactCharge, Posted, rate_of
from invoicing.service.balance import announce_balance
from invoicing.service.ports import UnitOfWork
from invoicing.service.posting import post_charges

__all__ = ["RECORD_UNITS", "CurrencyNotKnownYet", "exact_item", "posting_audit", "record_fee",
           "record_rerating", "usage_entry"]

RECORD_UNITS = {"voice": "second", "sms": "message", "mms": "message", "data": "byte"}


class CurrencyNotKnownYet(Exception):
    """A fee without a currency for an account the replica does not know yet: try again later."""


RECURRING = ("monthly", "monthly_fee", "daily", "daily_fee", "subscription", "recurring")
RECURRING_PREFIXES = ("monthly_adjustment", "package:")


async def _check_currency(uow: UnitOfWork, account_id: str, currency: str) -> None:
    ledger_currency(currency, f"a charge of account {account_id}")
    account = await uow.accounts.get(account_id)
    known = account.currency if account else await uow.ledger.currency(account_id)
    if known is not None and known != currency:
        raise LedgerError(f"account {account_id} is kept in {known}, not {currency}")


def exact_item(item: RatedItem) -> ExactCharge:
    """A rated item in the terms the ledger posts it."""
    rate = item.vat_rate if item.vat_rate is not None else rate_of(item.net, item.vat)
    return ExactCharge(item.msisdn, item.type, item.usage_date, item.net, item.gross, rate,
                       item.prices_include_vat)


def usage_entry(account_id: str, currency: str, item: RatedItem, charge: ExactCharge,
                posted: Posted, source: tuple[str, str], now: datetime,
                entry_id: str | None = None) -> LedgerEntry:
    """The ledger entry of a posted usage item (``charge`` is ``exact_item(item)``); ``source`` is
    (event id, reference); ``entry_id`` a new UUID unless given."""
    return LedgerEntry(
        id=entry_id or str(uuid.uuid4()), account_id=account_id, kind=EntryKind.CHARGE, type=item.type,
        currency=currency, occurred_on=item.usage_date, amount=-posted.gross,
        source_event_id=source[0], created_at=now, msisdn=item.msisdn, direction=item.direction,
        description=item.zone or "", quantity=Decimal(item.quantity),
        unit=item.unit or RECORD_UNITS.get(item.type, ""), net=posted.net, vat=posted.vat,
        gross=posted.gross, reference=source[1], vat_rate=charge.vat_rate,
        vat_included=item.prices_include_vat)


async def _usage_entries(uow: UnitOfWork, account_id: str, currency: str,
                         items: Sequence[RatedItem], source: tuple[str, str]) -> list[LedgerEntry]:
    charges = [exact_item(item) for item in items]
    posted = await post_charges(uow, account_id, currency, charges)
    now = uow.clock.now()
    return [usage_entry(account_id, currency, item, charge, done, source, now)
            for item, charge, done in zip(items, charges, posted, strict=True)]


def posting_audit(consumer: str, action: str, account_id: str, entries: Sequence[LedgerEntry],
             source: tuple[str, str]) -> AuditEntry:
    """The audit row of what one event posted to one account; ``source`` as in ``usage_entry``."""
    after = {"event_id": source[0], "reference": source[1], "totals": posted_totals(entries)}
    return AuditEntry(Actor.system(consumer), action, "account", account_id, after=after)


async def _post_account(uow: UnitOfWork, account_id: str, currency: str,
                        items: Sequence[RatedItem], source: tuple[str, str],
                        cause: str) -> list[LedgerEntry]:
    await uow.ledger.lock(account_id)
    await _check_currency(uow, account_id, currency)
    entries = await _usage_entries(uow, account_id, currency, items, source)
    await uow.ledger.add(entries)
    await announce_balance(uow, account_id, currency, cause)
    return entries


async def record_rerating(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """A re-rating run's difference: each item posts new − old with the usage's own carries, so
    the period ends charged what the re-rated records cost."""
    data = event.parse(UsageRerated)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        source = (event.id, data.run_id)
        entries = await _post_account(uow, data.account_id, data.currency, data.items, source,
                                      "rerating")
        await uow.trail.record_all([posting_audit(consumer, "rerating.posted", data.account_id,
                                             entries, source)])
        await uow.commit()


def _fee_charge(data: FeeCharged) -> ExactCharge:
    rate = data.vat_rate if data.vat_rate is not None else rate_of(data.net, data.vat)
    return ExactCharge(data.msisdn, _fee_type(data), data.period_date, data.net, data.gross,
                       rate, data.prices_include_vat)


def _fee_type(data: FeeCharged) -> str:
    """A plan's or a package's recurring fee, or its adjustment, is a fee; anything else rating
    charges once is a one-off."""
    recurring = data.kind in RECURRING or data.kind.startswith(RECURRING_PREFIXES)
    return "fee" if recurring else "one_off"


async def _fee_entry(uow: UnitOfWork, data: FeeCharged, currency: str,
                     event: CloudEvent) -> LedgerEntry:
    charge = _fee_charge(data)
    posted, = await post_charges(uow, data.account_id, currency, [charge])
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=data.account_id, kind=EntryKind.CHARGE,
        type=charge.type, currency=currency, occurred_on=data.period_date,
        amount=-posted.gross, source_event_id=event.id, created_at=uow.clock.now(),
        msisdn=data.msisdn, description=data.kind, quantity=Decimal(1), net=posted.net,
        vat=posted.vat, gross=posted.gross, vat_rate=charge.vat_rate,
        vat_included=charge.vat_included)


async def _fee_currency(uow: UnitOfWork, data: FeeCharged, event: CloudEvent) -> str:
    account = await uow.accounts.get(data.account_id)
    currency = data.currency or (account.currency if account else None)
    if currency is None:
        raise CurrencyNotKnownYet(f"fee {event.id}: the currency of {data.account_id} is not known yet")
    await _check_currency(uow, data.account_id, currency)
    return currency


async def record_fee(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(FeeCharged)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        await uow.ledger.lock(data.account_id)
        currency = await _fee_currency(uow, data, event)
        entry = await _fee_entry(uow, data, currency, event)
        await uow.ledger.add([entry])
        source = (event.id, f"{data.msisdn}:{data.kind}:{data.period_date}")
        await uow.trail.record_all([posting_audit(consumer, "fee.posted", data.account_id, [entry],
                                             source)])
        await announce_balance(uow, data.account_id, currency, f"fee:{data.kind}")
        await uow.commit()
