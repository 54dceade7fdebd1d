"""Posting an ingest batch's ``rating.usage.rated`` in bulk: every account of the batch in one
transaction, each step one statement for all of them (locks, currencies, invoiced periods,
carries, entries, balances), so a batch of a thousand accounts costs a handful of round trips.

The accounts' ledger locks are taken in id order, as every other multi-account posting takes
them, so two batches never wait on each other in a cycle. Each item is rounded once with its
carry (``invoicing.domain.posting``), as ``post_charges`` does for one account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tarifa.messaging.catalogue import AccountUsage, BalanceChanged, UsageRated
from tarifa.messaging.envelope import CloudEvent
from tarifa.money import Carry, round_amount

from invoicing.domain.ledger import LedgerEntry, LedgerError, ledger_currency
from invoicing.domain.posting import CarryKey, Postings
from invoicing.service.charges import exact_item, posting_audit, usage_entry
from invoicing.service.ports import UnitOfWork

__all__ = ["record_usage"]

_ZERO = Decimal(0)


@dataclass
class _Batch:
    accounts: list[AccountUsage]
    postings: dict[str, Postings]
    source: tuple[str, str]

    @property
    def ids(self) -> list[str]:
        return [a.account_id for a in self.accounts]


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
    postings = {a.account_id: Postings(a.currency, through.get(a.account_id), {}, set())
                for a in ordered}
    return _Batch(ordered, postings, source)


async def _load_carries(uow: UnitOfWork, batch: _Batch) -> None:
    keys = {(a.account_id, key) for a in batch.accounts for item in a.items
            for key in batch.postings[a.account_id].keys_for(exact_item(item))}
    for (account_id, key), carry in (await uow.usage_postings.carries(keys)).items():
        batch.postings[account_id].carries[key] = carry


def _entries(batch: _Batch, account: AccountUsage, uow: UnitOfWork) -> list[LedgerEntry]:
    postings, now = batch.postings[account.account_id], uow.clock.now()
    return [usage_entry(account.account_id, account.currency, item,
                        postings.post(exact_item(item)), batch.source, now)
            for item in account.items]


def _touched(batch: _Batch) -> dict[tuple[str, CarryKey], Carry]:
    return {(account_id, key): postings.carries[key]
            for account_id, postings in batch.postings.items() for key in postings.touched}


async def _announce(uow: UnitOfWork, batch: _Batch) -> None:
    balances = await uow.usage_postings.balances(batch.ids)
    for account in batch.accounts:
        balance = round_amount(balances.get(account.account_id, _ZERO), account.currency)
        uow.emit(BalanceChanged(account_id=account.account_id, balance=balance,
                                currency=account.currency, cause="usage"),
                 subject=account.account_id)


async def _post(uow: UnitOfWork, consumer: str, batch: _Batch) -> None:
    await _load_carries(uow, batch)
    posted = {a.account_id: _entries(batch, a, uow) for a in batch.accounts}
    await uow.usage_postings.save_carries(_touched(batch))
    await uow.usage_postings.add_entries(
        [entry for entries in posted.values() for entry in entries])
    await _announce(uow, batch)
    await uow.trail.record_all([
        posting_audit(consumer, "usage.posted", account_id, entries, batch.source)
        for account_id, entries in posted.items()])


async def record_usage(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """An ingest batch's charges, every account of it in one transaction."""
    data = event.parse(UsageRated)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        await _post(uow, consumer, await _open(uow, data.accounts, (event.id, data.batch_id)))
        await uow.commit()
