"""Reconciling payment registry files (P5): rows to accounts, each reference paid once; each
file reconciled is announced as ``payments.registry.imported`` with its counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from tarifa.messaging.catalogue import RegistryImported
from tarifa.money import InvalidAmount, parse_amount
from tarifa.sanity import InsaneInput, check_instant

from payments.domain.closure import AccountClosed, check_payable
from payments.domain.matching import RowProblem
from payments.domain.payment import AccountRef, Payment, PaymentError, PaymentStatus
from payments.domain.registry import EntryStatus, RegistryEntry, RegistryReport, RegistryRow, read_registry
from payments.service.events import succeeded
from payments.service.ports import UnitOfWork

__all__ = ["CHANNEL", "ImportRegistry", "import_registry", "row_amount"]

CHANNEL = "registry"


class _Unmatched(Exception):
    """Why a row cannot be paid into an account as it stands."""

    def __init__(self, problem: RowProblem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ImportRegistry:
    text: str
    submitted_by: str
    max_rows: int


async def import_registry(uow: UnitOfWork, command: ImportRegistry) -> RegistryReport:
    """Pay every matching row once; keep the others for manual matching; skip repeats."""
    rows = read_registry(command.text, command.max_rows)
    registry_id = str(uuid.uuid4())
    async with uow:
        entries = [await _reconcile(uow, registry_id, command.submitted_by, row) for row in rows]
        report = RegistryReport(
            id=registry_id, submitted_by=command.submitted_by, created_at=uow.clock.now(),
            rows=len(rows), matched=_count(entries, EntryStatus.MATCHED),
            duplicates=_count(entries, EntryStatus.DUPLICATE),
            unmatched=[e for e in entries if e.status is EntryStatus.UNMATCHED])
        await uow.registries.add_registry(report)
        await uow.trail.record(uow.actor, "registry.imported", "registry", registry_id,
                               after={"rows": report.rows, "matched": report.matched,
                                      "duplicates": report.duplicates,
                                      "unmatched": len(report.unmatched)})
        uow.emit(_imported(report))
        await uow.commit()
    return report


def _imported(report: RegistryReport) -> RegistryImported:
    return RegistryImported(registry_id=report.id, submitted_by=report.submitted_by,
                            rows=report.rows, matched=report.matched,
                            duplicates=report.duplicates, unmatched=len(report.unmatched),
                            imported_at=report.created_at)


def _count(entries: list[RegistryEntry], status: EntryStatus) -> int:
    return sum(1 for entry in entries if entry.status is status)


async def _reconcile(uow: UnitOfWork, registry_id: str, payer: str, row: RegistryRow) -> RegistryEntry:
    entry = RegistryEntry(registry_id=registry_id, row=row.row, reference=row.reference,
                          account_or_msisdn=row.account_or_msisdn, amount=row.amount,
                          currency=row.currency, paid_at=None, status=EntryStatus.UNMATCHED)
    account: AccountRef | None = None
    try:
        entry = _checked(entry, row)
        account = await _account(uow, row.account_or_msisdn)
        entry = _matched(entry, account)
    except _Unmatched as exc:
        entry, account = replace(entry, reason=str(exc), problem=exc.problem), None
    if not await uow.registries.claim(entry):
        return replace(entry, status=EntryStatus.DUPLICATE)
    if account is not None:
        await _pay(uow, entry, account, payer)
    return entry


def _checked(entry: RegistryEntry, row: RegistryRow) -> RegistryEntry:
    """The entry with the row's amount and time read; _Unmatched when the row is unusable."""
    if not row.reference:
        raise _Unmatched(RowProblem.NO_REFERENCE, "the row has no reference")
    return replace(entry, amount_value=_amount(row.amount, row.currency),
                   paid_at=_paid_at(row.paid_at))


def _matched(entry: RegistryEntry, account: AccountRef) -> RegistryEntry:
    if account.currency != entry.currency:
        raise _Unmatched(RowProblem.CURRENCY_MISMATCH,
                         f"account {account.account_id} is billed in {account.currency}")
    _check_payable(account, entry.amount_value)
    return replace(entry, status=EntryStatus.MATCHED, payment_id=str(uuid.uuid4()))


def _check_payable(account: AccountRef, amount: Decimal | None) -> None:
    try:
        check_payable(account, amount or Decimal(0))
    except AccountClosed as exc:
        raise _Unmatched(RowProblem.ACCOUNT_CLOSED, str(exc)) from exc


async def _account(uow: UnitOfWork, key: str) -> AccountRef:
    """The one account that ``key`` names, as an account number or as a line's phone number."""
    by_id = await uow.accounts.get(key) if key else None
    by_msisdn = await uow.accounts.by_msisdn(key) if key else None
    if by_id and by_msisdn and by_id.account_id != by_msisdn.account_id:
        raise _Unmatched(RowProblem.AMBIGUOUS, f"{key!r} is account {by_id.account_id} and a "
                                               f"phone number of account {by_msisdn.account_id}")
    account = by_id or by_msisdn
    if account is None:
        raise _Unmatched(RowProblem.UNKNOWN_ACCOUNT, f"no account or phone number {key!r}")
    return account


def row_amount(text: str, currency: str) -> Decimal:
    """A row's amount in its currency; PaymentError when it is no positive amount."""
    try:
        return _amount(text, currency)
    except _Unmatched as exc:
        raise PaymentError(str(exc)) from exc


def _amount(text: str, currency: str) -> Decimal:
    try:
        amount = parse_amount(text, currency)
    except InvalidAmount as exc:
        raise _Unmatched(RowProblem.INVALID_AMOUNT, str(exc)) from exc
    if amount <= 0:
        raise _Unmatched(RowProblem.INVALID_AMOUNT, "the amount is not positive")
    return amount


def _paid_at(text: str) -> datetime | None:
    if not text:
        return None
    try:
        paid_at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise _Unmatched(RowProblem.INVALID_PAID_AT,
                         f"paid_at {text!r} is not an RFC 3339 timestamp") from exc
    if paid_at.tzinfo is None:
        raise _Unmatched(RowProblem.INVALID_PAID_AT, f"paid_at {text!r} has no UTC offset")
    try:
        return check_instant(paid_at)
    except InsaneInput as exc:
        raise _Unmatched(RowProblem.INVALID_PAID_AT, f"paid_at {exc}") from exc


async def _pay(uow: UnitOfWork, entry: RegistryEntry, account: AccountRef, payer: str) -> None:
    assert entry.payment_id is not None and entry.amount_value is not None
    payment = Payment(
        id=entry.payment_id, account_id=account.account_id, amount=entry.amount_value,
        currency=account.currency, channel=CHANNEL, reference=entry.reference, purpose="advance",
        status=PaymentStatus.SUCCEEDED, payer=payer, created_at=uow.clock.now(),
        paid_at=entry.paid_at)
    await uow.payments.add(payment)
    await uow.trail.record(uow.actor, "payment.registered", "payment", payment.id,
                           after={"payment": payment, "registry_id": entry.registry_id,
                                  "row": entry.row})
    uow.emit(succeeded(payment), subject=payment.account_id)
