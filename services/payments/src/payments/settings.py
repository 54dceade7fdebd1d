"""Settings of the payments service (prefix ``PAYMENTS_``).

Policy, per currency (JSON maps, e.g. ``PAYMENTS_ONLINE_MAX='{"RON": "5000.00"}'``):
``PAYMENTS_ONLINE_MAX`` (largest online payment, P1), ``PAYMENTS_TOPUP_MIN`` /
``PAYMENTS_TOPUP_MAX`` (prepaid top-up bounds, P3). A currency absent from a map has no such
limit. ``PAYMENTS_LIMITS`` (JSON, currency → kind → ``{"min", "max"}``, kinds ``invoice``,
``advance``, ``topup``, ``another``) overrides the default bounds of RON, MDL, BYN, RUB and EUR
(see payments.domain.default_limits) or adds a currency; ``GET /v1/payment-limits`` publishes
them, and card payments are refused outside them. Card gateway: ``PAYMENTS_GATEWAY_URL`` (the
sandbox gateway's API), ``PAYMENTS_GATEWAY_WEBHOOK_SECRET`` (shared with it; without it card
payments are refused and every webhook is rejected), ``PAYMENTS_PUBLIC_URL`` (where the gateway
reaches this service's webhooks). Autopay: ``PAYMENTS_AUTOPAY_RETRY_DAYS`` (JSON list, days
after each failed attempt until the next, e.g. ``[1, 3, 7]``; never past the invoice's due
date), ``PAYMENTS_AUTOPAY_MAX_ATTEMPTS``, ``PAYMENTS_AUTOPAY_DAYS_BEFORE_DUE`` (unset: an
invoice is paid on issue), ``PAYMENTS_AUTOPAY_INTERVAL`` (seconds between passes of the
autopay job).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Self

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from tarifa.settings import ServiceSettings

__all__ = ["LimitSetting", "PaymentsSettings"]

LimitKind = Literal["invoice", "advance", "topup", "another"]


class LimitSetting(BaseModel):
    """One kind's bounds in one currency, as ``PAYMENTS_LIMITS`` gives them."""

    min: Decimal = Field(gt=0)
    max: Decimal = Field(gt=0)

    @model_validator(mode="after")
    def ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError("a limit's min is at most its max")
        return self


class PaymentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", extra="ignore", frozen=True,
                                      populate_by_name=True)
    service_name: ClassVar[str] = "payments"
    port: int = Field(8004, ge=1, le=65535)

    online_max: dict[str, Decimal] = Field(default_factory=lambda: {"RON": Decimal("5000.00")})
    topup_min: dict[str, Decimal] = Field(default_factory=lambda: {"EUR": Decimal("5.00")})
    topup_max: dict[str, Decimal] = Field(default_factory=lambda: {"EUR": Decimal("100.00")})
    limits: dict[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], dict[LimitKind, LimitSetting]] = (
        Field(default_factory=dict, description="bounds per currency and kind over the defaults"))

    public_url: str = Field("http://127.0.0.1:8004", pattern=r"^https?://")
    gateway_url: str = Field("http://127.0.0.1:8010", pattern=r"^https?://")
    gateway_webhook_secret: SecretStr | None = Field(None, min_length=16)
    gateway_timeout: float = Field(10, gt=0)
    webhook_tolerance: int = Field(300, ge=1, description="seconds a signed webhook stays valid")

    autopay_retry_days: list[Annotated[int, Field(ge=1, le=60)]] = Field(
        default_factory=lambda: [1, 3, 7], max_length=20,
        description="days after each failed autopay attempt until the next")
    autopay_max_attempts: int = Field(4, ge=1, le=21, description="autopay attempts per charge")
    autopay_days_before_due: int | None = Field(None, ge=0, le=60, description="pay an invoice "
                                                "this many days before its due date, not on issue")
    autopay_interval: float = Field(60, gt=0, description="seconds between autopay passes")

    registry_max_rows: int = Field(10_000, ge=1)
    registry_max_bytes: int = Field(5_000_000, ge=1)
