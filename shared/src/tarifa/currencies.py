"""ISO 4217 currencies, from the list its maintenance agency publishes (the ``iso4217`` package).

A code is a currency here when the list gives it a minor unit: that leaves out the entries that
are no money an account can hold (gold ``XAU``, the testing code ``XTS``, "no currency" ``XXX``,
the SDR), so ``ZZZ`` and ``XAU`` are both refused. A new edition of the list comes with a new
version of the package.
"""

from __future__ import annotations

from types import MappingProxyType

import iso4217

__all__ = ["CURRENCIES", "UnknownCurrency", "check_currency", "minor_units"]


def _table() -> dict[str, int]:
    digits: dict[str, int] = {}
    for code, entry in iso4217.raw_table.items():
        units = entry.get("CcyMnrUnts")
        if code and isinstance(units, str) and units.isdigit():
            digits[code] = int(units)
    return digits


CURRENCIES = MappingProxyType(_table())
"""Each ISO 4217 currency code and the number of decimal digits of its minor unit."""


class UnknownCurrency(ValueError):
    """A text that is not the code of a current ISO 4217 currency."""


def check_currency(code: str) -> str:
    """Return ``code`` when it names an ISO 4217 currency, else raise ``UnknownCurrency``."""
    if code not in CURRENCIES:
        raise UnknownCurrency(f"{code!r} is not an ISO 4217 currency code")
    return code


def minor_units(code: str) -> int:
    """The number of decimal digits of the currency's minor unit."""
    return CURRENCIES[check_currency(code)]
