"""The web app as static files, with the operator's config.json in place of the built one."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from selfcare.settings import SelfcareSettings

__all__ = ["build_app"]

SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY"}
NO_STORE = {"Cache-Control": "no-store"}


def _read_config(path: Path) -> dict[str, object]:
    """Read once at start: a broken file stops the server, not each browser."""
    loaded = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict) or not isinstance(loaded.get("api"), dict):
        raise SystemExit(f"selfcare: {path} is not a config with an \"api\" object")
    return loaded


def build_app(settings: SelfcareSettings) -> ASGIApp:
    index = settings.dist / "index.html"
    if not index.is_file():
        raise SystemExit(f"selfcare: {index} is missing; build the web app (npm run build)")
    config = _read_config(settings.config_file or settings.dist / "config.json")

    async def config_json(_request: Request) -> Response:
        return JSONResponse(config, headers=NO_STORE)

    async def home(_request: Request) -> Response:
        return FileResponse(index, headers=NO_STORE)

    app = Starlette(routes=[Route("/config.json", config_json), Route("/", home),
                            Mount("/", StaticFiles(directory=settings.dist))])
    return _Headers(app)


class _Headers:
    """Adds the security headers to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_RAW]
            await send(message)

        await self._app(scope, receive, with_headers)


_SECURITY_RAW = [(k.lower().encode(), v.encode()) for k, v in SECURITY.items()]
