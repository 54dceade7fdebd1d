"""Reconciling payment registry files (P5): rows to accounts, each reference paid once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from tarifa.money import InvalidAmount, parse_amount
from tarifa.sanity import InsaneInput, check_instant

from payments.domain.payment import AccountRef, Payment, PaymentStatus
from payments.domain.registry import EntryStatus, RegistryEntry, RegistryReport, RegistryRow, read_registry
from payments.service.events import succeeded
from payments.service.ports import UnitOfWork

__all__ = ["CHANNEL", "ImportRegistry", "import_registry"]

CHANNEL = "registry"


class _Unmatched(Exception):
    """Why a row cannot be paid into an account as it stands."""


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
        await uow.commit()
    return report


def _count(entries: list[RegistryEntry], status: EntryStatus) -> int:
    return sum(1 for entry in entries if entry.status is status)


async def _reconcile(uow: UnitOfWork, registry_id: str, payer: str, row: RegistryRow) -> RegistryEntry:
    entry = RegistryEntry(registry_id=registry_id, row=row.row, reference=row.reference,
                          account_or_msisdn=row.account_or_msisdn, amount=row.amount,
                          currency=row.currency, paid_at=None, status=EntryStatus.UNMATCHED)
    try:
        entry, account = await _match(uow, entry, row)
    except _Unmatched as exc:
        entry, account = replace(entry, reason=str(exc)), None
    if not await uow.registries.claim(entry):
        return replace(entry, status=EntryStatus.DUPLICATE)
    if account is not None:
        await _pay(uow, entry, account, payer)
    return entry


async def _match(uow: UnitOfWork, entry: RegistryEntry,
                 row: RegistryRow) -> tuple[RegistryEntry, AccountRef]:
    if not row.reference:
        raise _Unmatched("the row has no reference")
    amount, paid_at = _amount(row), _paid_at(row)
    key = row.account_or_msisdn
    account = (await uow.accounts.get(key) or await uow.accounts.by_msisdn(key)) if key else None
    if account is None:
        raise _Unmatched(f"no account or phone number {key!r}")
    if account.currency != row.currency:
        raise _Unmatched(f"account {account.account_id} is billed in {account.currency}")
    return replace(entry, status=EntryStatus.MATCHED, payment_id=str(uuid.uuid4()),
                   amount_value=amount, paid_at=paid_at), account


def _amount(row: RegistryRow) -> Decimal:
    try:
        amount = parse_amount(row.amount, row.currency)
    except InvalidAmount as exc:
        raise _Unmatched(str(exc)) from exc
    if amount <= 0:
        raise _Unmatched("the amount is not positive")
    return amount


def _paid_at(row: RegistryRow) -> datetime | None:
    if not row.paid_at:
        return None
    try:
        paid_at = datetime.fromisoformat(row.paid_at)
    except ValueError as exc:
        raise _Unmatched(f"paid_at {row.paid_at!r} is not an RFC 3339 timestamp") from exc
    if paid_at.tzinfo is None:
        raise _Unmatched(f"paid_at {row.paid_at!r} has no UTC offset")
    try:
        return check_instant(paid_at)
    except InsaneInput as exc:
        raise _Unmatched(f"paid_at {exc}") from exc


async def _pay(uow: UnitOfWork, entry: RegistryEntry, account: AccountRef, payer: str) -> None:
    assert entry.payment_id is not None and entry.amount_value is not None
    payment = Payment(
        id=entry.payment_id, account_id=account.account_id, amount=entry.amount_value,
        currency=account.currency, channel=CHANNEL, reference=entry.reference, purpose="advance",
        status=PaymentStatus.SUCCEEDED, payer=payer, created_at=uow.clock.now())
    await uow.payments.add(payment)
    await uow.trail.record(uow.actor, "payment.registered", "payment", payment.id,
                           after={"payment": payment, "registry_id": entry.registry_id,
                                  "row": entry.row})
    uow.emit(succeeded(payment), subject=payment.account_id)
