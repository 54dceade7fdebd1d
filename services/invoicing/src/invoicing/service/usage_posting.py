"""Posting an ingest batch's ``rating.usage.rated`` in bulk: every account of the batch in one
transaction, each step one statement for all of them (locks, currencies, invoiced periods,
carries, entries, balances), so a batch of a thousand accounts costs a handful of round trips.

The accounts' ledger locks are taken in id order, as every other multi-account posting takes
them, so two batches never wait on each other in a cycle. Each item is rounded once with its
carry (``invoicing.domain.posting``), as ``post_charges`` does for one account. Each account
whose balance the batch moved is announced once (``invoicing.balance.changed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tarifa.messaging.catalogue import AccountUsage, BalanceChanged, UsageRated
from tarifa.messaging.envelope import CloudEvent
from tarifa.money import Carry, round_amount

from invoicing.domain.ledger import LedgerEntry, LedgerError, ledger_currency
from invoicing.domain.posting import CarryKey, ExactCharge, Postings
from invoicing.service.charges import exact_item, posting_audit, usage_entry
from invoicing.service.ports import UnitOfWork

__all__ = ["record_usage"]

_ZERO = Decimal(0)


@dataclass
class _Account:
    """One account of the batch: its usage, its items in ledger terms, its carries."""

    usage: AccountUsage
    charges: list[ExactCharge]
    postings: Postings
    entries: list[LedgerEntry]

    @property
    def id(self) -> str:
        return self.usage.account_id


@dataclass
class _Batch:
    accounts: list[_Account]
    source: tuple[str, str]

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.accounts]


def _check(account: AccountUsage, known: str | None) -> None:
    ledger_currency(account.currency, f"a charge of account {account.account_id}")
    if known is not None and known != account.currency:
        raise LedgerError(f"account {account.account_id} is kept in {known}, "
                          f"not {account.currency}")


async def _open(uow: UnitOfWork, accounts: Sequence[AccountUsage],
                source: tuple[str, str]) -> _Batch:
    ordered = sorted(accounts, key=lambda a: a.account_id)
    ids = [a.account_id for a in ordered]
    await uow.usage_postings.lock(ids)
    known = await uow.usage_postings.currencies(ids)
    for account in ordered:
        _check(account, known.get(account.account_id))
    through = await uow.usage_postings.invoiced_through(ids)
    return _Batch([_Account(a, [exact_item(item) for item in a.items],
                            Postings(a.currency, through.get(a.account_id), {}, set()), [])
                   for a in ordered], source)


async def _load_carries(uow: UnitOfWork, batch: _Batch) -> None:
    keys = {(a.id, key) for a in batch.accounts for charge in a.charges
            for key in a.postings.keys_for(charge)}
    postings = {a.id: a.postings for a in batch.accounts}
    for (account_id, key), carry in (await uow.usage_postings.carries(keys)).items():
        postings[account_id].carries[key] = carry


def _post_account(batch: _Batch, account: _Account, uow: UnitOfWork) -> None:
    usage, now = account.usage, uow.clock.now()
    account.entries = [
        usage_entry(usage.account_id, usage.currency, item, charge, account.postings.post(charge),
                    batch.source, now)
        for item, charge in zip(usage.items, account.charges, strict=True)]


def _touched(batch: _Batch) -> dict[tuple[str, CarryKey], Carry]:
    return {(a.id, key): a.postings.carries[key]
            for a in batch.accounts for key in a.postings.touched}


def _moved(account: _Account) -> bool:
    return any(entry.amount for entry in account.entries)


async def _announce(uow: UnitOfWork, batch: _Batch) -> None:
    """One ``balance.changed`` per account the batch moved, built as JSON values at once."""
    moved = [a for a in batch.accounts if _moved(a)]
    balances = await uow.usage_postings.balances([a.id for a in moved])
    for account in moved:
        currency = account.usage.currency
        balance = round_amount(balances.get(account.id, _ZERO), currency)
        uow.emit({"account_id": account.id, "balance": str(balance), "currency": currency,
                  "cause": "usage"}, subject=account.id, routing_key=BalanceChanged.routing_key)


async def _post(uow: UnitOfWork, consumer: str, batch: _Batch) -> None:
    await _load_carries(uow, batch)
    for account in batch.accounts:
        _post_account(batch, account, uow)
    await uow.usage_postings.save_carries(_touched(batch))
    await uow.usage_postings.add_entries([e for a in batch.accounts for e in a.entries])
    await _announce(uow, batch)
    await uow.trail.record_all([
        posting_audit(consumer, "usage.posted", a.id, a.entries, batch.source)
        for a in batch.accounts])


async def record_usage(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """An ingest batch's charges, every account of it in one transaction."""
    data = event.parse(UsageRated)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        await _post(uow, consumer, await _open(uow, data.accounts, (event.id, data.batch_id)))
        await uow.commit()
