"""What a batch charged each account, aggregated to keep the ``rating.usage.rated`` event small.

Items are aggregated per msisdn, type, direction, zone, usage date, lateness and VAT terms;
quantities are the billed quantities in the record's units (``second``, ``message``, ``byte``).
Every amount is the sum of the records' exact (unrounded) amounts, so the totals equal the sum of
the rated records exactly; invoicing rounds them when it posts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rating.domain.rating import RatedRecord

__all__ = ["RECORD_UNITS", "AccountCharges", "ChargedItem", "summarise"]

RECORD_UNITS = {"voice": "second", "sms": "message", "mms": "message", "data": "byte"}
_ZERO = Decimal(0)
ItemKey = tuple[str, str, str, str, date, bool, Decimal, bool]


@dataclass(slots=True)
class ChargedItem:
    msisdn: str
    type: str
    direction: str
    zone: str
    usage_date: date
    late: bool
    vat_rate: Decimal
    prices_include_vat: bool
    unit: str
    quantity: int = 0
    net: Decimal = _ZERO
    vat: Decimal = _ZERO
    gross: Decimal = _ZERO

    def add(self, rated: RatedRecord) -> None:
        charged = rated.charge
        self.quantity += charged.billed
        self.net += charged.net
        self.vat += charged.vat
        self.gross += charged.gross


@dataclass
class AccountCharges:
    account_id: str
    currency: str
    items: dict[ItemKey, ChargedItem] = field(default_factory=dict)
    net: Decimal = _ZERO
    vat: Decimal = _ZERO
    gross: Decimal = _ZERO
    """Running totals of the items, kept as records are added."""

    def add(self, rated: RatedRecord) -> None:
        record, plan = rated.record, rated.plan
        key = (record.msisdn, record.type, record.direction, record.rated_zone, rated.usage_date,
               rated.late, plan.vat_rate, plan.prices_include_vat)
        item = self.items.get(key)
        if item is None:
            item = self.items[key] = ChargedItem(*key, unit=RECORD_UNITS[record.type])
        item.add(rated)
        charged = rated.charge
        self.net += charged.net
        self.vat += charged.vat
        self.gross += charged.gross

    def total(self, name: str) -> Decimal:
        total: Decimal = getattr(self, name)
        return total


def summarise(rated: Sequence[RatedRecord]) -> list[AccountCharges]:
    """One ``AccountCharges`` per account of the batch, in first-seen order."""
    accounts: dict[str, AccountCharges] = {}
    for record in rated:
        charges = accounts.setdefault(record.account_id,
                                      AccountCharges(record.account_id, record.plan.currency))
        charges.add(record)
    return list(accounts.values())
