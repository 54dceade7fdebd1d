"""The per-deployment limits of online payments, per currency (P1, P3).

A currency without an entry in a map has no such limit: each operator lists the currencies it
bills in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from payments.domain.payment import PaymentError

__all__ = ["LimitExceeded", "PaymentLimits"]


class LimitExceeded(PaymentError):
    """An online payment outside the policy limits."""


@dataclass(frozen=True, slots=True)
class PaymentLimits:
    max_per_transaction: Mapping[str, Decimal] = field(default_factory=dict)
    topup_min: Mapping[str, Decimal] = field(default_factory=dict)
    topup_max: Mapping[str, Decimal] = field(default_factory=dict)

    def check(self, purpose: str, amount: Decimal, currency: str) -> None:
        """Refuse ``amount`` when it is above the maximum, or a top-up outside its bounds."""
        self._at_most(self.max_per_transaction.get(currency), amount, currency, "an online payment")
        if purpose == "topup":
            self._at_most(self.topup_max.get(currency), amount, currency, "a top-up")
            least = self.topup_min.get(currency)
            if least is not None and amount < least:
                raise LimitExceeded(f"a top-up is at least {least} {currency}")

    @staticmethod
    def _at_most(most: Decimal | None, amount: Decimal, currency: str, what: str) -> None:
        if most is not None and amount > most:
            raise LimitExceeded(f"{what} is at most {most} {currency}")
