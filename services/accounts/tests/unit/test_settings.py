"""Accounts settings: API clients come from ``ACCOUNTS_CLIENTS`` and default to none."""

from __future__ import annotations

import pytest
from accounts.settings import AccountsSettings
from tarifa.settings import InvalidSettings, load_settings


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCOUNTS_CLIENTS", raising=False)
    monkeypatch.delenv("ACCOUNTS_PORT", raising=False)


def test_no_client_is_known_unless_configured() -> None:
    settings = load_settings(AccountsSettings)
    assert settings.clients == {} and settings.port == 8001


def test_clients_are_read_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCOUNTS_CLIENTS", '{"partner": {"secret": "partner-secret", "role": "partner"}}')
    client = load_settings(AccountsSettings).clients["partner"]
    assert (client.secret.get_secret_value(), client.role) == ("partner-secret", "partner")


@pytest.mark.parametrize("clients", ['{"x": {"secret": "long-enough", "role": "subscriber"}}',
                                     '{"x": {"secret": "short", "role": "operator"}}',
                                     "not json"])
def test_bad_clients_stop_the_service_naming_the_setting(monkeypatch: pytest.MonkeyPatch,
                                                          clients: str) -> None:
    monkeypatch.setenv("ACCOUNTS_CLIENTS", clients)
    with pytest.raises(InvalidSettings, match="ACCOUNTS_CLIENTS"):
        load_settings(AccountsSettings)


def test_policy_defaults_follow_the_contract() -> None:
    settings = load_settings(AccountsSettings)
    assert (settings.otp_validity.total_seconds(), settings.otp_max_tries) == (900, 5)
    assert (settings.postpaid_grace, settings.postpaid_grace_days) == ("end_of_month", None)
    assert str(settings.bonus_point_value) == "0.01" and settings.otp_secret is None


@pytest.mark.parametrize(("name", "value", "read"), [
    ("ACCOUNTS_POSTPAID_GRACE", "10d", ("postpaid_grace_days", 10)),
    ("ACCOUNTS_OTP_VALIDITY", "PT10M", ("otp_validity", 600)),
    ("ACCOUNTS_OTP_VALIDITY", "300", ("otp_validity", 300)),
])
def test_policy_settings_are_read(monkeypatch: pytest.MonkeyPatch, name: str, value: str,
                                  read: tuple[str, int]) -> None:
    monkeypatch.setenv(name, value)
    found = getattr(load_settings(AccountsSettings), read[0])
    assert (found if isinstance(found, int) else found.total_seconds()) == read[1]


@pytest.mark.parametrize(("name", "value"), [
    ("ACCOUNTS_POSTPAID_GRACE", "soon"), ("ACCOUNTS_POSTPAID_GRACE", "-3d"),
    ("ACCOUNTS_OTP_VALIDITY", "PT2H"), ("ACCOUNTS_OTP_MAX_TRIES", "0"),
    ("ACCOUNTS_OTP_SECRET", "short"), ("ACCOUNTS_BONUS_POINT_VALUE", "-0.01"),
])
def test_bad_policy_settings_stop_the_service(monkeypatch: pytest.MonkeyPatch, name: str,
                                              value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(InvalidSettings, match=name):
        load_settings(AccountsSettings)
