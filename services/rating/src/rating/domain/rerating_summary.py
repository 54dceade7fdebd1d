"""What a re-rating run changed for each account, aggregated like ``rating.usage.rated`` items.

An item holds the old and new exact amounts of its changed records; its difference (new − old)
is what the ledger posts. Quantities are the change of the billed quantities, so an invoice's
quantities stay those of the records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rating.domain.rerating import Rerated
from rating.domain.summary import RECORD_UNITS

__all__ = ["AccountDifference", "DifferenceItem", "differences"]

_ZERO = Decimal(0)
DifferenceKey = tuple[str, str, str, str, date, bool, Decimal, bool]


@dataclass(slots=True)
class DifferenceItem:
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
    old_net: Decimal = _ZERO
    new_net: Decimal = _ZERO
    old_vat: Decimal = _ZERO
    new_vat: Decimal = _ZERO
    old_gross: Decimal = _ZERO
    new_gross: Decimal = _ZERO

    def add(self, changed: Rerated) -> None:
        old, new = changed.old, changed.charge
        self.quantity += new.billed - old.billed_quantity
        self.old_net += old.net
        self.new_net += new.net
        self.old_vat += old.vat
        self.new_vat += new.vat
        self.old_gross += old.gross
        self.new_gross += new.gross

    def difference(self, name: str) -> Decimal:
        new: Decimal = getattr(self, f"new_{name}")
        old: Decimal = getattr(self, f"old_{name}")
        return new - old


@dataclass
class AccountDifference:
    account_id: str
    currency: str
    items: dict[DifferenceKey, DifferenceItem] = field(default_factory=dict)

    def add(self, changed: Rerated) -> None:
        record, plan = changed.old.record, changed.new.plan
        key = (record.msisdn, record.type, record.direction, record.rated_zone,
               changed.old.usage_date, changed.old.late, plan.vat_rate, plan.prices_include_vat)
        item = self.items.get(key)
        if item is None:
            item = self.items[key] = DifferenceItem(*key, unit=RECORD_UNITS[record.type])
        item.add(changed)

    def total(self, name: str) -> Decimal:
        return sum((item.difference(name) for item in self.items.values()), _ZERO)

    @property
    def moves_money(self) -> bool:
        return any(item.difference("gross") or item.difference("net")
                   for item in self.items.values())


def differences(changed: Sequence[Rerated]) -> list[AccountDifference]:
    """One ``AccountDifference`` per account with changed records, in first-seen order."""
    accounts: dict[str, AccountDifference] = {}
    for each in changed:
        account = accounts.setdefault(each.old.account_id, AccountDifference(
            each.old.account_id, each.new.plan.currency))
        account.add(each)
    return list(accounts.values())
