"""Exact money: ``Decimal`` amounts in ISO 4217 currencies, and the suite's one rounding rule.

* **Exact amounts.** A rated record keeps its price unrounded, at ``EXACT_PLACES`` decimal places
  (``exact``); nothing rounds a single record to the minor unit.
* **Rounding** is half away from zero (``ROUND_HALF_UP``) to the currency's minor unit, and it
  happens once per *posted* amount, with a carry (``Carry``): what an account is charged for a
  service in a period is the rounded cumulative exact amount, so however the period's usage is
  split into batches or days, its postings add up to ``round(exact sum)`` and never differ from
  the exact sum by half a minor unit or more.
* **VAT** is computed per rate on the taxable amount of that rate: ``round(rate × net)`` when
  prices are net (``vat_on``), ``round(gross × rate / (1 + rate))`` when they include VAT
  (``vat_within``). Postings carry VAT the same way, so the VAT posted for a rate in a period is
  exactly the VAT of its invoice.
* Sums of rounded amounts are exact and are never rounded again; ``apportion`` shares a rounded
  total over parts without losing a minor unit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tarifa import currencies

__all__ = [
    "EXACT_PLACES",
    "ROUNDING",
    "Carry",
    "InvalidAmount",
    "Money",
    "apportion",
    "exact",
    "minor_units",
    "parse_amount",
    "round_amount",
    "split_vat",
    "vat_on",
    "vat_within",
    "written",
]

ROUNDING = ROUND_HALF_UP
EXACT_PLACES = 10
"""Decimal places an unrounded (rated) amount is kept at."""
_EXACT = Decimal(1).scaleb(-EXACT_PLACES)


class InvalidAmount(ValueError):
    """A text or number that is not a valid amount in its currency."""


def minor_units(currency: str) -> int:
    """The number of decimal digits of the currency's minor unit, per the ISO 4217 list."""
    try:
        return currencies.minor_units(currency)
    except currencies.UnknownCurrency as exc:
        raise InvalidAmount(str(exc)) from exc


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_amount(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the currency's minor unit with the suite's one rule."""
    return amount.quantize(_quantum(currency), rounding=ROUNDING)


def exact(amount: Decimal) -> Decimal:
    """An unrounded amount at the suite's internal precision (``EXACT_PLACES`` places)."""
    return amount.quantize(_EXACT, rounding=ROUNDING)


def written(amount: Decimal, currency: str) -> str:
    """An amount as the API writes it: with the currency's minor digits at least, never fewer
    (``"0.00"``), and an unrounded amount with all of its significant places (``"0.0208333333"``)."""
    places = max(minor_units(currency), -amount.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{amount:.{places}f}"


def vat_on(net: Decimal, rate: Decimal, currency: str) -> Decimal:
    """The VAT of a taxable net amount: ``round(rate × net)``."""
    return round_amount(net * rate, currency)


def vat_within(gross: Decimal, rate: Decimal, currency: str) -> Decimal:
    """The VAT contained in a gross amount whose prices include VAT."""
    return round_amount(gross * rate / (1 + rate), currency)


@dataclass(slots=True)
class Carry:
    """A running total rounded once: each posting is what rounds the new total, less what was posted.

    ``base`` is the cumulative exact amount, ``posted`` the sum of the rounded postings so far;
    ``posted`` is always ``round(base)`` (or ``round(base × factor)`` for a tax carried on it).
    """

    base: Decimal = Decimal(0)
    posted: Decimal = Decimal(0)

    def post(self, delta: Decimal, rounded: Callable[[Decimal], Decimal]) -> Decimal:
        """Add ``delta`` to the base and return the rounded posting it causes."""
        self.base += delta
        posting = rounded(self.base) - self.posted
        self.posted += posting
        return posting


def apportion(total: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Share a rounded ``total`` in proportion to ``weights``; the shares add up to it exactly.

    Each share is the growth of the rounded running proportion, so no share is off its exact
    proportion by a minor unit or more and the last one ends exactly on ``total``.
    """
    whole = sum(weights, Decimal(0))
    if not weights:
        return []
    if whole == 0:
        return [total] + [round_amount(Decimal(0), currency)] * (len(weights) - 1)
    carry, shares = Carry(), []
    for weight in weights:
        shares.append(carry.post(weight, lambda part: round_amount(total * part / whole, currency)))
    return shares


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
