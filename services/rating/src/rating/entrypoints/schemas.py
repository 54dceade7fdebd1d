"""HTTP bodies of the rating API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, field_serializer
from tarifa.fields import CurrencyCode, SaneDate, Text
from tarifa.money import written

__all__ = [
    "AllowanceBody", "AllowanceLeftOut", "FeeOut", "FeesOut", "IngestOut", "LineAllowancesOut",
    "PlanBody", "PlanOut", "PriceBody", "RejectedOut", "UsageBody", "UsagePageOut", "UsageRecordOut",
]

Rate = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,8})?$")]
Zone = Annotated[str, StringConstraints(pattern=r"^(\*|[a-z0-9][a-z0-9_-]{0,31})$")]
UsageType = Literal["voice", "sms", "mms", "data"]
Direction = Literal["out", "in", "*"]
Unit = Literal["minute", "second", "message", "KiB", "MiB", "GiB"]
Increment = Annotated[StrictInt, Field(ge=1, le=86_400)]

_UNITS = ("unit: voice per `minute` (default) or `second`; sms and mms per `message`; data per "
          "`MiB` (default), `KiB` or `GiB`.")


class PriceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: UsageType
    direction: Direction
    zone: Zone
    unit_price: Rate = Field(description="decimal string, non-negative, price per unit")
    first_increment: Increment = Field(1, description="voice: seconds billed as the first block")
    next_increment: Increment = Field(1, description="voice: seconds of each following block")
    unit: Unit | None = Field(None, description=_UNITS)


class AllowanceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: UsageType
    direction: Direction
    zone: Zone
    quantity: StrictInt = Field(ge=0, le=10 ** 15,
                                description="per calendar month, in seconds, messages or bytes")


class PlanBody(BaseModel):
    """A plan version. Records are priced per the most specific price by type, direction and
    zone (``*`` matches any); the allowance of the same kind is consumed first. Voice is billed
    in increments and priced per minute (or second), data rounded up to whole KiB per session
    and priced per MiB (or KiB, GiB), messages per message."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=200)
    payment_mode: Literal["prepaid", "postpaid"]
    currency: CurrencyCode
    monthly_fee: Rate = Field(description="decimal string in the currency's minor units")
    vat_rate: Rate = Field(description="decimal fraction in [0, 1), e.g. \"0.20\"")
    prices_include_vat: StrictBool
    effective_from: SaneDate
    allowances: list[AllowanceBody] = Field(default_factory=list, max_length=100)
    prices: list[PriceBody] = Field(default_factory=list, max_length=200)


class PlanOut(BaseModel):
    code: str
    version: int
    name: str
    payment_mode: str
    currency: str
    monthly_fee: Decimal
    vat_rate: Decimal
    prices_include_vat: bool
    effective_from: date
    allowances: list[AllowanceBody]
    prices: list[PriceBody]


class UsageBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[Any] = Field(
        max_length=10_000,
        description="usage records: id, msisdn, type (voice|sms|mms|data), direction (out|in), "
                    "started_at (RFC 3339), quantity (seconds, messages or bytes), other_party?, "
                    "zone?, roaming_country? (ISO 3166 alpha-2); each checked on its own")


class RejectedOut(BaseModel):
    id: str | None
    reason: str
    index: int = Field(description="position of the record in the batch")


class IngestOut(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[RejectedOut]
    parked: int = Field(description="records of lines rating does not know yet: rated once the "
                                    "line is known, rejected (unknown_line) after the policy's "
                                    "age")


class AllowanceLeftOut(BaseModel):
    type: str
    direction: str
    zone: str
    unit: str
    quantity: int
    used: int
    remaining: int
    package: str | None = Field(None, description="the add-on package whose allowance it is "
                                                  "(used before the plan's); null: the plan's")


class LineAllowancesOut(BaseModel):
    msisdn: str
    plan_code: str
    period_start: date
    period_end: date
    allowances: list[AllowanceLeftOut]


class _Amounts(BaseModel):
    """Rated amounts, unrounded, written with at least the currency's minor digits."""

    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str

    @field_serializer("net", "vat", "gross")
    def _written(self, amount: Decimal) -> str:
        return written(amount, self.currency)


class UsageRecordOut(_Amounts):
    id: str
    msisdn: str
    type: str
    direction: str
    zone: str
    started_at: datetime
    usage_date: date
    quantity: int
    other_party: str | None
    roaming_country: str | None
    plan_code: str
    plan_version: int
    unit_price: Decimal
    unit: str
    billed_quantity: int
    allowance: str | None
    allowance_used: int
    rated_at: datetime
    late: bool = Field(description="usage of a period already invoiced, billed on the next invoice")


class FeeOut(_Amounts):
    kind: str = Field(description="`monthly`, `monthly_adjustment` (postpaid) or `daily` (prepaid)")
    period_date: date
    plan_code: str
    plan_version: int
    charged_at: datetime


class FeesOut(BaseModel):
    items: list[FeeOut]


class UsagePageOut(BaseModel):
    items: list[UsageRecordOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")
