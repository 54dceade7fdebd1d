"""HTTP bodies of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator
from tarifa.fields import CurrencyCode, NoControl, SaneDatetime

__all__ = [
    "AccountBody",
    "AccountOut",
    "BillDeliveryBody",
    "BonusMovementOut",
    "BonusOut",
    "CustomerBody",
    "CustomerOut",
    "CustomerPatch",
    "LineBody",
    "LineOut",
    "OtpBody",
    "OtpRequestedOut",
    "OtpVerifyBody",
    "PlanChangeBody",
    "PlanChangeOut",
    "ProfilePatch",
    "PromisedPaymentOut",
    "RedemptionBody",
    "RedemptionOut",
    "SuspensionBody",
    "SuspensionOut",
    "TokenOut",
]

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254), NoControl]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[1-9][0-9]{6,14}$"), NoControl]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), NoControl]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64), NoControl]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoControl]
Kind = Literal["person", "business"]
LanguageCode = Literal["ro", "ru", "en"]


class CustomerBody(_Body):
    kind: Kind
    name: Name
    language: LanguageCode
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None


class CustomerOut(BaseModel):
    id: str
    kind: str
    name: str
    email: str | None
    phone: str | None
    language: str
    address: str | None


class ProfilePatch(_Body):
    """The contact data to change; a field left out stays, ``null`` removes an email, phone or
    address. Bill destinations that were these details follow them."""

    email: Email | None = None
    phone: Phone | None = Field(None, description="E.164, with or without the leading +")
    address: Address | None = None
    language: LanguageCode | None = Field(None, description="of notices and bills; not null")

    @model_validator(mode="after")
    def _required_stay(self) -> ProfilePatch:
        for name in ("name", "kind", "language"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} may be changed but not removed")
        return self

    def changes(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class CustomerPatch(ProfilePatch):
    """An operator's change: the contact data and who the customer is."""

    name: Name | None = None
    kind: Kind | None = None


class BillDeliveryBody(_Body):
    medium: Literal["ebill", "paper"]
    email: Email | None = None
    sms: Phone | None = Field(None, description="number that receives an SMS notice of each bill")
    address: Address | None = None


class AccountBody(_Body):
    customer_id: Id
    payment_mode: Literal["prepaid", "postpaid"]
    currency: CurrencyCode
    timezone: Annotated[str, StringConstraints(max_length=64), NoControl] = Field(
        examples=["Europe/Chisinau"])
    bill_delivery: BillDeliveryBody


class BillDeliveryOut(BaseModel):
    medium: str
    email: str | None
    sms: str | None
    address: str | None


class PromisedPaymentOut(BaseModel):
    until: datetime


class SuspensionOut(BaseModel):
    from_: datetime = Field(serialization_alias="from")
    until: datetime


class AccountOut(BaseModel):
    id: str
    customer_id: str
    payment_mode: str
    currency: str
    timezone: str
    status: str
    balance: str = Field(description="decimal string in the account currency, from invoicing")
    bill_delivery: BillDeliveryOut
    bonus_points: int
    promised_payment: PromisedPaymentOut | None = None
    suspension: SuspensionOut | None = None


class LineBody(_Body):
    msisdn: Annotated[str, StringConstraints(max_length=16), NoControl] = Field(examples=["37369000001"])
    plan_code: Id
    connected_at: SaneDatetime | None = None


class LineOut(BaseModel):
    msisdn: str
    plan_code: str
    status: str
    connected_at: datetime


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class SuspensionBody(_Body):
    days: StrictInt = Field(description="1 to the policy maximum (ACCOUNTS_SUSPENSION_MAX_DAYS)",
                            examples=[14])


class PlanChangeBody(_Body):
    plan_code: Id
    when: Literal["now", "next_period"] = "now"


class PlanChangeOut(BaseModel):
    msisdn: str
    from_plan: str
    to_plan: str
    effective_at: datetime


class BonusMovementOut(BaseModel):
    at: datetime
    points: int
    reason: str


class BonusOut(BaseModel):
    points: int
    movements: list[BonusMovementOut]


class OtpBody(_Body):
    msisdn: Annotated[str, StringConstraints(max_length=16), NoControl] = Field(examples=["37369000001"])


class OtpRequestedOut(BaseModel):
    expires_in: int = Field(description="seconds a code sent now stays valid; the same answer "
                                        "whether or not the number is known")


class OtpVerifyBody(OtpBody):
    code: Annotated[str, StringConstraints(max_length=12), NoControl] = Field(examples=["123456"])


class RedemptionBody(_Body):
    points: StrictInt = Field(ge=1, le=1_000_000_000, examples=[100])


class RedemptionOut(BaseModel):
    points: int
    credit: str = Field(description="decimal string: the account credit the points buy")
    currency: str
    remaining: int = Field(description="points left on the account")
