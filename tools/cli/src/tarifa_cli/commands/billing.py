"""``tarifa billing run|show``: a billing run in invoicing, followed until it is done."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ..client import Api
from ..errors import CliError
from ..output import emit, progress_console
from ..state import state

app = typer.Typer(help="Billing runs (invoicing).", no_args_is_help=True)
FINISHED = ("completed", "failed")


class RunFailed(CliError):
    label = "failed"


def _done(run: dict[str, Any]) -> int:
    stages = run.get("stages") or {}
    return int(stages.get("issued", 0)) + int(run.get("skipped", 0)) + int(stages.get("failed", 0))


def follow(api: Api, run_id: str, interval: float, quiet: bool, timeout: float) -> dict[str, Any]:
    """Poll GET /v1/billing-runs/{id} with a progress bar until the run completes or fails."""
    deadline = time.monotonic() + timeout
    with Progress(TextColumn("billing run {task.fields[status]}"), BarColumn(),
                  MofNCompleteColumn(), console=progress_console, disable=quiet) as progress:
        task = progress.add_task("run", total=None, status="started")
        while True:
            run: dict[str, Any] = api.json("invoicing", "GET", f"/v1/billing-runs/{run_id}")
            progress.update(task, total=run.get("accounts") or None, completed=_done(run),
                            status=run["status"])
            if run["status"] in FINISHED or time.monotonic() > deadline:
                return run
            time.sleep(interval)


@app.command("run")
def run(
    ctx: typer.Context,
    period_end: Annotated[str, typer.Option(help="the last day of the period, e.g. 2026-05-31")],
    account: Annotated[list[str] | None, typer.Option(help="only these accounts")] = None,
    wait: Annotated[bool, typer.Option(help="follow the run until it is done")] = True,
    interval: Annotated[float, typer.Option(min=0.05)] = 1.0,
    timeout: Annotated[float, typer.Option(help="seconds to follow it")] = 3600.0,
) -> None:
    """Start a billing run (POST /v1/billing-runs); exit 1 if it fails."""
    current = state(ctx)
    api = current.api()
    body: dict[str, Any] = {"period_end": period_end} | ({"account_ids": account} if account else {})
    started = api.json("invoicing", "POST", "/v1/billing-runs", json=body)
    result = follow(api, started["id"], interval, current.as_json, timeout) if wait else started
    emit(current.as_json, result, title="billing run")
    if result["status"] == "failed":
        raise RunFailed(f"billing run {started['id']} failed: {result.get('error')}")


@app.command("show")
def show(ctx: typer.Context, run_id: str) -> None:
    """A billing run's counts per stage, estimated end and failures."""
    current = state(ctx)
    emit(current.as_json, current.api().json("invoicing", "GET", f"/v1/billing-runs/{run_id}"),
         title="billing run")
