"""The per-deployment limits of online payments, per currency and kind of payment (P1, P2, P3).

The kinds are the ones a subscriber chooses between: paying an ``invoice``, paying in
``advance``, a prepaid ``topup``, and paying for ``another`` account (P2), which is checked
against its own bounds as well as its purpose's. What is published is what is enforced: both
read :meth:`PaymentLimits.bounds`. A currency without an entry has no limit at all: each
operator lists the currencies it bills in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from payments.domain.payment import PaymentError

__all__ = ["KINDS", "Bounds", "LimitExceeded", "PaymentLimits", "UnknownLimitCurrency"]

KINDS = ("invoice", "advance", "topup", "another")
WHAT = {"invoice": "an invoice payment", "advance": "an advance payment", "topup": "a top-up",
        "another": "a payment for another account"}


class LimitExceeded(PaymentError):
    """An online payment outside the policy limits."""


class UnknownLimitCurrency(PaymentError):
    """No limits are set for the currency: this deployment does not bill in it."""


@dataclass(frozen=True, slots=True)
class Bounds:
    least: Decimal
    most: Decimal


@dataclass(frozen=True, slots=True)
class PaymentLimits:
    """Bounds per currency and kind, then the older per-currency caps on top of them."""

    max_per_transaction: Mapping[str, Decimal] = field(default_factory=dict)
    topup_min: Mapping[str, Decimal] = field(default_factory=dict)
    topup_max: Mapping[str, Decimal] = field(default_factory=dict)
    kinds: Mapping[str, Mapping[str, Bounds]] = field(default_factory=dict)

    def currencies(self) -> set[str]:
        return {*self.kinds, *self.max_per_transaction, *self.topup_min, *self.topup_max}

    def bounds(self, currency: str) -> dict[str, Bounds]:
        """Each kind's least and most in ``currency``; UnknownLimitCurrency if none is set."""
        if currency not in self.currencies():
            raise UnknownLimitCurrency(f"no payment limits are set for {currency}")
        return {kind: self._bounds(kind, currency) for kind in KINDS}

    def check(self, purpose: str, amount: Decimal, currency: str, for_another: bool = False) -> None:
        """Refuse ``amount`` outside its purpose's bounds (and those of paying for another)."""
        if currency not in self.currencies():
            return
        bounds = self.bounds(currency)
        for kind in (purpose, "another") if for_another else (purpose,):
            self._within(bounds[kind], amount, currency, WHAT[kind])

    def _bounds(self, kind: str, currency: str) -> Bounds:
        own = self.kinds.get(currency, {}).get(kind, Bounds(Decimal("0.01"), Decimal("Infinity")))
        least, most = own.least, own.most
        if kind == "topup":
            least = self.topup_min.get(currency, least)
            most = self.topup_max.get(currency, most)
        cap = self.max_per_transaction.get(currency)
        return Bounds(least, most if cap is None else min(most, cap))

    @staticmethod
    def _within(bounds: Bounds, amount: Decimal, currency: str, what: str) -> None:
        if amount > bounds.most:
            raise LimitExceeded(f"{what} is at most {bounds.most} {currency}")
        if amount < bounds.least:
            raise LimitExceeded(f"{what} is at least {bounds.least} {currency}")
