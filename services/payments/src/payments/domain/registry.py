"""Payment registry files: the CSV a bank or settlement system sends of payments it took (P5).

Columns: ``reference, account_or_msisdn, amount, currency, paid_at`` (header row first, any
order, extra columns ignored), separated by commas, semicolons or tabs (the header's separator
holds for the whole file). Each row is reconciled to an account by account number or phone
number; a reference pays at most once, whatever file brings it again. A row that matches no
account is kept, with its problem, until an operator assigns or rejects it
(:mod:`payments.domain.matching`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from payments.domain.payment import PaymentError

__all__ = ["COLUMNS", "SEPARATORS", "EntryStatus", "InvalidRegistry", "RegistryEntry", "RegistryReport",
           "RegistryRow", "read_registry"]

COLUMNS = ("reference", "account_or_msisdn", "amount", "currency", "paid_at")
SEPARATORS = (",", ";", "\t")


class InvalidRegistry(PaymentError):
    """A file that is not a registry: no header, missing columns, too many rows."""


class EntryStatus(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    DUPLICATE = "duplicate"
    ASSIGNED = "assigned"
    """Unmatched on import, paid into the account an operator chose."""
    RETURNED = "returned"
    """Rejected by an operator: the channel that sent it gives the money back to the payer."""
    CLOSED = "closed"
    """Rejected by an operator with nothing to pay or return (e.g. a test row, paid otherwise)."""


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One row as the file gives it, numbered from 1 after the header."""

    row: int
    reference: str
    account_or_msisdn: str
    amount: str
    currency: str
    paid_at: str


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """A row once reconciled: matched to a payment, or kept with the reason for manual matching."""

    registry_id: str
    row: int
    reference: str
    account_or_msisdn: str
    amount: str
    currency: str
    paid_at: datetime | None
    status: EntryStatus
    payment_id: str | None = None
    reason: str | None = None
    amount_value: Decimal | None = None
    problem: str | None = None
    account_id: str | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None


def read_registry(text: str, max_rows: int) -> list[RegistryRow]:
    """The rows of a registry file; refuse it whole when it is not one, naming the line."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
    except csv.Error as exc:
        raise InvalidRegistry(f"line 1: {exc}") from exc
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise InvalidRegistry(f"the registry lacks the columns {', '.join(missing)}")
    reader.fieldnames = header
    rows = _rows(reader)
    if len(rows) > max_rows:
        raise InvalidRegistry(f"a registry holds at most {max_rows} rows, this one {len(rows)}")
    return rows


def _separator(text: str) -> str:
    """The separator of the header line: the first of :data:`SEPARATORS` it holds (else a comma)."""
    header = text.split("\n", 1)[0]
    return next((sep for sep in SEPARATORS if sep in header), ",")


def _rows(reader: csv.DictReader[str]) -> list[RegistryRow]:
    rows: list[RegistryRow] = []
    line = reader.line_num + 1  # where the next row starts
    try:
        for raw in reader:
            rows.append(_row(len(rows) + 1, raw, line))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidRegistry(f"line {line}: {exc}") from exc
    return rows


_LONGEST = {"reference": 200, "account_or_msisdn": 200, "amount": 40, "currency": 8, "paid_at": 64}
"""What a field of a row may hold, in characters (as stored with the row)."""


def _row(number: int, raw: dict[str, str | None], line: int) -> RegistryRow:
    values = {column: (raw.get(column) or "").strip() for column in COLUMNS}
    for column, value in values.items():
        if len(value) > _LONGEST[column]:
            raise InvalidRegistry(f"line {line}: {column} is longer than {_LONGEST[column]} characters")
    return RegistryRow(row=number, **values)


@dataclass(frozen=True, slots=True)
class RegistryReport:
    """What became of a registry file: matched rows paid, the rest kept or skipped as repeats."""

    id: str
    submitted_by: str
    created_at: datetime
    rows: int
    matched: int
    duplicates: int
    unmatched: list[RegistryEntry]
