"""Exact money: ``Decimal`` amounts in ISO 4217 currencies.

The one rounding rule of the suite: an amount is rounded to the minor unit of its currency,
half away from zero (``ROUND_HALF_UP``), once, where a charge, a tax or a share is computed.
Sums of rounded amounts are exact and are never rounded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "ROUNDING",
    "InvalidAmount",
    "Money",
    "minor_units",
    "parse_amount",
    "round_amount",
    "split_vat",
]

ROUNDING = ROUND_HALF_UP

# Currencies whose minor unit is not two digits; every other ISO 4217 code has two.
_NOT_TWO = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3,
            "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3}


class InvalidAmount(ValueError):
    """A text or number that is not a valid amount in its currency."""


def minor_units(currency: str) -> int:
    """The number of decimal digits of the currency's minor unit."""
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise InvalidAmount(f"{currency!r} is not an ISO 4217 currency code")
    return _NOT_TWO.get(currency, 2)


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_amount(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the currency's minor unit with the suite's one rule."""
    return amount.quantize(_quantum(currency), rounding=ROUNDING)


def parse_amount(text: str | Decimal, currency: str, *, allow_negative: bool = False) -> Decimal:
    """Read an amount given as a decimal string; refuse floats' cousins: NaN, exponents, excess digits."""
    try:
        value = text if isinstance(text, Decimal) else Decimal(str(text).strip())
    except InvalidOperation as exc:
        raise InvalidAmount(f"{text!r} is not a decimal amount") from exc
    if not value.is_finite():
        raise InvalidAmount(f"{text!r} is not a finite amount")
    if value != round_amount(value, currency):
        raise InvalidAmount(f"{text!r} has more decimals than {currency} allows")
    if value < 0 and not allow_negative:
        raise InvalidAmount(f"{text!r} is negative")
    return round_amount(value, currency)


def split_vat(amount: Decimal, rate: Decimal, currency: str, *, includes_vat: bool) -> tuple[
    Decimal, Decimal, Decimal
]:
    """Return ``(net, vat, gross)``, each rounded, with ``net + vat == gross`` exactly."""
    if includes_vat:
        gross = round_amount(amount, currency)
        net = round_amount(gross / (1 + rate), currency)
        return net, gross - net, gross
    net = round_amount(amount, currency)
    vat = round_amount(net * rate, currency)
    return net, vat, net + vat


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency, always held at the currency's minor unit."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", round_amount(self.amount, self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidAmount(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def to_minor(self) -> int:
        """The amount in minor units (cents, bani)."""
        return int(self.amount.scaleb(minor_units(self.currency)))
