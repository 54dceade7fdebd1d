"""Usage files cut into request bodies: CSV stays CSV (header repeated), JSON becomes record lists."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import typer

__all__ = ["Batch", "batches", "count_records"]


@dataclass(frozen=True, slots=True)
class Batch:
    size: int
    content: bytes
    content_type: str


def batches(path: Path, size: int) -> Iterator[Batch]:
    if path.suffix.lower() == ".csv":
        return _csv_batches(path, size)
    return _json_batches(_json_records(path), size)


def count_records(path: Path) -> int:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", newline="") as file:
            return max(0, sum(1 for row in csv.reader(file) if row) - 1)
    return len(_json_records(path))


def _csv_batches(path: Path, size: int) -> Iterator[Batch]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, None)
        if header is None:
            return
        rows = (row for row in reader if row)
        while chunk := list(islice(rows, size)):
            yield Batch(len(chunk), _csv_text([header, *chunk]), "text/csv")


def _csv_text(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def _json_records(path: Path) -> list[Any]:
    """A JSON array, ``{"records": [...]}``, or JSON Lines (``.jsonl``/``.ndjson``)."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        data = json.loads(text)
    except OSError as error:
        raise typer.BadParameter(f"cannot read {path}: {error.strerror}") from error
    except ValueError as error:
        raise typer.BadParameter(f"{path} is not valid JSON: {error}") from error
    records = data.get("records") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise typer.BadParameter(f"{path} holds neither a list of records nor {{\"records\": [...]}}")
    return records


def _json_batches(records: list[Any], size: int) -> Iterator[Batch]:
    for start in range(0, len(records), size):
        chunk = records[start:start + size]
        yield Batch(len(chunk), json.dumps({"records": chunk}).encode(), "application/json")
