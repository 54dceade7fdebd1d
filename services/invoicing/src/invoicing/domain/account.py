"""The invoicing replica of a billing account: what statements need to know about it."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    profile_changed_at: datetime | None = None
    """When accounts announced the customer details held here; an older announcement is
    dropped."""
    delivery_changed_at: datetime | None = None
    """When accounts announced the bill delivery held here."""
    closed_on: date | None = None
    """The local day the account closed: its final invoice ends there."""

    @property
    def postpaid(self) -> bool:
        return self.payment_mode == "postpaid"

    def with_profile(self, name: str, address: str, language: str,
                     at: datetime) -> BillingAccount:
        """The customer details announced ``at``, unless newer ones are held."""
        if self.profile_changed_at is not None and at < self.profile_changed_at:
            return self
        return replace(self, customer_name=name, address=address, language=language,
                       profile_changed_at=at)

    def with_delivery(self, medium: str, address: str, at: datetime) -> BillingAccount:
        """The bill delivery announced ``at``, unless a newer one is held."""
        if self.delivery_changed_at is not None and at < self.delivery_changed_at:
            return self
        return replace(self, delivery_medium=medium, delivery_address=address,
                       delivery_changed_at=at)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(account: BillingAccount | None, instant: datetime) -> date:
    """The calendar day of ``instant`` where the account lives (UTC when unknown)."""
    return instant.astimezone(_zone(account.timezone if account else "UTC")).date()
