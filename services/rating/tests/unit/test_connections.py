"""Which line a record belongs to when its number had several: the latest connected by the
record's start; a batch is split in rounds of one line per number."""

from __future__ import annotations

from datetime import UTC, datetime

from rating.domain.connections import line_at, rounds
from rating.domain.lines import Line
from rating.domain.usage import UsageRecord

OLD = Line("m", "a", "p", datetime(2026, 1, 15, tzinfo=UTC),
           closed_at=datetime(2026, 3, 1, tzinfo=UTC), replaced_at=datetime(2026, 4, 1, tzinfo=UTC))
NEW = Line("m", "b", "p", datetime(2026, 4, 1, tzinfo=UTC))
OTHER = Line("n", "c", "p", datetime(2026, 1, 1, tzinfo=UTC))


def _record(record_id: str, msisdn: str, month: int) -> UsageRecord:
    return UsageRecord(record_id, msisdn, "sms", "out", datetime(2026, month, 2, tzinfo=UTC), 1)


def test_a_record_belongs_to_the_line_connected_latest_by_its_start() -> None:
    assert line_at([OLD, NEW], datetime(2026, 2, 1, tzinfo=UTC)) == OLD
    assert line_at([OLD, NEW], datetime(2026, 3, 15, tzinfo=UTC)) == OLD
    assert line_at([OLD, NEW], datetime(2026, 4, 1, tzinfo=UTC)) == NEW
    assert line_at([OLD, NEW], datetime(2026, 1, 2, tzinfo=UTC)) is None


def test_a_batch_is_rated_in_rounds_current_lines_first() -> None:
    held = {"m": [OLD, NEW], "n": [OTHER]}
    # "early" started before the number's first line: it goes with that line, which refuses it
    records = [_record("new", "m", 5), _record("old", "m", 2), _record("other", "n", 2),
               _record("early", "m", 1), _record("unknown", "x", 5)]
    found = [(r.lines, [x.id for x in r.records]) for r in rounds(records, held)]
    assert found == [({"m": NEW, "n": OTHER}, ["new", "other", "unknown"]),
                     ({"m": OLD}, ["old", "early"])]
