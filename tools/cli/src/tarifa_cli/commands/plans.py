"""``tarifa plans put|get``: tariff plans in rating, from and to YAML or JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..files import read_document, write_document
from ..output import emit
from ..state import state

app = typer.Typer(help="Tariff plans (rating).", no_args_is_help=True)


@app.command("put")
def put(ctx: typer.Context, code: str,
        file: Annotated[Path, typer.Argument(help="the plan as YAML or JSON")]) -> None:
    """Create or replace the plan CODE from FILE (PUT /v1/plans/{code})."""
    plan = read_document(file)
    if not isinstance(plan, dict):
        raise typer.BadParameter(f"{file} holds no plan object")
    current = state(ctx)
    response = current.api().call("rating", "PUT", f"/v1/plans/{code}", json=plan)
    emit(current.as_json, response.json() if response.content else {"code": code},
         title="created" if response.status_code == 201 else "replaced")


@app.command("get")
def get(ctx: typer.Context, code: str,
        output: Annotated[Path | None, typer.Option("-o", "--output",
                                                    help="write to a .yaml or .json file")] = None,
        ) -> None:
    """Show the plan CODE, or write it to a file."""
    current = state(ctx)
    plan = current.api().json("rating", "GET", f"/v1/plans/{code}")
    if output is None:
        emit(current.as_json, plan, title=f"plan {code}")
        return
    write_document(output, plan)
    emit(current.as_json, {"code": code, "written": str(output)})
