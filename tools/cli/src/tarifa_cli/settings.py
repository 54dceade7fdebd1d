"""Where the services listen and where the CLI keeps its token."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

__all__ = ["DEFAULT_URLS", "SERVICES", "Settings", "config_dir"]

SERVICES = ("accounts", "rating", "invoicing", "payments", "notifications")
DEFAULT_URLS = {name: f"http://127.0.0.1:{8001 + i}" for i, name in enumerate(SERVICES)}


@dataclass(frozen=True, slots=True)
class Settings:
    urls: dict[str, str]
    config_dir: Path
    as_json: bool = False
    timeout: float = 30.0

    def url(self, service: str) -> str:
        return self.urls[service].rstrip("/")


def config_dir(chosen: str | None) -> Path:
    """``--config-dir``/``TARIFA_CONFIG_DIR``, else the user's config dir (~/.config/tarifa)."""
    return Path(chosen) if chosen else Path(typer.get_app_dir("tarifa"))
