"""Settings of the accounts service (prefix ``ACCOUNTS_``)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from tarifa.settings import ServiceSettings

__all__ = ["AccountsSettings", "ClientSetting"]


class ClientSetting(BaseModel):
    """One API client of the token endpoint."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    secret: SecretStr = Field(min_length=8)
    role: Literal["operator", "partner", "mediation"]


class AccountsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCOUNTS_", extra="ignore", frozen=True,
                                      populate_by_name=True)
    service_name: ClassVar[str] = "accounts"
    port: int = Field(8001, ge=1, le=65535)
    clients: Annotated[dict[str, ClientSetting], NoDecode] = Field(
        default_factory=dict,
        description='JSON: {"<client_id>": {"secret": "...", "role": "operator"|"partner"|'
                    '"mediation"}}; empty by default so that no deployment starts with known '
                    "secrets")
    ebill_bonus_points: int = Field(300, ge=0, description="points for the first switch to e-bill")
    suspension_max_days: int = Field(60, ge=1, le=3660,
                                     description="longest voluntary suspension per request")
    promised_payment_days: int = Field(3, ge=1, le=365,
                                       description="how long a promised payment lifts a block")
    promised_payment_reuse_days: int = Field(
        30, ge=0, le=3660, description="days after a promised payment before the next one")
    jobs_interval: float = Field(
        60.0, gt=0, description="seconds between two looks for due resumes, expiries and changes")
    postpaid_grace: str = Field(
        "end_of_month", pattern=r"^(end_of_month|[0-9]{1,3}d)$",
        description="how long a postpaid invoice may stay unpaid past its due date before the "
                    "account is blocked: 'end_of_month' (of the month the invoice is due) or "
                    "a number of days such as '10d'")
    otp_validity: timedelta = Field(
        timedelta(minutes=15), description="lifetime of a one-time code: seconds or ISO 8601 "
                                           "(PT15M)")
    otp_max_tries: int = Field(5, ge=1, le=20, description="wrong tries that void a code")
    otp_per_number: int = Field(5, ge=1, description="codes one number may ask for per hour")
    otp_per_client: int = Field(30, ge=1,
                                description="codes one client address may ask for per hour")
    otp_secret: SecretStr | None = Field(
        None, min_length=32, description="HMAC key of the stored code hashes; derived from "
                                         "the token signing key when unset")
    jwt_key_file: Path = Field(
        Path("var/accounts/jwt-signing-key.pem"),
        description="PEM (PKCS#8) of the Ed25519 key that signs the tokens; made at first start "
                    "when the file does not exist")
    login_max_failures: int = Field(5, ge=1, le=100,
                                    description="wrong passwords or setup codes in a row that "
                                                "lock a subscriber login")
    login_lockout: timedelta = Field(
        timedelta(minutes=15), description="how long a locked login stays locked: seconds or "
                                           "ISO 8601 (PT15M)")
    login_setup_validity: timedelta = Field(
        timedelta(days=14), description="how long the setup code of a new or reset login lasts")
    number_quarantine_days: int = Field(
        90, ge=0, le=3660, description="days a closed line's number waits before a new line "
                                       "may get it")
    password_min_length: int = Field(10, ge=8, le=128,
                                     description="the shortest password a subscriber may set")
    bonus_point_value: Decimal = Field(
        Decimal("0.01"), ge=0, max_digits=12, decimal_places=6,
        description="account credit per redeemed bonus point, in the account currency")

    @field_validator("otp_validity", "login_lockout", "login_setup_validity", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        """A plain number in the environment counts seconds."""
        return int(value) if isinstance(value, str) and value.strip().isdigit() else value

    @field_validator("otp_validity")
    @classmethod
    def _validity(cls, value: timedelta) -> timedelta:
        if not timedelta(minutes=1) <= value <= timedelta(hours=1):
            raise ValueError("a one-time code lives between 1 and 60 minutes")
        return value

    @field_validator("login_lockout", "login_setup_validity")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be longer than zero")
        return value

    @property
    def postpaid_grace_days(self) -> int | None:
        """Days of grace after the due date; None for the end of the month it is due."""
        match = re.fullmatch(r"([0-9]+)d", self.postpaid_grace)
        return int(match.group(1)) if match else None

    @field_validator("clients", mode="before")
    @classmethod
    def _json(cls, value: Any) -> Any:
        """Read the JSON here so that a malformed value is reported like any wrong setting."""
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc.msg}") from exc
