"""The ledger: every money movement of an account is one entry.

The ledger sign: a charge or a refund is negative, a payment or a credit note positive; the
balance (the sum) is positive when the account has an advance and negative when it owes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from tarifa.currencies import UnknownCurrency, check_currency
from tarifa.money import InvalidAmount, parse_amount

from invoicing.domain.account import BillingAccount

__all__ = ["VAT_ROUNDING", "EntryKind", "LedgerEntry", "LedgerError", "balance_of",
           "ledger_amount", "ledger_currency", "posted_totals", "refund_entry",
           "vat_rounding_entry"]


VAT_ROUNDING = "vat_rounding"
"""The entry type of a charge that brings the ledger to an invoice's VAT per rate."""


class LedgerError(Exception):
    """A movement the ledger refuses (e.g. in another currency than the account's)."""


class EntryKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    CREDIT = "credit"
    """A credit note: money given back, allocated like a payment."""
    REFUND = "refund"
    """Money of a payment given back to the payer: a negative amount, stated with the payments."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One movement. ``net``, ``vat`` and ``gross`` are positive; ``amount`` carries the sign."""

    id: str
    account_id: str
    kind: EntryKind
    type: str
    currency: str
    occurred_on: date
    amount: Decimal
    source_event_id: str
    created_at: datetime
    msisdn: str | None = None
    direction: str | None = None
    description: str = ""
    quantity: Decimal = Decimal(0)
    unit: str = ""
    net: Decimal = Decimal(0)
    vat: Decimal = Decimal(0)
    gross: Decimal = Decimal(0)
    channel: str = ""
    reference: str = ""
    invoice_id: str | None = None
    reverses: str | None = None
    """A refund: the payment entry whose money it gives back."""
    vat_rate: Decimal | None = None
    """A charge's VAT rate: the invoice computes its VAT per rate (``invoicing.domain.vat``)."""
    vat_included: bool = False

    @property
    def is_charge(self) -> bool:
        return self.kind is EntryKind.CHARGE


def balance_of(entries: Iterable[LedgerEntry]) -> Decimal:
    return sum((entry.amount for entry in entries), Decimal(0))


def ledger_amount(value: str | Decimal, currency: str) -> Decimal:
    """An amount an event brings to the ledger, exact in ``currency``; refused if it is not."""
    try:
        return parse_amount(value, currency)
    except InvalidAmount as exc:
        raise LedgerError(str(exc)) from exc


def ledger_currency(code: str, whose: str) -> str:
    """``code`` when the ledger can keep money in it: an ISO 4217 currency with a minor unit.

    Any other code (``ZZZ`` from an older accounts version) is refused: without the minor unit
    no amount in it can be rounded, so nothing in it may reach the ledger."""
    try:
        return check_currency(code)
    except UnknownCurrency as exc:
        raise LedgerError(f"{whose}: {exc}; the ledger keeps no money in it") from exc


def posted_totals(entries: Iterable[LedgerEntry]) -> dict[str, dict[str, Decimal | int]]:
    """What ``entries`` post, per currency: how many, their net, VAT, gross and ledger amount."""
    totals: dict[str, dict[str, Decimal | int]] = {}
    for entry in entries:
        total = totals.setdefault(entry.currency, {"entries": 0, "net": Decimal(0),
                                                   "vat": Decimal(0), "gross": Decimal(0),
                                                   "amount": Decimal(0)})
        for name in ("net", "vat", "gross", "amount"):
            total[name] += getattr(entry, name)
        total["entries"] += 1
    return totals


def vat_rounding_entry(account: BillingAccount, difference: Decimal, on: date,
                       at: datetime) -> LedgerEntry:
    """The charge that brings the ledger to an invoice's VAT per rate (negative: a credit)."""
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=account.account_id, kind=EntryKind.CHARGE,
        type=VAT_ROUNDING, currency=account.currency, occurred_on=on, amount=-difference,
        source_event_id="", created_at=at, description="VAT per rate", vat=difference,
        gross=difference)


def refund_entry(payment: LedgerEntry, refunded_before: Decimal, amount: Decimal, *,
                 entry_id: str, refund_id: str, event_id: str, at: datetime,
                 on: date) -> LedgerEntry:
    """The movement of a refund of ``amount`` from ``payment``; never more than is left of it."""
    left = payment.amount - refunded_before
    if amount <= 0:
        raise LedgerError(f"refund {refund_id} has no positive amount")
    if amount > left:
        raise LedgerError(f"refund {refund_id} of {amount} exceeds the {left} left of payment "
                          f"{payment.reference}")
    return LedgerEntry(
        id=entry_id, account_id=payment.account_id, kind=EntryKind.REFUND, type="refund",
        currency=payment.currency, occurred_on=on, amount=-amount, source_event_id=event_id,
        created_at=at, description=f"refund of {payment.reference}", channel=payment.channel,
        reference=refund_id, reverses=payment.id)
