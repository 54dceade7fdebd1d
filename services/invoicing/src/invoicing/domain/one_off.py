"""One-off charges an operator posts to an account: equipment, activation, a penalty.

A one-off charge is a ledger charge of type ``one_off`` dated the account's local day it is
posted; it goes on the account's next invoice as a line of its own (``invoicing.domain.billing``)
with its own VAT rate. The amount is given in the account's currency, exact to its minor unit,
net of VAT unless ``prices_include_vat``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tarifa.money import InvalidAmount, exact, parse_amount

from invoicing.domain.posting import ExactCharge

__all__ = ["MAX_AMOUNT", "ONE_OFF", "OneOffCharge", "OneOffError", "exact_one_off"]

ONE_OFF = "one_off"
MAX_AMOUNT = Decimal(1_000_000)
"""The largest one-off charge accepted at once: a larger one is a typing error, not a fee."""
MAX_RATE = Decimal(1)


class OneOffError(ValueError):
    """A one-off charge the rules refuse; ``field`` names the offending part of the request."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class OneOffCharge:
    """What the operator asks for, as given."""

    account_id: str
    description: str
    amount: str
    vat_rate: Decimal
    prices_include_vat: bool = False
    msisdn: str | None = None


def _amount(text: str, currency: str) -> Decimal:
    try:
        amount = parse_amount(text, currency)
    except InvalidAmount as exc:
        raise OneOffError("amount", str(exc)) from exc
    if not Decimal(0) < amount <= MAX_AMOUNT:
        raise OneOffError("amount", f"a one-off charge is more than 0 and at most {MAX_AMOUNT}")
    return amount


def _rate(rate: Decimal) -> Decimal:
    if not rate.is_finite() or not Decimal(0) <= rate < MAX_RATE:
        raise OneOffError("vat_rate", "a VAT rate is a fraction from 0 up to, not including, 1")
    if rate != rate.quantize(Decimal("0.0001")):
        raise OneOffError("vat_rate", "a VAT rate has at most 4 decimal places")
    return rate


def exact_one_off(charge: OneOffCharge, currency: str, on: date) -> ExactCharge:
    """The charge in the terms the ledger posts it (``invoicing.service.posting``)."""
    amount, rate = _amount(charge.amount, currency), _rate(charge.vat_rate)
    if charge.prices_include_vat:
        return ExactCharge(charge.msisdn or "", ONE_OFF, on, exact(amount / (1 + rate)), amount,
                           rate, True)
    return ExactCharge(charge.msisdn or "", ONE_OFF, on, amount, exact(amount * (1 + rate)),
                       rate, False)
