"""The limits a deployment starts from, per currency and kind of payment (P1, P2, P3).

They follow the policy's figures (5,000 RON per transaction, a top-up of 5 to 100 EUR) and
their rough equivalents in the other currencies the suite is sold in; an operator overrides any
of them with ``PAYMENTS_LIMITS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from payments.domain.limits import Bounds

__all__ = ["DEFAULT_LIMITS", "overridden"]

# least and most per kind, in the order invoice, advance, topup, another
_TABLE = {
    "RON": (("1.00", "5000.00"), ("1.00", "5000.00"), ("5.00", "500.00"), ("1.00", "5000.00")),
    "MDL": (("1.00", "50000.00"), ("1.00", "50000.00"), ("10.00", "2000.00"),
            ("1.00", "20000.00")),
    "BYN": (("1.00", "5000.00"), ("1.00", "5000.00"), ("2.00", "300.00"), ("1.00", "3000.00")),
    "RUB": (("10.00", "300000.00"), ("10.00", "300000.00"), ("50.00", "10000.00"),
            ("10.00", "100000.00")),
    "EUR": (("1.00", "1000.00"), ("1.00", "1000.00"), ("5.00", "100.00"), ("1.00", "1000.00")),
}
_KINDS = ("invoice", "advance", "topup", "another")

DEFAULT_LIMITS: dict[str, dict[str, Bounds]] = {
    currency: {kind: Bounds(Decimal(least), Decimal(most))
               for kind, (least, most) in zip(_KINDS, rows, strict=True)}
    for currency, rows in _TABLE.items()
}


def overridden(overrides: Mapping[str, Mapping[str, Bounds]]) -> dict[str, dict[str, Bounds]]:
    """The defaults with each (currency, kind) the operator names replaced; a kind it leaves
    out in a currency of its own has no bounds but the older caps."""
    merged = {currency: dict(kinds) for currency, kinds in DEFAULT_LIMITS.items()}
    for currency, kinds in overrides.items():
        merged.setdefault(currency, {}).update(kinds)
    return merged
