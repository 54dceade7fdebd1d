"""Posting ingest batches' ``rating.usage.rated`` in bulk: every account of one or more batches
in one transaction, each step one statement for all of them (locks, currencies, invoiced
periods, carries, entries, balances), so a thousand accounts cost a handful of round trips.

The accounts' ledger locks are taken in id order, as every other multi-account posting takes
them, so two postings never wait on each other in a cycle. Each item is rounded once with its
carry (``invoicing.domain.posting``), batch after batch in the order given, as ``post_charges``
does for one account. Each event is claimed in the inbox and each of its accounts audited with
its own source; each account the transaction moved is announced once
(``invoicing.balance.changed``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tarifa.messaging.catalogue import AccountUsage, BalanceChanged, UsageRated
from tarifa.messaging.envelope import CloudEvent
from tarifa.money import Carry, round_amount

from invoicing.domain.ledger import LedgerEntry, LedgerError, ledger_currency
from invoicing.domain.posting import CarryKey, ExactCharge, Postings
from invoicing.service.charges import exact_item, posting_audit, usage_entry
from invoicing.service.ports import UnitOfWork

__all__ = ["record_usage", "record_usages"]

_ZERO = Decimal(0)
Source = tuple[str, str]
"""(event id, batch id) of an ingest batch."""


@dataclass
class _Slice:
    """What one ingest batch charged one account: its items in ledger terms, then its entries."""

    usage: AccountUsage
    source: Source
    charges: list[ExactCharge]
    entries: list[LedgerEntry] = field(default_factory=list)

    @property
    def account_id(self) -> str:
        return self.usage.account_id


@dataclass
class _Batch:
    slices: list[_Slice]
    """In the order of the events, each event's accounts in its order."""
    postings: dict[str, Postings]
    """The carries of each account, in id order."""


def _check(account: AccountUsage, known: str | None) -> None:
    ledger_currency(account.currency, f"a charge of account {account.account_id}")
    if known is not None and known != account.currency:
        raise LedgerError(f"account {account.account_id} is kept in {known}, "
                          f"not {account.currency}")


def _slices(parts: Sequence[tuple[Source, UsageRated]]) -> list[_Slice]:
    return [_Slice(usage, source, [exact_item(item) for item in usage.items])
            for source, data in parts for usage in data.accounts]


async def _currencies(uow: UnitOfWork, ids: list[str], slices: list[_Slice]) -> dict[str, str]:
    """Each account's currency, as kept or as its first batch here brings it."""
    known = await uow.usage_postings.currencies(ids)
    for piece in slices:
        _check(piece.usage, known.get(piece.account_id))
        known[piece.account_id] = known.get(piece.account_id) or piece.usage.currency
    return {account_id: currency for account_id, currency in known.items() if currency}


async def _open(uow: UnitOfWork, parts: Sequence[tuple[Source, UsageRated]]) -> _Batch:
    slices = _slices(parts)
    ids = sorted({piece.account_id for piece in slices})
    await uow.usage_postings.lock(ids)
    currencies = await _currencies(uow, ids, slices)
    through = await uow.usage_postings.invoiced_through(ids)
    return _Batch(slices, {account_id: Postings(currencies[account_id], through.get(account_id),
                                                {}, set()) for account_id in ids})


async def _load_carries(uow: UnitOfWork, batch: _Batch) -> None:
    keys = {(piece.account_id, key) for piece in batch.slices for charge in piece.charges
            for key in batch.postings[piece.account_id].keys_for(charge)}
    for (account_id, key), carry in (await uow.usage_postings.carries(keys)).items():
        batch.postings[account_id].carries[key] = carry


def _entry_ids(count: int) -> Iterator[str]:
    """``count`` random (version 4) UUIDs from one read of the system's randomness."""
    raw = os.urandom(16 * count)
    return (str(uuid.UUID(bytes=raw[i:i + 16], version=4)) for i in range(0, 16 * count, 16))


def _post_slice(piece: _Slice, postings: Postings, ids: Iterator[str], uow: UnitOfWork) -> None:
    usage, now = piece.usage, uow.clock.now()
    piece.entries = [
        usage_entry(usage.account_id, usage.currency, item, charge, postings.post(charge),
                    piece.source, now, next(ids))
        for item, charge in zip(usage.items, piece.charges, strict=True)]


def _touched(batch: _Batch) -> dict[tuple[str, CarryKey], Carry]:
    return {(account_id, key): postings.carries[key]
            for account_id, postings in batch.postings.items() for key in postings.touched}


async def _announce(uow: UnitOfWork, batch: _Batch) -> None:
    """One ``balance.changed`` per account the batch moved, built as JSON values at once."""
    moved = sorted({piece.account_id for piece in batch.slices
                    if any(entry.amount for entry in piece.entries)})
    balances = await uow.usage_postings.balances(moved)
    for account_id in moved:
        currency = batch.postings[account_id].currency
        balance = round_amount(balances.get(account_id, _ZERO), currency)
        uow.emit({"account_id": account_id, "balance": str(balance), "currency": currency,
                  "cause": "usage"}, subject=account_id, routing_key=BalanceChanged.routing_key)


async def _post(uow: UnitOfWork, consumer: str, batch: _Batch) -> None:
    await _load_carries(uow, batch)
    ids = _entry_ids(sum(len(piece.charges) for piece in batch.slices))
    for piece in batch.slices:
        _post_slice(piece, batch.postings[piece.account_id], ids, uow)
    await uow.usage_postings.save_carries(_touched(batch))
    await uow.usage_postings.add_entries([e for piece in batch.slices for e in piece.entries])
    await _announce(uow, batch)
    await uow.trail.record_all([
        posting_audit(consumer, "usage.posted", piece.account_id, piece.entries, piece.source)
        for piece in batch.slices])


async def record_usages(uow: UnitOfWork, consumer: str, events: Sequence[CloudEvent]) -> None:
    """Ingest batches' charges, every account of all of them in one transaction; an event
    handled before is skipped."""
    parsed = [(event, event.parse(UsageRated)) for event in events]
    async with uow:
        parts = [((event.id, data.batch_id), data) for event, data in parsed
                 if await uow.first_time(consumer, event.id)]
        if parts:
            await _post(uow, consumer, await _open(uow, parts))
            await uow.commit()


async def record_usage(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """An ingest batch's charges, every account of it in one transaction."""
    await record_usages(uow, consumer, [event])
