"""``tarifa invoices list|show|pdf`` (invoicing)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from ..output import emit, rows
from ..state import state

app = typer.Typer(help="Invoices (invoicing).", no_args_is_help=True)
TOTALS = ["number", "period_end", "total_charges", "vat_total", "amount_due", "currency", "status"]


@app.command("list")
def list_invoices(ctx: typer.Context, account_id: str) -> None:
    """The account's invoices, newest first."""
    current = state(ctx)
    invoices = current.api().json("invoicing", "GET", f"/v1/accounts/{account_id}/invoices")
    rows(current.as_json, invoices, ["id", *TOTALS], title="invoices")


@app.command("show")
def show(ctx: typer.Context, invoice_id: str) -> None:
    """An invoice with its lines and totals."""
    current = state(ctx)
    invoice = current.api().json("invoicing", "GET", f"/v1/invoices/{invoice_id}")
    if current.as_json:
        emit(True, invoice)
        return
    emit(False, {k: v for k, v in invoice.items() if k not in ("lines", "vat_rates")},
         title=f"invoice {invoice['number']}")
    rows(False, invoice["lines"], ["description", "net", "vat", "gross"], title="lines")


@app.command("pdf")
def pdf(
    ctx: typer.Context,
    invoice_id: str,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="default: <invoice id>.pdf")] = None,
) -> None:
    """Download the invoice's signed PDF."""
    current = state(ctx)
    response = current.api().call("invoicing", "GET", f"/v1/invoices/{invoice_id}/pdf")
    target = output or Path(f"{re.sub(r'[^A-Za-z0-9._-]', '_', invoice_id)}.pdf")
    target.write_bytes(response.content)
    emit(current.as_json, {"invoice_id": invoice_id, "written": str(target),
                           "bytes": len(response.content)}, title="PDF saved")
