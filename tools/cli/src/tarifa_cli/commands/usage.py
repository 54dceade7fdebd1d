"""``tarifa usage import``: usage records from CSV or JSON files to rating, in batches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..batches import batches, count_records
from ..client import Api
from ..output import emit, progress_console
from ..state import state

app = typer.Typer(help="Usage records (rating).", no_args_is_help=True)


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=progress_console, disable=quiet)


def _send(api: Api, path: Path, size: int, progress: Progress, totals: dict[str, Any]) -> None:
    task = progress.add_task(path.name, total=count_records(path))
    for batch in batches(path, size):
        result = api.json("rating", "POST", "/v1/usage", content=batch.content,
                          headers={"Content-Type": batch.content_type})
        for key in ("accepted", "duplicates", "parked"):
            totals[key] += int(result[key])
        totals["rejected"].extend(result["rejected"])
        progress.advance(task, batch.size)


@app.command("import")
def import_usage(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="CSV, JSON or JSON Lines files", exists=True,
                                                dir_okay=False, readable=True)],
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="records per request")] = 1000,
) -> None:
    """Send usage records to rating (POST /v1/usage); duplicates are counted, not rated again."""
    current = state(ctx)
    api = current.api()
    totals: dict[str, Any] = {"accepted": 0, "duplicates": 0, "parked": 0, "rejected": []}
    with _progress(current.as_json) as progress:
        for path in files:
            _send(api, path, batch_size, progress, totals)
    if current.as_json:
        emit(True, totals)
        return
    emit(False, totals | {"rejected": len(totals["rejected"])}, title="usage imported")
    for rejection in totals["rejected"][:20]:
        progress_console.print(f"rejected: {rejection}")
