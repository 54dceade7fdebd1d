"""Settings of the notifications service (prefix ``NOTIFICATIONS_``)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict
from tarifa.currencies import UnknownCurrency, check_currency
from tarifa.settings import ServiceSettings

__all__ = ["NotificationsSettings"]


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True,
                                      populate_by_name=True)
    service_name: ClassVar[str] = "notifications"
    port: int = Field(8005, ge=1, le=65535)
    db_pool_size: int = Field(20, ge=1, le=100, description=(
        "database connections kept per process (as many more open under load, each closed after "
        "its transaction): the NOTIFICATIONS_SEND_CONCURRENCY attempts, the consumers and the "
        "relay at once; times the replicas, within the server's max_connections"))

    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(1025, ge=1, le=65535)
    smtp_from: str = Field("billing@tarifa.local", min_length=3, pattern=r"^[^@\s]+@[^@\s]+$")
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = Field(10.0, gt=0)
    smtp_connections: int = Field(4, ge=1, le=64,
                                  description="SMTP connections kept open to the mail server")
    low_balance: dict[str, Decimal] = Field(
        default_factory=dict, description="per currency (JSON, e.g. {\"MDL\": \"20.00\"}): a "
        "notice when a balance falls below it, once per crossing; unset: only below zero")
    # SMS goes to the operator's SMSC over SMPP; these name the peer for the SMS channel.
    smpp_host: str = "127.0.0.1"
    smpp_port: int = Field(2775, ge=1, le=65535)
    smpp_system_id: str = Field("tarifa", min_length=1, max_length=15,
                                description="the ESME's system_id for bind_transceiver")
    smpp_password: SecretStr = Field(SecretStr("tarifa"), description="at most 8 characters")
    smpp_source_address: str = Field(
        "Tarifa", min_length=1, max_length=20, pattern=r"^(\+?[0-9]{1,15}|[A-Za-z0-9 ]{1,11})$",
        description="sender shown on the phone: an international number or up to 11 letters")
    smpp_timeout: float = Field(10.0, gt=0, description="seconds to wait for the SMSC's answer")
    smpp_reconnect_interval: float = Field(5.0, gt=0, description="seconds between two binds")
    smpp_enquire_interval: float = Field(30.0, gt=0, description="seconds between keep-alives")

    invoicing_url: str = "http://127.0.0.1:8003"
    invoicing_timeout: float = Field(10.0, gt=0)
    invoicing_connections: int = Field(
        8, ge=1, le=100, description="HTTP connections to invoicing at most: PDF fetches beyond "
        "them wait for a free one (each fetch holds one of invoicing's database connections)")
    accounts_url: str = Field("http://127.0.0.1:8001",
                              description="where the service asks for its own token")
    client_id: str = Field("notifications", min_length=1,
                           description="the service's API client at accounts (role operator): "
                                       "its token fetches the invoice PDFs from invoicing")
    client_secret: SecretStr = Field(SecretStr(""), description="that API client's secret")

    send_max_attempts: int = Field(10, ge=1, le=1000)
    send_retry_base: float = Field(30.0, gt=0, description="seconds before the first retry")
    send_retry_max: float = Field(3600.0, gt=0, description="longest wait between two attempts")
    send_concurrency: int = Field(
        2, ge=1, le=64, description="batches of deliveries a process attempts at once, each in "
        "its own transaction (a database connection each): while one batch's messages go out, "
        "the next is read")
    send_batch: int = Field(
        32, ge=1, le=256, description="deliveries attempted together in one transaction: e-mails "
        "beyond NOTIFICATIONS_SMTP_CONNECTIONS fetch their PDF while they wait for a connection")
    dispatch_interval: float = Field(1.0, gt=0, description="seconds between two looks for due messages")

    # Webhooks: each event POSTed to the endpoints that asked for its type.
    webhook_timeout: float = Field(10.0, gt=0, description="seconds to wait for an endpoint's answer")
    webhook_retry_base: float = Field(30.0, gt=0, description="seconds before a webhook's first retry")
    webhook_retry_max: float = Field(3600.0, gt=0, description="longest wait between two attempts")
    webhook_retry_window: float = Field(86400.0, gt=0,
                                        description="seconds after an event within which it is retried")
    webhook_disable_after: int = Field(
        50, ge=1, le=100_000, description="consecutive failed attempts that disable an endpoint")
    webhook_rotation_grace: float = Field(
        86400.0, ge=0, description="seconds a rotated-out secret keeps signing beside the new one")
    webhook_allow_private: bool = Field(
        False, description="send webhooks to loopback, private and link-local addresses too "
                           "(local development and tests only: such targets are the suite's own "
                           "network)")

    @field_validator("low_balance")
    @classmethod
    def _thresholds(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for currency, threshold in value.items():
            try:
                check_currency(currency)
            except UnknownCurrency as exc:
                raise ValueError(str(exc)) from exc
            if not threshold.is_finite() or threshold < 0:
                raise ValueError(f"the low-balance threshold of {currency} must not be negative")
        return value

    @field_validator("smpp_password")
    @classmethod
    def _smpp_password_fits(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) > 8:
            raise ValueError("an SMPP 3.4 password has at most 8 characters")
        return value
