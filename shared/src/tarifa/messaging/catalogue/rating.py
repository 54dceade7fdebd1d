"""The events of rating: the catalogue, usage rated and re-rated, fees and allowances."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

from tarifa.messaging.catalogue._base import EventData

__all__ = [
    "AccountUsage", "AllowanceExhausted", "FeeCharged", "PackagePublished", "PackageSwitchedOff",
    "PackageSwitchedOn", "PlanPublished", "RatedItem", "RerateItem", "UsageRated", "UsageRerated",
    "UsageTotals",
]


class PlanPublished(EventData):
    routing_key = "rating.plan.published"
    code: str
    version: int
    payment_mode: str
    monthly_fee: Decimal
    currency: str
    vat_rate: Decimal
    effective_from: date
    name: str | None = None
    prices_include_vat: bool | None = None


class PackagePublished(EventData):
    """An add-on package of the catalogue, defined or changed."""

    routing_key = "rating.package.published"
    code: str
    name: str
    payment_mode: str
    currency: str
    monthly_fee: Decimal
    vat_rate: Decimal


class PackageSwitchedOn(EventData):
    routing_key = "rating.package.switched_on"
    account_id: str
    msisdn: str
    code: str
    at: datetime


class PackageSwitchedOff(PackageSwitchedOn):
    routing_key = "rating.package.switched_off"


class RatedItem(BaseModel):
    msisdn: str
    type: str
    direction: str
    quantity: int
    net: Decimal
    vat: Decimal
    gross: Decimal
    usage_date: date
    zone: str | None = None
    unit: str | None = None
    late: bool = False
    """Usage of a period already invoiced: billed on the next invoice, dated ``usage_date``."""
    vat_rate: Decimal | None = None
    prices_include_vat: bool = False
    """Amounts are exact (unrounded); the ledger rounds them once per period with a carry."""


class UsageTotals(BaseModel):
    net: Decimal
    vat: Decimal
    gross: Decimal


class AccountUsage(BaseModel):
    """What one ingest batch charged one account: its items and their exact totals."""

    account_id: str
    currency: str
    items: list[RatedItem]
    totals: UsageTotals


class UsageRated(EventData):
    """One event per ingest batch, with the charges of every account it touched; ``subject`` is
    the account id when the batch touched one account."""

    routing_key = "rating.usage.rated"
    batch_id: str
    accounts: list[AccountUsage]


class FeeCharged(EventData):
    routing_key = "rating.fee.charged"
    account_id: str
    msisdn: str
    kind: str
    period_date: date
    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str | None = None
    vat_rate: Decimal | None = None
    prices_include_vat: bool = False


class RerateItem(RatedItem):
    """A re-rated item: ``net``, ``vat`` and ``gross`` are the difference (new − old)."""

    old_net: Decimal
    new_net: Decimal
    old_gross: Decimal
    new_gross: Decimal


class UsageRerated(EventData):
    routing_key = "rating.usage.rerated"
    account_id: str
    run_id: str
    currency: str
    items: list[RerateItem]
    difference_net: Decimal
    difference_gross: Decimal


class AllowanceExhausted(EventData):
    routing_key = "rating.allowance.exhausted"
    account_id: str
    msisdn: str
    allowance: str
