"""Settings of the invoicing service (prefix ``INVOICING_``).

Billing policy: ``INVOICING_SERIES`` (invoice number series, ``TRF``), ``INVOICING_DUE_DAY``
(postpaid invoices are due on that day of the month after the period, 16),
``INVOICING_CREDIT_SERIES`` (credit note series, ``TRC``), ``INVOICING_DETAILED_BILL_WINDOW_MONTHS``
(3), ``INVOICING_DETAILED_BILL_FEES`` (JSON, fee per request and direction per currency,
``{"MDL": "50.00"}``; VAT included at ``INVOICING_DETAILED_BILL_VAT_RATE``, 0.20),
``INVOICING_STATEMENT_CHUNK`` (accounts a billing run issues per transaction, 1000),
``INVOICING_STATEMENT_LANES`` (chunks issued at the same time, 2),
``INVOICING_OVERDUE_INTERVAL`` (seconds between two looks for overdue invoices, 300) and
``INVOICING_VERIFY_MAX_BYTES`` (largest PDF the verification endpoint reads, 20 MiB). The
document settings are described in ``invoicing.adapters.pdf.config``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict
from tarifa.money import round_amount
from tarifa.settings import ServiceSettings

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
    overdue_interval: float = Field(300.0, gt=0, description="seconds between overdue checks")
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

    @field_validator("detailed_bill_fees")
    @classmethod
    def _fees_in_minor_units(cls, fees: dict[str, Decimal]) -> dict[str, Decimal]:
        for currency, fee in fees.items():
            if fee < 0 or round_amount(fee, currency) != fee:
                raise ValueError(f"the {currency} fee {fee} is not an amount of {currency}")
        return {currency: round_amount(fee, currency) for currency, fee in fees.items()}
