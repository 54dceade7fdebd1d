"""Pydantic types for the HTTP bodies of every service: safe text, sane dates, ISO 4217 codes.

A body that breaks one of them is answered 422 problem+json before any use case runs, so a NUL
or a year 1 never reaches the database.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from tarifa.currencies import check_currency
from tarifa.sanity import EARLIEST, LATEST, check_date, check_instant, check_text

__all__ = ["CurrencyCode", "MultilineText", "NoControl", "SaneDate", "SaneDatetime", "Text"]


def _multiline(text: str) -> str:
    return check_text(text, multiline=True)


_RANGE = f"from {EARLIEST.isoformat()} to {LATEST.isoformat()}"

NoControl = AfterValidator(check_text)
"""The check of ``Text``, to put after a field's ``StringConstraints``:
``Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), NoControl]``
(constraints given after a validator are not applied to the stripped text)."""

Text = Annotated[str, NoControl]
"""One line of text: no control characters (NUL, escape, newline, ...)."""

MultilineText = Annotated[str, AfterValidator(_multiline)]
"""Text of several lines: newlines and tabs allowed, other control characters not."""

SaneDate = Annotated[date, AfterValidator(check_date), Field(description=f"a date {_RANGE}")]
"""A calendar date within the years the suite accepts."""

SaneDatetime = Annotated[AwareDatetime, AfterValidator(check_instant),
                         Field(description=f"an RFC 3339 time with an offset, {_RANGE} (UTC)")]
"""A timezone-aware instant within the years the suite accepts."""

CurrencyCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{3}$"), AfterValidator(check_currency),
    Field(description="an ISO 4217 currency code", examples=["MDL"]),
]
"""A code of the ISO 4217 list that has a minor unit (``ZZZ`` and ``XAU`` are refused)."""
