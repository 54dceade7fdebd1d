"""Settings of the cabinet's server (prefix ``SELFCARE_``).

``SELFCARE_DIST`` is the built web app (``npm run build`` in ``services/selfcare/web``);
``SELFCARE_CONFIG_FILE`` is the operator's config.json (API base URLs, operator name, logo,
colours, default language), answered at ``/config.json`` instead of the one built in.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["BUILT", "SelfcareSettings"]

BUILT = Path(__file__).resolve().parents[2] / "web" / "dist"


class SelfcareSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SELFCARE_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8006, ge=1, le=65535)
    dist: Path = Field(BUILT, description="the built web app")
    config_file: Path | None = Field(None, description="the operator's config.json")
