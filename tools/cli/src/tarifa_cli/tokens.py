"""The access token of the last ``tarifa login``, cached in a file only its owner can read."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import NotLoggedIn

__all__ = ["CachedToken", "TokenStore"]


@dataclass(frozen=True, slots=True)
class CachedToken:
    access_token: str
    expires_at: float
    client_id: str
    accounts_url: str


@dataclass(frozen=True, slots=True)
class TokenStore:
    directory: Path

    @property
    def path(self) -> Path:
        return self.directory / "token.json"

    def save(self, token: CachedToken) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(asdict(token), file)

    def load(self) -> CachedToken:
        """The cached token; not logged in when there is none or it has expired."""
        if not self.path.exists():
            raise NotLoggedIn("not logged in")
        token = CachedToken(**json.loads(self.path.read_text()))
        if token.expires_at <= time.time():
            raise NotLoggedIn(f"the token of {token.client_id} has expired")
        return token

    def forget(self) -> bool:
        existed = self.path.exists()
        self.path.unlink(missing_ok=True)
        return existed

