"""``tarifa lines create|list`` (accounts): an account's subscriber lines."""

from __future__ import annotations

from typing import Annotated

import typer

from ..output import emit, rows
from ..state import state

app = typer.Typer(help="Subscriber lines of an account (accounts).", no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context,
    account_id: str,
    msisdn: Annotated[str, typer.Option(help="the line's number, e.g. 37369000001")],
    plan: Annotated[str, typer.Option(help="the plan's code")],
    connected_at: Annotated[str | None, typer.Option(help="RFC 3339 time; default now")] = None,
) -> None:
    """Add a line on a plan to an account (POST /v1/accounts/{id}/lines)."""
    body = {"msisdn": msisdn, "plan_code": plan} | (
        {"connected_at": connected_at} if connected_at else {})
    current = state(ctx)
    line = current.api().json("accounts", "POST", f"/v1/accounts/{account_id}/lines", json=body)
    emit(current.as_json, line, title="line added")


@app.command("list")
def list_lines(ctx: typer.Context, account_id: str) -> None:
    """The account's lines."""
    current = state(ctx)
    lines = current.api().json("accounts", "GET", f"/v1/accounts/{account_id}/lines")
    rows(current.as_json, lines, ["msisdn", "plan_code", "status", "connected_at"], title="lines")
