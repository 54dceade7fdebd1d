"""Settings of the sandbox card gateway (prefix ``GATEWAY_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["GatewaySettings"]


class GatewaySettings(BaseSettings):
    """``GATEWAY_WEBHOOK_SECRET`` is shared with the merchant (``PAYMENTS_GATEWAY_WEBHOOK_SECRET``):
    it signs the webhooks and authenticates the merchant's API calls."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8010, ge=1, le=65535)
    public_url: str = Field("http://127.0.0.1:8010", description="where browsers reach the pages")
    webhook_secret: SecretStr = Field(min_length=16)
    webhook_attempts: int = Field(5, ge=1, le=20)
    webhook_backoff: float = Field(0.5, gt=0, description="seconds before the first retry; doubles")
    webhook_timeout: float = Field(10, gt=0)
    charge_delay: float = Field(30, ge=0, description="seconds a tok_timeout_… charge waits "
                                                      "before it answers")
