"""What every input of the suite must be before it is stored: text without control characters,
dates and times within the years a billing system can mean.

Plain functions, so domain modules use them as well as the pydantic types of ``tarifa.fields``.
PostgreSQL refuses a NUL in text and a year outside its range with an error that would be a 500,
and a time of year 1 makes date arithmetic overflow later, in a job; both are refused here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

__all__ = [
    "EARLIEST",
    "LATEST",
    "InsaneInput",
    "check_date",
    "check_instant",
    "check_text",
    "control_character",
    "text_file",
]

EARLIEST = date(2000, 1, 1)
"""The first day a date of the suite may fall on."""
LATEST = date(2100, 12, 31)
"""The last day a date of the suite may fall on."""
# Control characters (Unicode category Cc: C0, DEL, C1), lone surrogates (Cs), and the line and
# paragraph separators. Format characters (zero-width joiner, direction marks) stay: some
# scripts need them.
_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
_REFUSED_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]|\r(?!\n)")


class InsaneInput(ValueError):
    """An input no billing record can hold: a control character, a date out of range."""


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` no stored text may hold (NUL, escape, DEL, a lone
    surrogate, a line separator, ...), or ``None``. With ``multiline`` the newline and the tab
    are allowed, and so is the carriage return of a CRLF pair."""
    found = (_REFUSED_IN_LINES if multiline else _REFUSED).search(text)
    return found.group() if found else None


def check_text(text: str, *, multiline: bool = False) -> str:
    """``text``, or ``InsaneInput`` naming its first control character."""
    char = control_character(text, multiline=multiline)
    if char is not None:
        raise InsaneInput(f"control character U+{ord(char):04X} is not allowed")
    return text


def check_date(day: date) -> date:
    """``day``, or ``InsaneInput`` when it falls outside ``EARLIEST`` .. ``LATEST``."""
    if not EARLIEST <= day <= LATEST:
        raise InsaneInput(f"{day.isoformat()} is outside {EARLIEST.year} to {LATEST.year}")
    return day


def check_instant(instant: datetime) -> datetime:
    """``instant``, or ``InsaneInput`` when its UTC date falls outside ``EARLIEST`` .. ``LATEST``
    (checked in UTC, so an offset cannot carry a time past the bounds)."""
    try:
        day = instant.astimezone(UTC).date() if instant.tzinfo else instant.date()
    except OverflowError:
        day = instant.date()
    check_date(day)
    return instant


def text_file(content: bytes) -> str:
    """The text of an uploaded file (CSV): UTF-8, with or without a byte order mark, and no
    control character but newlines and tabs (a bare carriage return, which a CSV reader takes
    for a line break, would split a record); else ``InsaneInput`` naming the line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        raise InsaneInput(f"line {line}: the file is not UTF-8 text") from exc
    found = _REFUSED_IN_LINES.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise InsaneInput(f"line {line}: control character U+{ord(found.group()[0]):04X} is not allowed")
    return text
