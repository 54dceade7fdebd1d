"""Pricing one usage record: billed quantity, allowance first, then the price, then VAT.

* Voice is billed in increments: a call of ``s`` seconds (``s > 0``) bills ``first_increment``
  seconds when ``s <= first_increment``, else the first increment plus the rest rounded up to
  whole ``next_increment`` blocks. A call of 0 seconds bills nothing.
* Data: each session is rounded up to whole KiB (bytes billed are a multiple of 1024).
* SMS and MMS: the number of messages.
* The allowance consumes the billed quantity first; what it does not cover is priced at
  ``unit_price`` per the price's unit (voice per minute by default, data per MiB).
* The amount is kept exact (``tarifa.money.exact``), never rounded to the minor unit: net of
  VAT unless the plan's prices include VAT, with the record's VAT at the same precision. The
  ledger rounds once, when the charges of a period are posted with their carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tarifa.money import exact

from rating.domain.plan import PlanVersion, Price

__all__ = ["Charge", "billed_quantity", "charge", "exact_split", "increments"]

KIB = 1024


def increments(seconds: int, first: int, following: int) -> int:
    """Seconds billed for a call of ``seconds`` with the given increments."""
    if seconds <= 0:
        return 0
    if seconds <= first:
        return first
    blocks = -(-(seconds - first) // following)
    return first + blocks * following


def billed_quantity(price: Price, quantity: int) -> int:
    """The quantity billed for a record's raw quantity, in the record's units."""
    if price.type == "voice":
        return increments(quantity, price.first_increment, price.next_increment)
    if price.type == "data":
        return -(-quantity // KIB) * KIB
    return quantity


@dataclass(frozen=True, slots=True)
class Charge:
    """What one record costs: billed, covered by the allowance, and the priced rest."""

    price: Price
    billed: int
    allowance_used: int
    net: Decimal
    vat: Decimal
    gross: Decimal


def charge(plan: PlanVersion, price: Price, quantity: int, allowance_left: int) -> Charge:
    """Charge ``quantity`` (raw) at ``price`` with ``allowance_left`` still in the allowance."""
    billed = billed_quantity(price, quantity)
    used = min(billed, max(allowance_left, 0))
    amount = price.unit_price * (billed - used) / price.unit_size
    net, vat, gross = exact_split(exact(amount), plan.vat_rate,
                                  includes_vat=plan.prices_include_vat)
    return Charge(price, billed, used, net, vat, gross)


def exact_split(amount: Decimal, rate: Decimal, *, includes_vat: bool) -> tuple[
    Decimal, Decimal, Decimal
]:
    """``(net, vat, gross)`` of an exact amount, unrounded, with ``net + vat == gross``."""
    if includes_vat:
        net = exact(amount / (1 + rate))
        return net, amount - net, amount
    vat = exact(amount * rate)
    return amount, vat, amount + vat
