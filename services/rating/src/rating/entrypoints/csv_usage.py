"""Reading a CSV file of usage records into the records of an ingest batch.

The first line is the header: ``id,msisdn,type,direction,started_at,quantity`` and, optionally,
``other_party,zone,roaming_country``, in any order. Each following line is one record; an empty
field is an absent one, a whole number in ``quantity`` is read as a number, and blank lines are
skipped. A line with a wrong number of fields is rejected on its own, like any invalid record.
A file that is not UTF-8 text, holds a control character (a NUL, a carriage return without a
line feed, ...), has no header, or a header with unknown, missing or repeated columns is
refused as a whole, naming the line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from tarifa.sanity import InsaneInput, text_file

from rating.domain.usage import Malformed

__all__ = ["COLUMNS", "BadCsv", "records_from_csv"]

COLUMNS = ("id", "msisdn", "type", "direction", "started_at", "quantity", "other_party", "zone",
           "roaming_country")
_REQUIRED = COLUMNS[:6]
_WHOLE = re.compile(r"^-?[0-9]{1,18}$")


class BadCsv(ValueError):
    """A file that cannot be read as usage records at all."""


def _text(content: bytes) -> str:
    try:
        return text_file(content)
    except InsaneInput as exc:
        raise BadCsv(str(exc)) from exc


def _header(rows: Iterator[list[str]]) -> list[str]:
    header = [name.strip() for name in next(rows, [])]
    if not any(header):
        raise BadCsv(f"the first line must be a header: {','.join(COLUMNS)}")
    unknown = sorted(set(header) - set(COLUMNS))
    missing = [name for name in _REQUIRED if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise BadCsv(f"header: unknown columns {unknown}, missing columns {missing}, "
                     f"or a repeated column; expected {','.join(COLUMNS)}")
    return header


def _record(header: list[str], row: list[str], line: int) -> object:
    if len(row) != len(header):
        record_id = row[header.index("id")] if len(row) > header.index("id") else None
        return Malformed(record_id or None,
                         f"line {line} has {len(row)} fields, the header {len(header)}", row)
    record: dict[str, object] = {name: value for name, value in zip(header, row, strict=True)
                                 if value != ""}
    quantity = record.get("quantity")
    if isinstance(quantity, str) and _WHOLE.match(quantity):
        record["quantity"] = int(quantity)
    return record


def records_from_csv(content: bytes, most: int) -> list[object]:
    """The records of the file, at most ``most`` + 1 (the caller refuses a batch too large)."""
    rows = csv.reader(io.StringIO(_text(content), newline=""), strict=True)
    records: list[object] = []
    line = 1  # where the next row starts
    try:
        header = _header(rows)
        line = rows.line_num + 1
        for row in rows:
            if any(cell.strip() for cell in row):
                records.append(_record(header, row, line))
            if len(records) > most:
                break
            line = rows.line_num + 1
    except csv.Error as exc:
        raise BadCsv(f"line {line}: {exc}") from exc
    return records
