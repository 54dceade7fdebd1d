"""The statement of account behind an invoice (SPEC I2), as documents render it.

On a statement, balances are what the subscriber owes: a positive opening or closing balance
is a debt, a negative one an advance. (The ledger balance is the opposite sign: positive is
credit.) The identity ``closing_balance == opening_balance + total_charges - total_paid`` holds
exactly, to the minor unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from invoicing.domain.usage_record import UsageRecord
from invoicing.domain.vat import VatAmount

__all__ = ["Operator", "Statement", "StatementLine", "StatementPayment"]


@dataclass(frozen=True, slots=True)
class Operator:
    """Who issues the documents (from settings)."""

    name: str
    address: str
    fiscal_code: str
    bank_account: str


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One service of one line: usage by type, a recurring fee, a one-off fee."""

    msisdn: str
    type: str
    description: str
    quantity: Decimal
    unit: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    late: bool = False
    """Usage of a period invoiced already, billed on this invoice (SPEC R7)."""
    usage_date: date | None = None
    """The real date of a late line's usage."""
    record: UsageRecord | None = None
    """On a detailed bill, the one rated record this row is ."""


@dataclass(frozen=True, slots=True)
class StatementPayment:
    received_at: datetime
    channel: str
    reference: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    invoice_id: str
    number: str
    account_id: str
    customer_name: str
    customer_address: str
    language: str
    currency: str
    period_start: date
    period_end: date
    issued_at: datetime
    due_date: date | None
    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    payments: tuple[StatementPayment, ...]
    total_charges: Decimal
    vat_total: Decimal
    total_paid: Decimal
    closing_balance: Decimal
    amount_due: Decimal
    delivery_medium: str = "ebill"
    delivery_address: str = ""
    kind: str = "invoice"
    """What the document is: ``invoice``, ``credit_note`` or ``detailed_bill`` (its title)."""
    vat_breakdown: tuple[VatAmount, ...] = ()
    """The VAT of each rate: its taxable net, VAT and gross."""

    def identity_holds(self) -> bool:
        return self.closing_balance == self.opening_balance + self.total_charges - self.total_paid
