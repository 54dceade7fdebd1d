"""Detailed bills: requested over HTTP or by a monthly subscription, made in the background
(SPEC I7).

A request is checked against the policy window and recorded; the document is made afterwards
from rating's records (one row per record; the ledger's rated items when no rating is wired), and
in the transaction that stores it the fee is charged to the ledger (none when the policy offers
the records free) and ``invoicing.detailed_bill.ready`` is announced, or
``invoicing.monthly_detailed_bill.ready`` for a subscription's month, which notifications mails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from tarifa.messaging.catalogue import DetailedBillReady, MonthlyDetailedBillReady
from tarifa.money import round_amount

from invoicing.domain.account import BillingAccount, local_date
from invoicing.domain.detailed_bill import (
    DETAILED_BILL,
    DetailedBill,
    DetailedBillError,
    DetailedBillStatus,
    check_interval,
    detailed_statement,
    records_statement,
)
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.domain.posting import ExactCharge
from invoicing.domain.statement import Statement
from invoicing.service.balance import announce_balance
from invoicing.service.ports import DocumentRenderer, RatedUsage, UnitOfWork
from invoicing.service.posting import post_charges

__all__ = ["AccountNotFound", "DetailedBillPolicy", "RequestDetailedBill", "make_detailed_bills",
           "request_detailed_bill"]


class AccountNotFound(Exception):
    """No account with that id."""


@dataclass(frozen=True, slots=True)
class DetailedBillPolicy:
    window_months: int = 3
    fees: Mapping[str, Decimal] = field(default_factory=lambda: {"MDL": Decimal("50.00")})
    vat_rate: Decimal = Decimal("0.20")
    free_online: bool = False
    """Records viewed on request cost nothing (seed 000); the monthly email is still charged."""
    monthly_fees: Mapping[str, Decimal] = field(
        default_factory=lambda: {"MDL": Decimal("50.00")})
    """The monthly fee of the detailed bill by email, per currency, VAT included."""


@dataclass(frozen=True, slots=True)
class RequestDetailedBill:
    account_id: str
    from_date: date
    to_date: date
    direction: str


def _fee(policy: DetailedBillPolicy, currency: str) -> Decimal:
    if policy.free_online:
        return round_amount(Decimal(0), currency)
    fee = policy.fees.get(currency)
    if fee is None:
        raise DetailedBillError(f"no detailed bill fee is set for {currency} accounts")
    return fee


async def request_detailed_bill(uow: UnitOfWork, policy: DetailedBillPolicy,
                                command: RequestDetailedBill) -> DetailedBill:
    """Record a request within ``uow`` (the caller commits), once the rules accept it."""
    account = await uow.accounts.get(command.account_id)
    if account is None:
        raise AccountNotFound(f"account {command.account_id} not found")
    now = uow.clock.now()
    check_interval(command.from_date, command.to_date, local_date(account, now),
                   policy.window_months)
    bill = DetailedBill(
        id=str(uuid.uuid4()), account_id=account.account_id, from_date=command.from_date,
        to_date=command.to_date, direction=command.direction, status=DetailedBillStatus.PENDING,
        fee=_fee(policy, account.currency), currency=account.currency, requested_at=now)
    await uow.detailed_bills.add(bill)
    await uow.trail.record(uow.actor, "detailed_bill.requested", "detailed_bill", bill.id,
                           after=bill)
    return bill


async def _fee_entry(uow: UnitOfWork, bill: DetailedBill, account: BillingAccount,
                     vat_rate: Decimal, now: datetime) -> LedgerEntry:
    """The fee of a detailed bill, VAT included, posted with its VAT carry like any charge."""
    day = local_date(account, now)
    charge = ExactCharge("", DETAILED_BILL, day, bill.fee, bill.fee, vat_rate, True)
    posted, = await post_charges(uow, bill.account_id, bill.currency, [charge])
    net, vat, gross = posted.net, posted.vat, posted.gross
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=bill.account_id, kind=EntryKind.CHARGE,
        type=DETAILED_BILL, currency=bill.currency, occurred_on=day, vat_rate=vat_rate,
        vat_included=True,
        amount=-gross, source_event_id=bill.id, created_at=now,
        description=f"{bill.from_date.isoformat()}/{bill.to_date.isoformat()} {bill.direction}",
        quantity=Decimal(1), net=net, vat=vat, gross=gross, reference=bill.id)


Prepared = tuple[DetailedBill, BillingAccount, Statement]


async def _prepare(uow: UnitOfWork, bill: DetailedBill) -> Prepared | None:
    account = await uow.accounts.get(bill.account_id)
    if account is None:
        return None
    items = await uow.ledger.usage(bill.account_id, bill.from_date, bill.to_date, bill.direction)
    return bill, account, detailed_statement(bill, account, items, uow.clock.now())


async def _from_records(prepared: Prepared, rated: RatedUsage) -> Prepared:
    """The same bill, its rows rating's records (read outside any transaction)."""
    bill, account, statement = prepared
    records = await rated.records(bill.account_id, bill.from_date, bill.to_date, bill.direction)
    return bill, account, records_statement(bill, account, records, statement.issued_at)


async def _pending(new_uow: Callable[[], UnitOfWork], batch: int,
                   rated: RatedUsage | None) -> list[Prepared]:
    async with new_uow() as uow:
        bills = await uow.detailed_bills.pending(batch)
        prepared = [found for bill in bills if (found := await _prepare(uow, bill)) is not None]
    if rated is None:
        return prepared
    return [await _from_records(found, rated) for found in prepared]


def _announce(uow: UnitOfWork, bill: DetailedBill) -> None:
    if bill.month is None:
        uow.emit(DetailedBillReady(account_id=bill.account_id, document_id=bill.id),
                 subject=bill.account_id)
        return
    uow.emit(MonthlyDetailedBillReady(account_id=bill.account_id, document_id=bill.id,
                                      month=bill.month, from_date=bill.from_date,
                                      to_date=bill.to_date), subject=bill.account_id)


async def _charge(uow: UnitOfWork, bill: DetailedBill, account: BillingAccount,
                  vat_rate: Decimal, now: datetime) -> None:
    if bill.fee == 0:
        return
    await uow.ledger.add([await _fee_entry(uow, bill, account, vat_rate, now)])
    await announce_balance(uow, bill.account_id, bill.currency, DETAILED_BILL)


async def _deliver(uow: UnitOfWork, prepared: Prepared, content: bytes, vat_rate: Decimal) -> None:
    bill, account, statement = prepared
    async with uow:
        await uow.ledger.lock(bill.account_id)
        now = uow.clock.now()
        if not await uow.detailed_bills.mark_ready(bill.id, len(statement.lines), now):
            return
        await uow.documents.add(bill.id, DETAILED_BILL, content, now)
        await uow.detailed_bills.store_rows(bill.id, statement.lines)
        await _charge(uow, bill, account, vat_rate, now)
        _announce(uow, bill)
        await uow.commit()


async def make_detailed_bills(new_uow: Callable[[], UnitOfWork], renderer: DocumentRenderer,
                              policy: DetailedBillPolicy, batch: int = 100,
                              rated: RatedUsage | None = None) -> int:
    """Make every requested detailed bill still pending; charge its fee; announce it."""
    made = 0
    while pending := await _pending(new_uow, batch, rated):
        contents = await renderer.render([statement for _, _, statement in pending])
        for prepared, content in zip(pending, contents, strict=True):
            await _deliver(new_uow(), prepared, content, policy.vat_rate)
        made += len(pending)
    return made
