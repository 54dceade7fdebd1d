"""What every command gets from the root options: settings, the token cache and the API client."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import typer

from .client import Api
from .settings import Settings
from .tokens import TokenStore

__all__ = ["State", "state"]


@dataclass
class State:
    settings: Settings
    transport: httpx.BaseTransport | None = None

    @property
    def tokens(self) -> TokenStore:
        return TokenStore(self.settings.config_dir)

    @property
    def as_json(self) -> bool:
        return self.settings.as_json

    def api(self, authenticated: bool = True) -> Api:
        token = self.tokens.load().access_token if authenticated else None
        return Api(self.settings, token, self.transport)


def state(ctx: typer.Context) -> State:
    found = ctx.find_object(State)
    assert found is not None, "the root callback sets the state"
    return found
