"""Issuing many statements at once: one account's draft from what a chunk read about it.

A chunk of a billing run reads each account's replica row, the end of its previous invoice, its
stated balance, its unstated movements and what its open invoices still ask for, all in a few
set-based queries; ``draft`` turns one account's part into its invoice (numbered afterwards,
once the chunk has reserved a block of numbers) with the same figures and VAT per rate as an
invoice issued alone (``invoicing.service.billing``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from invoicing.domain.account import BillingAccount
from invoicing.domain.billing import (
    Period,
    StatementFigures,
    due_date,
    figures,
    invoice_number,
    payable,
    period_start,
)
from invoicing.domain.invoice import Invoice, InvoiceStatus
from invoicing.domain.ledger import LedgerEntry, vat_rounding_entry
from invoicing.domain.vat import rounding_difference

__all__ = ["AccountBook", "Draft", "Terms", "draft", "numbered"]


@dataclass(frozen=True, slots=True)
class AccountBook:
    """What a statement of one account needs; ``stated`` is in the ledger sign."""

    account: BillingAccount
    previous_end: date | None
    stated: Decimal
    unstated: tuple[LedgerEntry, ...]
    open_before: Decimal


@dataclass(frozen=True, slots=True)
class Terms:
    """What every statement of a run shares."""

    run_id: str
    period_end: date
    due_day: int
    now: datetime


@dataclass(frozen=True, slots=True)
class Draft:
    """An invoice waiting for its number, the movements it states and its VAT adjustment."""

    invoice: Invoice
    entry_ids: tuple[str, ...]
    adjustment: LedgerEntry | None


def _start(book: AccountBook, period_end: date) -> date | None:
    start = period_start(book.previous_end, book.account.first_connected_on)
    return start if start is not None and start <= period_end else None


def _stated(book: AccountBook, start: date) -> StatementFigures:
    charges = [entry for entry in book.unstated if entry.is_charge]
    payments = [entry for entry in book.unstated if not entry.is_charge]
    period = Period(start, book.account.currency, book.account.language)
    return figures(-book.stated, charges, payments, period)


def _adjustment(book: AccountBook, stated: StatementFigures, terms: Terms) -> LedgerEntry | None:
    charges = [entry for entry in book.unstated if entry.is_charge]
    difference = rounding_difference(charges, stated.vat_breakdown)
    if not difference:
        return None
    return vat_rounding_entry(book.account, difference, terms.period_end, terms.now)


def _invoice(book: AccountBook, start: date, stated: StatementFigures, terms: Terms) -> Invoice:
    account, to_pay = book.account, payable(stated.amount_due, book.open_before)
    return Invoice(
        id=str(uuid.uuid4()), number="", account_id=account.account_id, period_start=start,
        period_end=terms.period_end, issued_at=terms.now,
        due_date=due_date(terms.period_end, terms.due_day, postpaid=account.postpaid),
        currency=account.currency, opening_balance=stated.opening_balance, lines=stated.lines,
        total_charges=stated.total_charges, vat_total=stated.vat_total,
        total_paid=stated.total_paid, closing_balance=stated.closing_balance,
        amount_due=stated.amount_due, payable=to_pay, vat_breakdown=stated.vat_breakdown,
        status=InvoiceStatus.ISSUED if to_pay > 0 else InvoiceStatus.PAID, run_id=terms.run_id)


def draft(book: AccountBook, terms: Terms) -> Draft | None:
    """The account's statement for the period; None if it has one already or nothing to bill."""
    start = _start(book, terms.period_end)
    if start is None:
        return None
    stated = _stated(book, start)
    adjustment = _adjustment(book, stated, terms)
    ids = tuple(entry.id for entry in book.unstated)
    return Draft(_invoice(book, start, stated, terms),
                 ids + ((adjustment.id,) if adjustment else ()), adjustment)


def numbered(drafts: list[Draft], series: str, year: int, first: int) -> list[Draft]:
    """The drafts numbered in turn from ``first``: a block of the series with no gap."""
    return [replace(d, invoice=replace(d.invoice, number=invoice_number(series, year, first + i)))
            for i, d in enumerate(drafts)]
