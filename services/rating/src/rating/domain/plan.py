"""Tariff plans: versioned terms with allowances and prices per type, direction and zone.

Units: a record's quantity is seconds (voice), messages (sms, mms) or bytes (data). A price is
per ``unit``: voice per ``minute`` (default) or ``second``; sms and mms per ``message``; data per
``MiB`` (default), ``KiB`` or ``GiB``. Allowance quantities are in the record's units.

A record matches the most specific price (and allowance) by type, direction and zone, where
``*`` matches any direction or zone; a zone given in full outweighs a direction given in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

__all__ = [
    "ANY", "DIRECTIONS", "UNITS", "USAGE_TYPES", "Allowance", "PlanError", "PlanVersion", "Price",
    "Tariffed", "default_unit", "most_specific",
]

ANY = "*"
USAGE_TYPES = ("voice", "sms", "mms", "data")
DIRECTIONS = ("out", "in")
UNITS: dict[str, dict[str, int]] = {
    "voice": {"minute": 60, "second": 1},
    "sms": {"message": 1},
    "mms": {"message": 1},
    "data": {"MiB": 1024 ** 2, "KiB": 1024, "GiB": 1024 ** 3},
}


class PlanError(ValueError):
    """Plan terms the rules refuse; ``field`` names the offending part."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def default_unit(usage_type: str) -> str:
    return next(iter(UNITS[usage_type]))


class Tariffed(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def zone(self) -> str: ...


T = TypeVar("T", bound=Tariffed)


def _specificity(entry: Tariffed) -> int:
    return 2 * (entry.zone != ANY) + (entry.direction != ANY)


def most_specific(entries: Sequence[T], usage_type: str, direction: str, zone: str) -> T | None:
    """The entry for ``usage_type`` matching ``direction`` and ``zone`` most specifically."""
    matching = [e for e in entries if e.type == usage_type and e.direction in (ANY, direction)
                and e.zone in (ANY, zone)]
    return max(matching, key=_specificity, default=None)


@dataclass(frozen=True, slots=True)
class Price:
    type: str
    direction: str
    zone: str
    unit_price: Decimal
    first_increment: int = 1
    next_increment: int = 1
    unit: str = ""

    @property
    def unit_size(self) -> int:
        """How many record units (seconds, messages, bytes) one priced unit holds."""
        return UNITS[self.type][self.unit or default_unit(self.type)]


@dataclass(frozen=True, slots=True)
class Allowance:
    type: str
    direction: str
    zone: str
    quantity: int

    @property
    def key(self) -> str:
        return f"{self.type}/{self.direction}/{self.zone}"


@dataclass(frozen=True, slots=True)
class PlanVersion:
    code: str
    version: int
    name: str
    payment_mode: str
    currency: str
    monthly_fee: Decimal
    vat_rate: Decimal
    prices_include_vat: bool
    effective_from: date
    allowances: tuple[Allowance, ...]
    prices: tuple[Price, ...]

    def __post_init__(self) -> None:
        _check_entries("prices", self.prices)
        _check_entries("allowances", self.allowances)
        for index, price in enumerate(self.prices):
            if price.unit and price.unit not in UNITS[price.type]:
                raise PlanError(f"prices.{index}.unit",
                                f"{price.type} is priced per one of {sorted(UNITS[price.type])}")

    def terms(self) -> dict[str, Any]:
        """What a version says, without its code and number: equal terms make no new version."""
        terms = asdict(self)
        del terms["code"], terms["version"]
        return terms

    def price_for(self, usage_type: str, direction: str, zone: str) -> Price | None:
        return most_specific(self.prices, usage_type, direction, zone)

    def allowance_for(self, usage_type: str, direction: str, zone: str) -> Allowance | None:
        return most_specific(self.allowances, usage_type, direction, zone)


def _check_entries(field: str, entries: Sequence[Tariffed]) -> None:
    seen: set[tuple[str, str, str]] = set()
    for index, entry in enumerate(entries):
        key = (entry.type, entry.direction, entry.zone)
        if entry.type not in USAGE_TYPES:
            raise PlanError(f"{field}.{index}.type", f"must be one of {list(USAGE_TYPES)}")
        if key in seen:
            raise PlanError(f"{field}.{index}", f"{'/'.join(key)} appears twice")
        seen.add(key)
