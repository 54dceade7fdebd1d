"""Settings every service reads; each service subclasses ``ServiceSettings`` with its prefix.

Common settings use the ``TARIFA_`` names of the contract; a service's own settings use its
prefix (``ACCOUNTS_PORT``...). ``load_settings`` stops the process with the name of the setting
that is wrong.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, TypeVar

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tarifa.messaging.addresses import split_addresses
from tarifa.tokens import PinnedKeys

__all__ = ["InvalidSettings", "ServiceSettings", "load_settings"]

S = TypeVar("S", bound="ServiceSettings")


class InvalidSettings(SystemExit):
    """Raised at start when a setting is missing or wrong; the message names it."""


def _common(name: str) -> AliasChoices:
    return AliasChoices(f"TARIFA_{name}", name.lower())


class ServiceSettings(BaseSettings):
    """Settings shared by the five services."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True, populate_by_name=True)
    service_name: ClassVar[str] = "service"

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    database_url: str | None = None
    server_database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432", validation_alias=_common("DATABASE_URL")
    )
    amqp_url: str = Field(
        "amqp://guest:guest@127.0.0.1:5672/", validation_alias=_common("AMQP_URL"),
        description="the broker's amqp(s):// URL, or several comma-separated (cluster nodes)")
    jwt_issuer: str = Field("tarifa-accounts", validation_alias=_common("JWT_ISSUER"),
                            min_length=1, description="the iss of the tokens accounts signs")
    jwt_audience: str = Field("tarifa", validation_alias=_common("JWT_AUDIENCE"), min_length=1,
                              description="the aud of the tokens, checked by every service")
    jwks_url: str = Field("http://127.0.0.1:8001/.well-known/jwks.json",
                          validation_alias=_common("JWKS_URL"),
                          description="accounts' public keys, fetched to verify tokens")
    jwt_public_key: str | None = Field(
        None, validation_alias=_common("JWT_PUBLIC_KEY"),
        description="PEM of accounts' Ed25519 public key: pins it instead of fetching the JWKS")
    test_mode: bool = Field(False, validation_alias=_common("TEST_MODE"))
    log_json: bool | None = Field(None, validation_alias=_common("LOG_JSON"))
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", validation_alias=_common("LOG_LEVEL"))
    relay_interval: float = Field(0.2, gt=0)
    db_pool_size: int = Field(10, ge=1, le=100, description=(
        "database connections kept per process (as many more open under load): size it for the "
        "consumers and requests a process runs at once, times the replicas, within the server's "
        "max_connections"))
    cors_origins: str = Field(
        "", validation_alias=_common("CORS_ORIGINS"),
        description="comma-separated origins whose browsers may call the API; empty: none")

    @field_validator("jwt_public_key")
    @classmethod
    def _ed25519(cls, value: str | None) -> str | None:
        if value is not None:
            PinnedKeys.from_pem(value)
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in filter(None, (o.strip() for o in value.split(","))):
            if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
                raise ValueError(f"{origin!r} is not an origin (scheme://host[:port], no path)")
        return value

    @field_validator("amqp_url")
    @classmethod
    def _amqp_addresses(cls, value: str) -> str:
        # the message names the entry by its place, not its text: a URL may carry a password
        if re.search(r"[\x00-\x1f\x7f]", value):
            raise ValueError("control characters in the AMQP address list")
        addresses = split_addresses(value)
        if not addresses:
            raise ValueError("no AMQP address given")
        for place, address in enumerate(addresses, 1):
            if not re.fullmatch(r"amqps?://[^\s/]+(/\S*)?", address):
                raise ValueError(f"address {place} is not an amqp:// or amqps:// URL")
        return value

    @property
    def allowed_origins(self) -> list[str]:
        """The origins of ``cors_origins``, without blanks."""
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def database_name(self) -> str:
        return f"tarifa_{self.service_name}"

    @property
    def dsn(self) -> str:
        """The SQLAlchemy asyncpg URL of this service's own database."""
        url = self.database_url or f"{self.server_database_url.rstrip('/')}/{self.database_name}"
        return url.replace("postgresql://", "postgresql+asyncpg://", 1).replace(
            "postgres://", "postgresql+asyncpg://", 1
        )


def _env_name(cls: type[ServiceSettings], field: str) -> str:
    info = cls.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, AliasChoices):
        return str(info.validation_alias.choices[0])
    return f"{cls.model_config.get('env_prefix', '')}{field}".upper()


def load_settings(cls: type[S]) -> S:
    """Build the settings from the environment, or stop with the names of the wrong settings."""
    try:
        return cls()
    except ValidationError as exc:
        wrong = "; ".join(
            f"{_env_name(cls, str(err['loc'][0]))}: {err['msg']}" for err in exc.errors()
        )
        raise InvalidSettings(f"{cls.service_name}: invalid settings: {wrong}") from exc
