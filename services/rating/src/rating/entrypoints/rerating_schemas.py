"""HTTP bodies of re-rating runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_serializer, model_validator
from tarifa.money import written

__all__ = ["CurrencyDifferenceOut", "ReratingBody", "ReratingRunOut", "ReratingStartedOut"]

MAX_DAYS = 366
MAX_LINES = 10_000
Msisdn = Annotated[str, StringConstraints(pattern=r"^\+?[1-9][0-9]{6,14}$")]
PlanCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
UsageDay = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


class ReratingBody(BaseModel):
    """The usage dates to re-rate (``from``/``to`` inclusive, widened to whole months), and
    optionally the lines or the plan whose records are re-rated."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_date: UsageDay = Field(alias="from")
    to_date: UsageDay = Field(alias="to")
    msisdns: list[Msisdn] | None = Field(default=None, min_length=1, max_length=MAX_LINES)
    plan_code: PlanCode | None = None

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.to_date < self.from_date:
            raise ValueError("to must not be before from")
        if (self.to_date - self.from_date).days >= MAX_DAYS:
            raise ValueError(f"a run re-rates at most {MAX_DAYS} days")
        return self


class ReratingStartedOut(BaseModel):
    id: str
    status: str


class CurrencyDifferenceOut(BaseModel):
    """What the run changed in one currency: new − old, exact."""

    currency: str
    net: Decimal
    gross: Decimal

    @field_serializer("net", "gross")
    def _written(self, amount: Decimal) -> str:
        return written(amount, self.currency)


class ReratingRunOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str
    status: str = Field(description="`completed` (a run is one transaction, done when answered), "
                                    "`running` or `failed`")
    requested_at: datetime
    from_date: date = Field(serialization_alias="from")
    to_date: date = Field(serialization_alias="to")
    msisdns: list[str] | None
    plan_code: str | None
    records: int = Field(description="records re-priced")
    changed: int = Field(description="records whose price or allowance use changed")
    kept: int = Field(description="records that no longer rate (no price): their price is kept")
    difference: dict[str, CurrencyDifferenceOut] = Field(
        description="per currency code: what the run changed, new − old (exact)")
