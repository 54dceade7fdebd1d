"""Page cursors of the rating API: the position after a page's last item, opaque to callers."""

from __future__ import annotations

import base64
from datetime import datetime

from tarifa.problems import InvalidInput

__all__ = ["after_cursor", "cursor_of"]


def cursor_of(after: tuple[datetime, object] | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(f"{after[0].isoformat()}|{after[1]}".encode()).decode()


def after_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """The position a cursor names; 422 for a text that is not one of ours."""
    if not cursor:
        return None
    try:
        instant, _, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(instant), key
    except ValueError as exc:
        raise InvalidInput("cursor is not valid", errors=[{"field": "cursor",
                                                           "message": "not a cursor"}]) from exc
