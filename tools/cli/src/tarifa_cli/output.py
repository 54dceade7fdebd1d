"""What a command prints: the API's JSON with ``--json``, else a Rich table for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["emit", "progress_console", "rows", "stdout"]

stdout = Console(soft_wrap=True)
progress_console = Console(stderr=True)


def emit(as_json: bool, data: Any, title: str | None = None) -> None:
    """One object as a two-column table, or the object as JSON."""
    if as_json:
        stdout.out(json.dumps(data, ensure_ascii=False, indent=2), highlight=False)
        return
    table = Table(title=title, show_header=False)
    for key, value in (data.items() if isinstance(data, dict) else [("value", data)]):
        table.add_row(str(key), _cell(value))
    stdout.print(table)


def rows(as_json: bool, items: Sequence[dict[str, Any]], columns: Sequence[str],
         title: str | None = None) -> None:
    """A list as a table of the chosen columns, or the whole list as JSON."""
    if as_json:
        stdout.out(json.dumps(list(items), ensure_ascii=False, indent=2), highlight=False)
        return
    table = Table(*columns, title=title)
    for item in items:
        table.add_row(*(_cell(item.get(column)) for column in columns))
    stdout.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)
