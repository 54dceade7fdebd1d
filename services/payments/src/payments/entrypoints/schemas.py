"""HTTP bodies of the payments API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator
from tarifa.fields import CurrencyCode, NoControl, Text

__all__ = [
    "AmountText",
    "AssignRowBody",
    "AutopayBody",
    "AutopayOut",
    "CardPaymentBody",
    "OfflinePaymentBody",
    "PaymentMethodBody",
    "PaymentMethodOut",
    "PaymentOut",
    "RefundBody",
    "RefundOut",
    "RegistryOut",
    "RegistryRowOut",
    "RegistryRowsOut",
    "RejectRowBody",
    "UnmatchedRowOut",
]

Currency = CurrencyCode
Msisdn = Annotated[str, StringConstraints(pattern=r"^\+?[1-9][0-9]{6,14}$")]
AmountText = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)?$", max_length=20)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://", max_length=2000), NoControl]


class _Beneficiary(BaseModel):
    account_id: Text | None = Field(None, min_length=1, max_length=64)
    msisdn: Msisdn | None = None

    @model_validator(mode="after")
    def one_beneficiary(self) -> Self:
        if (self.account_id is None) == (self.msisdn is None):
            raise ValueError("give exactly one of account_id and msisdn")
        return self


class OfflinePaymentBody(_Beneficiary):
    model_config = ConfigDict(extra="forbid")

    amount: AmountText = Field(
        description="decimal string, positive, at most the currency's minor-unit digits")
    currency: Currency
    channel: Text = Field(min_length=1, max_length=32, examples=["cash", "bank", "post", "terminal"])
    reference: Text = Field(min_length=1, max_length=200)

    @field_validator("channel")
    @classmethod
    def not_a_file(cls, channel: str) -> str:
        if channel == "registry":
            raise ValueError("the registry channel is for registry files (POST /v1/payment-registries)")
        return channel


class CardPaymentBody(_Beneficiary):
    """An online card payment, for the caller's own account or another one (P2)."""

    model_config = ConfigDict(extra="forbid")

    amount: AmountText
    currency: Currency
    purpose: Literal["invoice", "advance", "topup"]
    invoice_id: Text | None = Field(None, min_length=1, max_length=64)
    return_url: Url = Field(description="where the gateway sends the browser back; confirms nothing")

    @model_validator(mode="after")
    def invoice_named(self) -> Self:
        if (self.purpose == "invoice") != (self.invoice_id is not None):
            raise ValueError("invoice_id is given exactly when the purpose is invoice")
        return self


class PaymentOut(BaseModel):
    id: str
    account_id: str
    status: str
    amount: Decimal
    currency: str
    purpose: str
    channel: str
    reference: str
    payer: str | None
    beneficiary: str
    invoice_id: str | None
    created_at: datetime
    redirect_url: str | None = None
    refunded: Decimal = Decimal(0)
    failure_reason: str | None = None
    paid_at: datetime | None = Field(None, description="when the payer paid, as the channel "
                                                       "reports it (a registry row's paid_at)")


class RefundBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: AmountText
    reason: Text = Field(min_length=1, max_length=500)


class RefundOut(BaseModel):
    id: str
    payment_id: str
    account_id: str
    amount: Decimal
    currency: str
    reason: str
    status: str
    created_at: datetime


class UnmatchedRowOut(BaseModel):
    row: int
    reference: str
    account_or_msisdn: str
    amount: str
    currency: str
    reason: str | None
    problem: str | None = Field(None, description="as in the registry's rows "
                                                  "(`/v1/payment-registries/{registry_id}/rows`)")


class RegistryRowOut(BaseModel):
    """A stored registry row: paid on import, or kept for manual matching and how it was settled."""

    registry_id: str
    row: int = Field(description="the row's number in its file, from 1 after the header")
    reference: str
    account_or_msisdn: str
    amount: str = Field(description="as the file gave it")
    currency: str
    paid_at: datetime | None
    status: Literal["matched", "unmatched", "assigned", "returned", "closed"] = Field(
        description="matched: paid on import; unmatched: waiting for an operator; assigned: paid "
                    "into the account an operator chose; returned: the sending channel gives "
                    "the money back to its payer; closed: rejected, nothing to pay or return")
    problem: str | None = Field(None, examples=[
        "unknown_account", "ambiguous", "currency_mismatch", "account_closed", "no_reference",
        "invalid_amount", "invalid_paid_at"], description="why the row was not paid on import; "
        "the first four are solved by assigning, the others only by rejecting")
    reason: str | None = Field(None, description="the problem in words, or the operator's "
                                                 "reason once rejected")
    payment_id: str | None = None
    account_id: str | None = Field(None, description="the account an operator assigned it to")
    resolved_by: str | None = None
    resolved_at: datetime | None = None


class RegistryRowsOut(BaseModel):
    items: list[RegistryRowOut] = Field(description="in row order")
    next_after: int | None = Field(description="pass as `after` for the next page")


class AssignRowBody(_Beneficiary):
    """The account to pay an unmatched row into, by account number or by a line's phone number."""

    model_config = ConfigDict(extra="forbid")


class RejectRowBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["return", "close"] = Field(
        description="return: the channel that sent the registry gives the money back to the "
                    "payer; close: nothing to pay or give back (a test row, paid otherwise)")
    reason: Text = Field(min_length=1, max_length=500)


class RegistryOut(BaseModel):
    id: str
    rows: int
    matched: int
    duplicates: int
    unmatched: list[UnmatchedRowOut]
    created_at: datetime


class PaymentMethodBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    return_url: Url


class PaymentMethodOut(BaseModel):
    id: str
    account_id: str
    status: str
    redirect_url: str | None
    card_last4: str | None


class AutopayBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment_method_id: Text = Field(min_length=1, max_length=64)
    mode: Literal["invoice", "threshold"]
    threshold: AmountText | None = None
    amount: AmountText | None = None

    @model_validator(mode="after")
    def threshold_needs_amounts(self) -> Self:
        if self.mode == "threshold" and (self.threshold is None or self.amount is None):
            raise ValueError("threshold autopay needs threshold and amount")
        return self


class AutopayOut(BaseModel):
    account_id: str
    payment_method_id: str
    mode: str
    threshold: Decimal | None
    amount: Decimal | None
    updated_at: datetime
