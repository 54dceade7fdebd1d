"""Charges into the ledger: rated usage and fees from rating, one entry per item."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from tarifa.messaging.catalogue import FeeCharged, RatedItem, UsageRated
from tarifa.messaging.envelope import CloudEvent

from invoicing.domain.ledger import EntryKind, LedgerEntry, LedgerError
from invoicing.service.balance import announce_balance
from invoicing.service.ports import UnitOfWork

__all__ = ["RECORD_UNITS", "CurrencyNotKnownYet", "record_fee", "record_usage"]

RECORD_UNITS = {"voice": "second", "sms": "message", "mms": "message", "data": "byte"}


class CurrencyNotKnownYet(Exception):
    """A fee without a currency for an account the replica does not know yet: try again later."""


RECURRING = ("monthly", "monthly_fee", "daily", "daily_fee", "subscription", "recurring")


async def _check_currency(uow: UnitOfWork, account_id: str, currency: str) -> None:
    account = await uow.accounts.get(account_id)
    known = account.currency if account else await uow.ledger.currency(account_id)
    if known is not None and known != currency:
        raise LedgerError(f"account {account_id} is kept in {known}, not {currency}")


def _usage_entry(data: UsageRated, item: RatedItem, event: CloudEvent,
                 now: datetime) -> LedgerEntry:
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=data.account_id, kind=EntryKind.CHARGE, type=item.type,
        currency=data.currency, occurred_on=item.usage_date, amount=-item.gross,
        source_event_id=event.id, created_at=now, msisdn=item.msisdn, direction=item.direction,
        description=item.zone or "", quantity=Decimal(item.quantity),
        unit=item.unit or RECORD_UNITS.get(item.type, ""), net=item.net, vat=item.vat,
        gross=item.gross, reference=data.batch_id)


async def record_usage(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(UsageRated)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        await uow.ledger.lock(data.account_id)
        await _check_currency(uow, data.account_id, data.currency)
        now = uow.clock.now()
        await uow.ledger.add([_usage_entry(data, item, event, now) for item in data.items])
        await announce_balance(uow, data.account_id, data.currency, "usage")
        await uow.commit()


def _fee_entry(data: FeeCharged, currency: str, event: CloudEvent, now: datetime) -> LedgerEntry:
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=data.account_id, kind=EntryKind.CHARGE,
        type="fee" if data.kind in RECURRING else "one_off", currency=currency,
        occurred_on=data.period_date, amount=-data.gross, source_event_id=event.id,
        created_at=now, msisdn=data.msisdn, description=data.kind, quantity=Decimal(1),
        net=data.net, vat=data.vat, gross=data.gross)


async def record_fee(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(FeeCharged)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        await uow.ledger.lock(data.account_id)
        account = await uow.accounts.get(data.account_id)
        currency = data.currency or (account.currency if account else None)
        if currency is None:
            raise CurrencyNotKnownYet(f"fee {event.id}: the currency of {data.account_id} is not known yet")
        await _check_currency(uow, data.account_id, currency)
        await uow.ledger.add([_fee_entry(data, currency, event, uow.clock.now())])
        await announce_balance(uow, data.account_id, currency, f"fee:{data.kind}")
        await uow.commit()
