"""``tarifa documents verify``: is a PDF one the suite signed, unchanged since?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import CliError
from ..output import emit
from ..state import state

app = typer.Typer(help="Signed documents (invoicing).", no_args_is_help=True)


class NotValid(CliError):
    label = "not valid"


@app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Check a PDF's signature (POST /v1/documents/verify); exit 1 when it is not valid."""
    current = state(ctx)
    result = current.api().json("invoicing", "POST", "/v1/documents/verify",
                                content=file.read_bytes(),
                                headers={"Content-Type": "application/pdf"})
    emit(current.as_json, result, title=str(file))
    if not result["valid"]:
        raise NotValid(f"{file}: {result['reason']}")
