"""HTTP bodies of the invoicing API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from tarifa.fields import NoControl, SaneDate

__all__ = [
    "BalanceOut",
    "BillingRunBody",
    "BillingRunOut",
    "CreditNoteBody",
    "CreditNoteOut",
    "DetailedBillBody",
    "DetailedBillOut",
    "DetailedBillStartedOut",
    "InvoiceLineOut",
    "InvoiceOut",
    "MovementOut",
    "RunFailureOut",
    "RunStagesOut",
    "RunStartedOut",
    "VatRateOut",
    "VerificationOut",
]

AccountId = Annotated[str, StringConstraints(min_length=1, max_length=64), NoControl]
AmountText = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)?$", max_length=20)]


class BalanceOut(BaseModel):
    balance: Decimal = Field(description="positive: advance (credit); negative: debt")
    currency: str


class MovementOut(BaseModel):
    id: str
    kind: str = Field(examples=["charge", "payment", "credit", "refund"])
    type: str
    date: date
    amount: Decimal = Field(description="signed: charges and refunds negative, payments and "
                                        "credits positive")
    currency: str
    msisdn: str | None
    direction: str | None
    description: str
    quantity: Decimal
    unit: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    channel: str
    reference: str
    invoice_id: str | None = Field(description="the invoice whose statement shows the movement")
    reverses: str | None = Field(None, description="a refund: the payment movement it gives "
                                                   "money back from")


class MovementPageOut(BaseModel):
    items: list[MovementOut] = Field(description="in the asked order")
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class BillingRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period_end: SaneDate = Field(description="the last day of a month, not after today")
    account_ids: list[AccountId] | None = Field(None, min_length=1, max_length=10_000)


class RunStartedOut(BaseModel):
    id: str
    status: str


class RunStagesOut(BaseModel):
    """How far a run's accounts went, stage by stage."""

    issued: int = Field(description="statements issued with their number")
    documents: int = Field(description="of those, documents made and stored")
    delivered: int = Field(description="of those, announced (invoicing.invoice.issued "
                                       "published: the e-bill is mailed)")
    failed: int = Field(description="accounts the run could not bill (see failures)")


class RunFailureOut(BaseModel):
    account_id: str
    reason: str
    failed_at: datetime


class BillingRunOut(BaseModel):
    id: str
    status: str = Field(examples=["running", "completed", "failed"])
    period_end: date
    accounts: int
    issued: int = Field(description="invoices issued by this run")
    skipped: int = Field(description="accounts with an invoice for the period or nothing to bill")
    created_at: datetime
    finished_at: datetime | None
    error: str | None
    stages: RunStagesOut
    estimated_end: datetime | None = Field(
        description="when the run should be done at its pace so far (its end once finished)")
    failures: list[RunFailureOut] = Field(
        description="the first 100 accounts not billed, by account id, with why")


class InvoiceLineOut(BaseModel):
    msisdn: str
    type: str
    description: str
    quantity: Decimal
    unit: str
    net: Decimal
    vat: Decimal = Field(description="this line's share of its rate's VAT (see vat_rates)")
    gross: Decimal
    late: bool = Field(False, description="usage of a period invoiced already (billed now)")
    usage_date: date | None = Field(None, description="the real date of a late line's usage")


class VatRateOut(BaseModel):
    """The VAT of one rate: ``round(rate × net)``, or the VAT within the gross."""

    rate: Decimal | None = Field(description="null: charges that name no rate")
    prices_include_vat: bool
    net: Decimal
    vat: Decimal
    gross: Decimal


class InvoiceOut(BaseModel):
    id: str
    number: str
    account_id: str
    period_start: date
    period_end: date
    issued_at: datetime
    due_date: date | None
    currency: str
    opening_balance: Decimal = Field(description="owed at the period start; negative: advance")
    lines: list[InvoiceLineOut]
    vat_rates: list[VatRateOut] = Field(description="the VAT per rate; adds up to vat_total")
    total_charges: Decimal
    vat_total: Decimal
    total_paid: Decimal
    closing_balance: Decimal
    amount_due: Decimal
    status: str


class CreditNoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: AmountText = Field(description="positive, at most what is left to credit",
                               examples=["12.50"])
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=500), NoControl]


class CreditNoteOut(BaseModel):
    id: str
    number: str
    invoice_id: str
    amount: Decimal
    currency: str
    reason: str
    issued_at: datetime


class DetailedBillBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_date: SaneDate = Field(alias="from", description="within the policy window (3 months)")
    to_date: SaneDate = Field(alias="to", description="not after today")
    direction: Literal["out", "in"]


class DetailedBillStartedOut(BaseModel):
    id: str


class DetailedBillOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    account_id: str
    from_date: date = Field(serialization_alias="from")
    to_date: date = Field(serialization_alias="to")
    direction: str
    status: str = Field(examples=["pending", "ready"])
    fee: Decimal = Field(description="charged to the account when the document is made")
    currency: str
    records: int = Field(description="rated usage items in the document")
    requested_at: datetime
    ready_at: datetime | None
    document: str | None = Field(description="where the signed PDF is, once ready")


class VerificationOut(BaseModel):
    valid: bool
    reason: str
    signer: str | None
    timestamp: datetime | None
