"""A fake suite for the CLI's unit tests: routes answered in memory, every request recorded."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tarifa_cli.app import app
from typer.testing import CliRunner, Result

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeSuite:
    """Answers by (method, path); unknown routes are a 404 problem, as the services answer."""

    config_dir: Path
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, status: int = 200, body: Any = None,
           content: bytes | None = None) -> None:
        def answer(_request: httpx.Request) -> httpx.Response:
            if content is not None:
                return httpx.Response(status, content=content)
            return httpx.Response(status, json=body)
        self.routes[(method, path)] = answer

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        handler = self.routes.get((request.method, request.url.path))
        if handler is None:
            return httpx.Response(404, json={"title": "Not Found", "status": 404,
                                             "detail": f"no route {request.url.path}"})
        return handler(request)

    def run(self, args: Sequence[str], transport: httpx.BaseTransport | None = None) -> Result:
        return CliRunner().invoke(app, ["--config-dir", str(self.config_dir), *args],
                                  obj=transport or httpx.MockTransport(self.handle))

    def login(self) -> None:
        self.on("POST", "/v1/auth/token", body={"access_token": "tok-1", "expires_in": 900})
        assert self.run(["login", "--client-id", "operator", "--client-secret", "s"]).exit_code == 0

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if (r.method, r.url.path) == (method, path)]


def body(request: httpx.Request) -> Any:
    return json.loads(request.content)
