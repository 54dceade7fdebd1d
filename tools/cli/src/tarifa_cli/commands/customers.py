"""``tarifa customers create|show`` (accounts)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ..output import emit
from ..state import state

app = typer.Typer(help="Customers (accounts).", no_args_is_help=True)


class Kind(StrEnum):
    person = "person"
    business = "business"


class Language(StrEnum):
    ro = "ro"
    ru = "ru"
    en = "en"


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="the customer's full name")],
    kind: Annotated[Kind, typer.Option()] = Kind.person,
    language: Annotated[Language, typer.Option()] = Language.ro,
    email: Annotated[str | None, typer.Option()] = None,
    phone: Annotated[str | None, typer.Option()] = None,
    address: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Register a customer (POST /v1/customers)."""
    body = {"kind": kind.value, "name": name, "language": language.value,
            "email": email, "phone": phone, "address": address}
    current = state(ctx)
    customer = current.api().json("accounts", "POST", "/v1/customers",
                                  json={k: v for k, v in body.items() if v is not None})
    emit(current.as_json, customer, title="customer created")


@app.command("show")
def show(ctx: typer.Context, customer_id: str) -> None:
    """Show a customer."""
    current = state(ctx)
    emit(current.as_json, current.api().json("accounts", "GET", f"/v1/customers/{customer_id}"),
         title="customer")
