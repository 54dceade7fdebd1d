"""Settings come from the environment; a wrong one stops the process naming the variable."""

from __future__ import annotations

from typing import ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import Field
from pydantic_settings import SettingsConfigDict
from tarifa.settings import InvalidSettings, ServiceSettings, load_settings

RSA_PUBLIC_PEM = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key(
).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


class SampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SAMPLE_", extra="ignore", frozen=True,
                                      populate_by_name=True)
    service_name: ClassVar[str] = "sample"
    port: int = Field(8099, ge=1, le=65535)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TARIFA_JWT_PUBLIC_KEY", "TARIFA_JWKS_URL", "TARIFA_JWT_ISSUER", "TARIFA_JWT_AUDIENCE",
                 "TARIFA_DATABASE_URL", "TARIFA_AMQP_URL", "TARIFA_TEST_MODE",
                 "TARIFA_LOG_JSON", "TARIFA_LOG_LEVEL", "SAMPLE_PORT", "SAMPLE_DATABASE_URL", "SAMPLE_HOST"):
        monkeypatch.delenv(name, raising=False)


def test_settings_come_from_the_common_and_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARIFA_TEST_MODE", "true")
    monkeypatch.setenv("TARIFA_AMQP_URL", "amqp://u:p@broker:5672/v")
    monkeypatch.setenv("SAMPLE_PORT", "9123")
    settings = load_settings(SampleSettings)
    assert settings.test_mode is True
    assert settings.amqp_url == "amqp://u:p@broker:5672/v"
    assert settings.port == 9123


def test_the_database_defaults_to_the_service_database_on_the_common_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TARIFA_DATABASE_URL", "postgresql://pg@db:5433/")
    assert load_settings(SampleSettings).dsn == "postgresql+asyncpg://pg@db:5433/tarifa_sample"
    monkeypatch.setenv("SAMPLE_DATABASE_URL", "postgres://pg@other/mine")
    assert load_settings(SampleSettings).dsn == "postgresql+asyncpg://pg@other/mine"


@pytest.mark.parametrize("pem", ["not a key", RSA_PUBLIC_PEM])
def test_a_public_key_that_is_not_ed25519_is_named(monkeypatch: pytest.MonkeyPatch,
                                                   pem: str) -> None:
    monkeypatch.setenv("TARIFA_JWT_PUBLIC_KEY", pem)
    with pytest.raises(InvalidSettings, match="TARIFA_JWT_PUBLIC_KEY") as caught:
        load_settings(SampleSettings)
    assert "sample" in str(caught.value)


def test_tokens_are_checked_for_the_suite_issuer_and_audience_by_default() -> None:
    settings = load_settings(SampleSettings)
    assert (settings.jwt_issuer, settings.jwt_audience) == ("tarifa-accounts", "tarifa")
    assert settings.jwks_url == "http://127.0.0.1:8001/.well-known/jwks.json"


@pytest.mark.parametrize("port", ["0", "70000", "eighty"])
def test_a_bad_port_is_named(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("SAMPLE_PORT", port)
    with pytest.raises(InvalidSettings, match="SAMPLE_PORT"):
        load_settings(SampleSettings)


def test_a_bad_test_mode_flag_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARIFA_TEST_MODE", "perhaps")
    with pytest.raises(InvalidSettings, match="TARIFA_TEST_MODE"):
        load_settings(SampleSettings)


def test_the_log_level_comes_from_the_environment_and_a_wrong_one_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings(SampleSettings).log_level == "info"
    monkeypatch.setenv("TARIFA_LOG_LEVEL", "warning")
    assert load_settings(SampleSettings).log_level == "warning"
    monkeypatch.setenv("TARIFA_LOG_LEVEL", "loud")
    with pytest.raises(InvalidSettings, match="TARIFA_LOG_LEVEL"):
        load_settings(SampleSettings)
