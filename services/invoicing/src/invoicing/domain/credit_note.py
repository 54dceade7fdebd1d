"""Credit notes: the correction of an issued invoice, which itself never changes (SPEC I3).

A credit note gives back part or all of an invoice's charges; all the credit notes of one invoice
together never exceed its total charges. The VAT of a credit note is the invoice's share of VAT
in its charges, applied to the credited amount. Its document states the credit as negative
charges, the way a paper credit note does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from tarifa.money import round_amount

from invoicing.domain.statement import Statement, StatementLine

__all__ = ["CREDIT_NOTE", "CreditError", "CreditNote", "check_credit", "credit_statement",
           "credit_vat", "fully_credited"]

CREDIT_NOTE = "credit_note"
_ZERO = Decimal(0)


class CreditError(Exception):
    """A credit the rules refuse."""


@dataclass(frozen=True, slots=True)
class CreditNote:
    id: str
    number: str
    invoice_id: str
    account_id: str
    amount: Decimal
    vat: Decimal
    currency: str
    reason: str
    issued_at: datetime


def check_credit(amount: Decimal, total_charges: Decimal, credited: Decimal) -> None:
    """Positive, and at most what the earlier credit notes left of the invoice's charges."""
    if amount <= 0:
        raise CreditError("the amount of a credit note must be positive")
    left = max(total_charges - credited, _ZERO)
    if amount > left:
        raise CreditError(f"at most {left} of this invoice can still be credited")


def fully_credited(total_charges: Decimal, credited: Decimal) -> bool:
    return credited >= total_charges


def credit_vat(amount: Decimal, total_charges: Decimal, vat_total: Decimal,
               currency: str) -> Decimal:
    """The VAT part of ``amount``, in the invoice's proportion of VAT to charges."""
    if total_charges <= 0:
        return _ZERO
    return round_amount(amount * vat_total / total_charges, currency)


def credit_statement(note: CreditNote, invoice: Statement) -> Statement:
    """The document of ``note``: the credited invoice's customer, the credit as negative charges."""
    line = StatementLine(msisdn="", type=CREDIT_NOTE,
                         description=f"{invoice.number}: {note.reason}", quantity=Decimal(1),
                         unit="", net=note.vat - note.amount, vat=-note.vat, gross=-note.amount)
    return replace(invoice, kind=CREDIT_NOTE, invoice_id=note.id, number=note.number,
                   issued_at=note.issued_at, due_date=None, opening_balance=_ZERO, lines=(line,),
                   payments=(), total_charges=-note.amount, vat_total=-note.vat,
                   total_paid=_ZERO, closing_balance=-note.amount, amount_due=_ZERO)
