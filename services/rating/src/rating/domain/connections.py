"""The lines a number had: a usage record belongs to the line that held its number when it
started (the latest connected by then), so a number given to a new line keeps its earlier
owner's late records apart from the new owner's.

Rating keys a batch's lines, buckets and packages by number; a batch is therefore rated in
rounds, each naming one line per number: the current lines first, then the lines they
replaced, and so on. A batch of the current lines alone, the usual case, is one round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rating.domain.lines import Line
from rating.domain.usage import UsageRecord

__all__ = ["Connections", "Round", "connections_of", "line_at", "rounds"]

Connections = Mapping[str, Sequence[Line]]
"""Each number's lines, oldest connection first."""


@dataclass
class Round:
    lines: dict[str, Line] = field(default_factory=dict)
    records: list[UsageRecord] = field(default_factory=list)


def connections_of(lines: Mapping[str, Line]) -> dict[str, datetime]:
    """The connection each number's line is kept under (its buckets', packages', fees')."""
    return {msisdn: line.connected_at for msisdn, line in lines.items()}


def _index(held: Sequence[Line], instant: datetime) -> int:
    """The index of the line holding the number at ``instant``; 0 (its first line, which
    refuses the record) when the number had none yet."""
    found = 0
    for index, line in enumerate(held):
        if line.connected_at <= instant:
            found = index
    return found


def line_at(held: Sequence[Line], instant: datetime) -> Line | None:
    """The line holding the number at ``instant``: the latest connected by then."""
    line = held[_index(held, instant)] if held else None
    return line if line is not None and line.connected_at <= instant else None


def rounds(records: Sequence[UsageRecord], held: Connections) -> list[Round]:
    """The records in rounds by the line of their time, in their order within each round; a
    record of a number without any line goes in the first round, with no line for it."""
    found: dict[int, Round] = {}
    for record in records:
        lines = held.get(record.msisdn, ())
        index = _index(lines, record.started_at)
        chosen = found.setdefault(len(lines) - 1 - index if lines else 0, Round())
        chosen.records.append(record)
        if lines:
            chosen.lines[record.msisdn] = lines[index]
    return [found[rank] for rank in sorted(found)]
