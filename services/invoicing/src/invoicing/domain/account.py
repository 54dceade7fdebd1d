"""The invoicing replica of a billing account: what statements need to know about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["BillingAccount", "local_date"]


@dataclass(frozen=True, slots=True)
class BillingAccount:
    account_id: str
    currency: str
    payment_mode: str
    language: str = "ro"
    timezone: str = "UTC"
    customer_name: str = ""
    address: str = ""
    delivery_medium: str = "ebill"
    delivery_address: str = ""
    first_connected_on: date | None = None

    @property
    def postpaid(self) -> bool:
        return self.payment_mode == "postpaid"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(account: BillingAccount | None, instant: datetime) -> date:
    """The calendar day of ``instant`` where the account lives (UTC when unknown)."""
    return instant.astimezone(_zone(account.timezone if account else "UTC")).date()
