"""The ledger's pages: one read beyond the page tells whether another follows; the cursor."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.domain.movements import page_of
from invoicing.entrypoints.ledger_cursor import after_cursor, cursor_of
from tarifa.problems import InvalidInput

AT = datetime(2026, 6, 3, 9, 30, 1, 250, tzinfo=UTC)


def _entry(n: int) -> LedgerEntry:
    return LedgerEntry(id=f"e{n}", account_id="a1", kind=EntryKind.PAYMENT, type="payment",
                       currency="MDL", occurred_on=date(2026, 6, n), amount=Decimal(n),
                       source_event_id=f"ev{n}", created_at=AT, channel="card", reference="r")


def test_a_read_of_one_more_than_the_limit_gives_the_last_shown_as_the_next_position() -> None:
    page = page_of([_entry(1), _entry(2), _entry(3)], 2)
    assert [e.id for e in page.entries] == ["e1", "e2"]
    assert page.next_after == (date(2026, 6, 2), AT, "e2")


def test_a_read_within_the_limit_is_the_last_page() -> None:
    assert page_of([_entry(1), _entry(2)], 2).next_after is None
    assert page_of([], 2).next_after is None


def test_a_cursor_names_back_the_position_it_was_made_of() -> None:
    position = (date(2026, 6, 2), AT, "e2")
    cursor = cursor_of(position)
    assert cursor is not None and "e2" not in cursor
    assert after_cursor(cursor) == position
    assert after_cursor(None) is None and cursor_of(None) is None


@pytest.mark.parametrize("cursor", ["@@", "ZZZZ", "MjAyNi0wNi0wMg=="])
def test_a_text_not_made_by_us_is_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput):
        after_cursor(cursor)
