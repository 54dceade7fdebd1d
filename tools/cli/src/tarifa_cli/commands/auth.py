"""``tarifa login`` and ``tarifa logout``: client credentials for a token, cached for later commands."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..output import emit
from ..state import state
from ..tokens import CachedToken

__all__ = ["login", "logout"]


def login(
    ctx: typer.Context,
    client_id: Annotated[str, typer.Option(envvar="TARIFA_CLIENT_ID", help="OAuth client id")],
    client_secret: Annotated[str, typer.Option(
        envvar="TARIFA_CLIENT_SECRET", prompt=True, hide_input=True, help="its secret")],
) -> None:
    """Exchange client credentials for a token (accounts POST /v1/auth/token) and cache it."""
    current = state(ctx)
    answer = current.api(authenticated=False).json("accounts", "POST", "/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret})
    expires_at = time.time() + int(answer["expires_in"])
    current.tokens.save(CachedToken(answer["access_token"], expires_at, client_id,
                                    current.settings.url("accounts")))
    emit(current.as_json, {"client_id": client_id, "expires_in": answer["expires_in"],
                           "token_file": str(current.tokens.path)}, title="logged in")


def logout(ctx: typer.Context) -> None:
    """Forget the cached token."""
    current = state(ctx)
    emit(current.as_json, {"forgotten": current.tokens.forget()}, title="logged out")
