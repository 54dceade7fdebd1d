"""Tarifa's command-line client, over the five services' /v1 APIs.

Exit codes: 0 done; 1 refused by the API (its problem detail printed), a failed billing run or
a document that does not verify; 2 a usage error (bad arguments or files, not logged in);
3 a service unreachable.
"""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import typer

from .commands import accounts, auth, billing, customers, documents, invoices, lines, plans, usage
from .errors import ExitCodes
from .settings import DEFAULT_URLS, Settings, config_dir
from .state import State

HELP = ("Tarifa's command-line client, over the five services' /v1 APIs.\n\n"
        "Exit codes: 0 done; 1 refused by the API (its problem detail printed), a failed "
        "billing run or a document that does not verify; 2 a usage error (bad arguments or "
        "files, not logged in); 3 a service unreachable.")
app = typer.Typer(name="tarifa", cls=ExitCodes, help=HELP, no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.command()(auth.login)
app.command()(auth.logout)
for name, group in (("plans", plans.app), ("customers", customers.app),
                    ("accounts", accounts.app), ("lines", lines.app), ("usage", usage.app),
                    ("billing", billing.app), ("invoices", invoices.app),
                    ("documents", documents.app)):
    app.add_typer(group, name=name)


def _url(service: str) -> Any:
    return typer.Option(f"--{service}-url", envvar=f"TARIFA_{service.upper()}_URL",
                        help=f"base URL of {service}", show_default=True)


@app.callback()
def root(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="print the API's JSON")] = False,
    accounts_url: Annotated[str, _url("accounts")] = DEFAULT_URLS["accounts"],
    rating_url: Annotated[str, _url("rating")] = DEFAULT_URLS["rating"],
    invoicing_url: Annotated[str, _url("invoicing")] = DEFAULT_URLS["invoicing"],
    payments_url: Annotated[str, _url("payments")] = DEFAULT_URLS["payments"],
    notifications_url: Annotated[str, _url("notifications")] = DEFAULT_URLS["notifications"],
    config: Annotated[str | None, typer.Option(
        "--config-dir", envvar="TARIFA_CONFIG_DIR", help="where the token is cached")] = None,
    timeout: Annotated[float, typer.Option(min=0.1, help="seconds per request")] = 30.0,
) -> None:
    urls = {"accounts": accounts_url, "rating": rating_url, "invoicing": invoicing_url,
            "payments": payments_url, "notifications": notifications_url}
    transport = ctx.obj if isinstance(ctx.obj, httpx.BaseTransport) else None
    ctx.obj = State(Settings(urls, config_dir(config), as_json, timeout), transport)


def main() -> None:
    app()
