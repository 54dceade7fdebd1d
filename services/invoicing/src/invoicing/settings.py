"""Settings of the invoicing service (prefix ``INVOICING_``).

Billing policy: ``INVOICING_SERIES`` (invoice number series, ``TRF``), ``INVOICING_DUE_DAY``
(postpaid invoices are due on that day of the month after the period, 16),
``INVOICING_CREDIT_SERIES`` (credit note series, ``TRC``), ``INVOICING_DETAILED_BILL_WINDOW_MONTHS``
(3), ``INVOICING_DETAILED_BILL_FEES`` (JSON, fee per request and direction per currency,
``{"MDL": "50.00"}``; VAT included at ``INVOICING_DETAILED_BILL_VAT_RATE``, 0.20),
``INVOICING_DETAILED_BILL_FREE_ONLINE`` (false: records on request are charged),
``INVOICING_DETAILED_BILL_MONTHLY_FEES`` (JSON, monthly fee of the detailed bill by email,
``{"MDL": "50.00"}``), ``INVOICING_DETAILED_BILL_INTERVAL`` (seconds between two looks for
monthly detailed bills due, 3600), ``INVOICING_RATING_URL`` (rating's API for the records of
detailed bills, read with the token of ``INVOICING_CLIENT_ID``/``INVOICING_CLIENT_SECRET`` from
``INVOICING_ACCOUNTS_URL``; empty: the ledger's rated items instead),
``INVOICING_STATEMENT_CHUNK`` (accounts a billing run issues per transaction, 1000),
``INVOICING_STATEMENT_LANES`` (chunks issued at the same time, 2),
``INVOICING_OVERDUE_INTERVAL`` (seconds between two looks for overdue invoices, 300),
``INVOICING_REMINDER_DAYS`` (an unpaid invoice is reminded of that many days before its due
date, once; 3, 0: never), ``INVOICING_BILLING_DAY`` (the day of the month, 1–28, on which
invoicing starts the previous month's billing run by itself, at ``INVOICING_BILLING_HOUR``, 2,
in ``INVOICING_BILLING_TIMEZONE``, UTC; unset: runs are started by hand only),
``INVOICING_BILLING_SCHEDULE_INTERVAL`` (seconds between two looks at the schedule, 300) and
``INVOICING_VERIFY_MAX_BYTES`` (largest PDF the verification endpoint reads, 20 MiB). The
document settings are described in ``invoicing.adapters.pdf.config``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict
from tarifa.money import round_amount
from tarifa.settings import ServiceSettings

from invoicing.domain.schedule import RunSchedule

__all__ = ["InvoicingSettings"]


class InvoicingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INVOICING_", extra="ignore", frozen=True,
                                      populate_by_name=True)
    service_name: ClassVar[str] = "invoicing"
    port: int = Field(8003, ge=1, le=65535)

    series: str = Field("TRF", pattern=r"^[A-Z0-9]{1,10}$")
    due_day: int = Field(16, ge=1, le=28)
    render_batch: int = Field(100, ge=1, le=1000)
    statement_chunk: int = Field(1000, ge=1, le=10_000,
                                 description="accounts whose statements one transaction issues")
    statement_lanes: int = Field(2, ge=1, le=16,
                                 description="chunks of a billing run issued at the same time")
    credit_series: str = Field("TRC", pattern=r"^[A-Z0-9]{1,10}$")
    detailed_bill_window_months: int = Field(3, ge=1, le=24)
    detailed_bill_fees: dict[str, Decimal] = Field(
        default_factory=lambda: {"MDL": Decimal("50.00")},
        description="fee per detailed bill request and direction, per currency, VAT included")
    detailed_bill_vat_rate: Decimal = Field(Decimal("0.20"), ge=0, le=1)
    detailed_bill_free_online: bool = Field(
        False, description="records on request are free (seed 000); else each request is charged")
    detailed_bill_monthly_fees: dict[str, Decimal] = Field(
        default_factory=lambda: {"MDL": Decimal("50.00")},
        description="monthly fee of the detailed bill by email, per currency, VAT included")
    detailed_bill_interval: float = Field(
        3600.0, gt=0, description="seconds between two looks for monthly detailed bills due")
    rating_url: str = Field("", description="rating's API, read for the records of detailed "
                                            "bills; empty: the ledger's rated items instead")
    rating_timeout: float = Field(10.0, gt=0)
    accounts_url: str = Field("http://127.0.0.1:8001",
                              description="accounts' API, which issues the service's own token")
    client_id: str = Field("invoicing", min_length=1,
                           description="the service's API client at accounts (role operator)")
    client_secret: SecretStr = Field(SecretStr(""), description="that API client's secret")
    overdue_interval: float = Field(300.0, gt=0, description="seconds between overdue checks")
    reminder_days: int = Field(3, ge=0, le=60, description="days before the due date an unpaid "
                                                         "invoice is reminded of (0: never)")
    billing_day: int | None = Field(None, ge=1, le=28,
                                    description="day the month's billing run starts by itself")
    billing_hour: int = Field(2, ge=0, le=23)
    billing_timezone: str = "UTC"
    billing_schedule_interval: float = Field(300.0, gt=0)
    verify_max_bytes: int = Field(20 * 1024 * 1024, ge=1024)

    documents_dir: Path = Path("var/invoicing")
    fonts_dir: Path = Path("/usr/share/fonts/truetype/dejavu")
    signing_key: str = ""
    signing_cert: str = ""
    signing_passphrase: SecretStr | None = None
    trust_roots: str = ""
    tsa_url: str = ""
    signing_workers: int = Field(0, ge=0)
    operator_name: str = "Tarifa Telecom"
    operator_address: str = ""
    operator_fiscal_code: str = ""
    operator_bank_account: str = ""

    @field_validator("billing_timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {zone!r}") from exc
        return zone

    def billing_schedule(self) -> RunSchedule | None:
        """The policy's billing day and hour; none without a billing day."""
        if self.billing_day is None:
            return None
        return RunSchedule(self.billing_day, self.billing_hour, self.billing_timezone)

    @field_validator("detailed_bill_fees", "detailed_bill_monthly_fees")
    @classmethod
    def _fees_in_minor_units(cls, fees: dict[str, Decimal]) -> dict[str, Decimal]:
        for currency, fee in fees.items():
            if fee < 0 or round_amount(fee, currency) != fee:
                raise ValueError(f"the {currency} fee {fee} is not an amount of {currency}")
        return {currency: round_amount(fee, currency) for currency, fee in fees.items()}
