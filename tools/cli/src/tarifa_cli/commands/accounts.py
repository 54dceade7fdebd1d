"""``tarifa accounts create|show|balance`` (accounts, and invoicing's ledger balance)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from ..output import emit
from ..state import state

app = typer.Typer(help="Billing accounts (accounts).", no_args_is_help=True)


class PaymentMode(StrEnum):
    prepaid = "prepaid"
    postpaid = "postpaid"


def delivery(ebill: str | None, paper: str | None, sms: str | None) -> dict[str, Any]:
    """An e-bill to an email address or a paper bill to a postal address, one of the two."""
    if (ebill is None) == (paper is None):
        raise typer.BadParameter("give exactly one of --ebill EMAIL or --paper ADDRESS")
    chosen: dict[str, Any] = ({"medium": "ebill", "email": ebill} if ebill is not None
                              else {"medium": "paper", "address": paper})
    return chosen | ({"sms": sms} if sms else {})


@app.command("create")
def create(
    ctx: typer.Context,
    customer: Annotated[str, typer.Option(help="the customer's id")],
    payment_mode: Annotated[PaymentMode, typer.Option()] = PaymentMode.postpaid,
    currency: Annotated[str, typer.Option()] = "MDL",
    timezone: Annotated[str, typer.Option()] = "Europe/Chisinau",
    ebill: Annotated[str | None, typer.Option(help="e-bills to this email address")] = None,
    paper: Annotated[str | None, typer.Option(help="paper bills to this postal address")] = None,
    sms: Annotated[str | None, typer.Option(help="an SMS notice of each bill to this number")] = None,
) -> None:
    """Open an account for a customer (POST /v1/accounts)."""
    body = {"customer_id": customer, "payment_mode": payment_mode.value, "currency": currency,
            "timezone": timezone, "bill_delivery": delivery(ebill, paper, sms)}
    current = state(ctx)
    emit(current.as_json, current.api().json("accounts", "POST", "/v1/accounts", json=body),
         title="account created")


@app.command("show")
def show(ctx: typer.Context, account_id: str) -> None:
    """Show an account."""
    current = state(ctx)
    emit(current.as_json, current.api().json("accounts", "GET", f"/v1/accounts/{account_id}"),
         title="account")


@app.command("balance")
def balance(ctx: typer.Context, account_id: str) -> None:
    """The account's ledger balance (invoicing)."""
    current = state(ctx)
    emit(current.as_json,
         current.api().json("invoicing", "GET", f"/v1/accounts/{account_id}/balance"),
         title="balance")
