"""CORS: browsers of the origins named in TARIFA_CORS_ORIGINS may call a service, others not."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter
from tarifa.auth import public
from tarifa.runtime import build_runtime, create_app
from tarifa.settings import InvalidSettings, ServiceSettings, load_settings
from tarifa.web.access import GuardedRoute

CABINET = "http://127.0.0.1:8006"


def _app(origins: str) -> httpx.AsyncClient:
    router = APIRouter(route_class=GuardedRoute)

    @router.get("/v1/ping", dependencies=[public("a probe of the test")])
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    runtime = build_runtime(ServiceSettings(cors_origins=origins))
    app = create_app(runtime, title="cors", routers=[router])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def _preflight(client: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await client.options("/v1/ping", headers={
        "Origin": origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})


async def test_a_named_origin_is_answered() -> None:
    async with _app(f"{CABINET}, https://my.operator.md") as client:
        preflight = await _preflight(client, CABINET)
        call = await client.get("/v1/ping", headers={"Origin": "https://my.operator.md"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == CABINET
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert call.headers["access-control-allow-origin"] == "https://my.operator.md"


async def test_other_origins_and_an_empty_setting_get_no_cors_headers() -> None:
    async with _app(CABINET) as client:
        other = await client.get("/v1/ping", headers={"Origin": "https://evil.example"})
    async with _app("") as client:
        none = await client.get("/v1/ping", headers={"Origin": CABINET})
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in none.headers
    assert none.json() == {"pong": "yes"}


def test_an_origin_with_a_path_stops_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARIFA_CORS_ORIGINS", "http://127.0.0.1:8006/app")
    with pytest.raises(InvalidSettings, match="TARIFA_CORS_ORIGINS"):
        load_settings(ServiceSettings)
