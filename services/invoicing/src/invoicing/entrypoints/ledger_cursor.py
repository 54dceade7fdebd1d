"""The cursor of the ledger's pages: a movement's position, opaque to callers."""

from __future__ import annotations

import base64
from datetime import date, datetime

from tarifa.problems import InvalidInput
from tarifa.sanity import check_date, check_instant, check_text

from invoicing.domain.movements import Position

__all__ = ["after_cursor", "cursor_of"]


def cursor_of(after: Position | None) -> str | None:
    if after is None:
        return None
    text = f"{after[0].isoformat()}|{after[1].isoformat()}|{after[2]}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decoded(cursor: str) -> Position:
    """The position in a cursor; ValueError (of base64, UTF-8, ISO 8601 or sanity) otherwise."""
    day, posted, entry_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    instant = check_instant(datetime.fromisoformat(posted))
    if instant.tzinfo is None or not entry_id:
        raise ValueError("a cursor names a day, an aware instant and a movement")
    return check_date(date.fromisoformat(day)), instant, check_text(entry_id)


def after_cursor(cursor: str | None) -> Position | None:
    """The position a cursor names; 422 for a text that is not one of ours."""
    if not cursor:
        return None
    try:
        return _decoded(cursor)
    except ValueError as exc:
        raise InvalidInput("cursor is not valid", errors=[{"field": "cursor",
                                                           "message": "not a cursor"}]) from exc
