"""Payments into the ledger: a credit entry each, allocated to the open invoices.

A batch of payments is posted in one transaction, set-based where it counts: the events claimed
in the inbox, the accounts locked (in id order, as every multi-account posting takes them, so
two batches never wait on each other in a cycle) and read, the entries added and the balances
read, one statement each; then account after account, each one's payments in the order given,
allocated as one payment is. Each account is announced once (``invoicing.balance.changed``) with
the balance the batch leaves it: a payment only raises a balance, so the balances in between,
left unannounced, hide no fall below a threshold.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tarifa.audit import Actor, AuditEntry
from tarifa.messaging.catalogue import BalanceChanged, PaymentSucceeded
from tarifa.messaging.envelope import CloudEvent
from tarifa.money import round_amount

from invoicing.domain.account import BillingAccount, local_date
from invoicing.domain.ledger import EntryKind, LedgerEntry, LedgerError, ledger_amount
from invoicing.service.allocation import settle
from invoicing.service.ports import UnitOfWork

__all__ = ["record_payment", "record_payments"]

_ZERO = Decimal(0)
Payment = tuple[CloudEvent, PaymentSucceeded]


@dataclass(frozen=True, slots=True)
class _Posted:
    event: CloudEvent
    data: PaymentSucceeded
    entry: LedgerEntry


def _check(data: PaymentSucceeded, account: BillingAccount | None) -> None:
    if account is not None and account.currency != data.currency:
        raise LedgerError(f"account {data.account_id} is kept in {account.currency}, "
                          f"not {data.currency}")
    if ledger_amount(data.amount, data.currency) <= 0:
        raise LedgerError(f"payment {data.payment_id} has no positive amount")


def _entry(data: PaymentSucceeded, account: BillingAccount | None,
           event: CloudEvent) -> LedgerEntry:
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=data.account_id, kind=EntryKind.PAYMENT,
        type="payment", currency=data.currency, occurred_on=local_date(account, event.time),
        amount=data.amount, source_event_id=event.id, created_at=event.time,
        description=data.purpose, channel=data.channel, reference=data.payment_id)


def _posted(payment: Payment, account: BillingAccount | None) -> _Posted:
    event, data = payment
    _check(data, account)
    return _Posted(event, data, _entry(data, account, event))


def _by_account(payments: Sequence[Payment]) -> dict[str, list[Payment]]:
    """The payments of each account, accounts in id order, each one's in the order given."""
    grouped: dict[str, list[Payment]] = {}
    for payment in sorted(payments, key=lambda payment: payment[1].account_id):
        grouped.setdefault(payment[1].account_id, []).append(payment)
    return grouped


async def _open(uow: UnitOfWork, payments: Sequence[Payment]) -> dict[str, list[_Posted]]:
    """Each account's payments as entries, the accounts locked in id order."""
    grouped = _by_account(payments)
    await uow.usage_postings.lock(list(grouped))
    accounts = await uow.usage_postings.accounts(list(grouped))
    return {account_id: [_posted(payment, accounts.get(account_id)) for payment in those]
            for account_id, those in grouped.items()}


async def _allocate(uow: UnitOfWork, posted: dict[str, list[_Posted]]) -> None:
    """Each payment of an account with open invoices shared over them, one after another as
    one payment is (SPEC I9); an account with none keeps its payments as an advance."""
    owing = await uow.usage_postings.with_open_invoices(list(posted))
    for account_id in filter(owing.__contains__, posted):
        for one in posted[account_id]:
            await settle(uow, account_id, one.entry.id, one.entry.amount,
                         preferred=one.data.invoice_id)


async def _announce(uow: UnitOfWork, posted: dict[str, list[_Posted]]) -> None:
    """One ``balance.changed`` per account, with the balance the batch leaves it."""
    balances = await uow.usage_postings.balances(list(posted))
    for account_id, payments in posted.items():
        currency = payments[-1].data.currency
        balance = round_amount(balances.get(account_id, _ZERO), currency)
        uow.emit(BalanceChanged(account_id=account_id, balance=balance, currency=currency,
                                cause="payment"), subject=account_id)


def _audit(consumer: str, posted: dict[str, list[_Posted]]) -> list[AuditEntry]:
    """A row per payment, in the work of its own event (not of the batch's first)."""
    return [AuditEntry(Actor.system(consumer), "payment.posted", "account", account_id,
                       after=one.entry, correlation_id=one.event.correlation_id)
            for account_id, payments in posted.items() for one in payments]


async def _post(uow: UnitOfWork, consumer: str, payments: Sequence[Payment]) -> None:
    posted = await _open(uow, payments)
    await uow.usage_postings.add_entries([one.entry for those in posted.values() for one in those])
    await _allocate(uow, posted)
    await uow.trail.record_all(_audit(consumer, posted))
    await _announce(uow, posted)


async def _claim(uow: UnitOfWork, consumer: str, payments: Sequence[Payment]) -> list[Payment]:
    """The payments never handled, each once (a redelivery is the same event), in their order.

    The ids are claimed in one order, so two claims of the same events never wait in a cycle."""
    fresh = await uow.first_times(consumer, sorted({event.id for event, _ in payments}))
    return list({event.id: (event, data) for event, data in payments if event.id in fresh}.values())


async def record_payments(uow: UnitOfWork, consumer: str, events: Sequence[CloudEvent]) -> None:
    """Payments into the ledger, every account of them in one transaction; an event handled
    before is skipped. A payment the ledger refuses (``LedgerError``) fails the whole batch: the
    consumer then takes its payments one by one (``tarifa.messaging.batches``)."""
    parsed = [(event, event.parse(PaymentSucceeded)) for event in events]
    async with uow:
        payments = await _claim(uow, consumer, parsed)
        if payments:
            await _post(uow, consumer, payments)
            await uow.commit()


async def record_payment(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """A payment into the ledger: a credit entry, allocated to the open invoices."""
    await record_payments(uow, consumer, [event])
