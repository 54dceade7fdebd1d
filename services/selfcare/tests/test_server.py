"""The cabinet's server: the built files, the operator's config.json, security headers."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from selfcare.app import build_app
from selfcare.settings import SelfcareSettings

CONFIG = {"operator": "Orange Test", "api": {"accounts": "https://api.example.md/accounts"},
          "defaultLanguage": "ru"}


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>cabinet</title>")
    (tmp_path / "config.json").write_text(json.dumps({"operator": "Built", "api": {}}))
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log('cabinet')")
    return tmp_path


def _client(settings: SelfcareSettings) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=build_app(settings)),
                             base_url="http://cabinet")


async def test_the_operators_config_replaces_the_built_one(dist: Path, tmp_path: Path) -> None:
    own = tmp_path / "operator.json"
    own.write_text(json.dumps(CONFIG))
    async with _client(SelfcareSettings(dist=dist, config_file=own)) as client:
        config = await client.get("/config.json")
        home = await client.get("/")
        script = await client.get("/assets/app.js")
    assert config.json() == CONFIG and config.headers["cache-control"] == "no-store"
    assert "cabinet" in home.text and home.headers["x-frame-options"] == "DENY"
    assert script.text == "console.log('cabinet')"
    assert script.headers["x-content-type-options"] == "nosniff"


async def test_without_a_config_file_the_built_one_is_served(dist: Path) -> None:
    async with _client(SelfcareSettings(dist=dist)) as client:
        config = await client.get("/config.json")
        missing = await client.get("/nothing.js")
    assert config.json()["operator"] == "Built"
    assert missing.status_code == 404


def test_an_unbuilt_app_or_a_config_without_apis_stops_the_server(dist: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="npm run build"):
        build_app(SelfcareSettings(dist=tmp_path / "empty"))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"operator": "No APIs"}))
    with pytest.raises(SystemExit, match='"api"'):
        build_app(SelfcareSettings(dist=dist, config_file=broken))
