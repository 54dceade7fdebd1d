"""Billing accounts: payment mode, currency, time zone, bill delivery and lifecycle."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tarifa.money import InvalidAmount, minor_units, round_amount

from accounts.domain.customer import Customer
from accounts.domain.errors import InvalidRequest

__all__ = [
    "Account",
    "AccountStatus",
    "Balance",
    "BillDelivery",
    "DeliveryMedium",
    "PaymentMode",
    "PromisedPayment",
    "Suspension",
    "check_currency",
    "check_timezone",
]


class PaymentMode(StrEnum):
    PREPAID = "prepaid"
    POSTPAID = "postpaid"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    BLOCKED = "blocked"
    CLOSED = "closed"


class DeliveryMedium(StrEnum):
    EBILL = "ebill"
    PAPER = "paper"


def check_currency(code: str) -> str:
    """An ISO 4217 code, or the reason it is refused."""
    try:
        minor_units(code)
    except InvalidAmount as exc:
        raise InvalidRequest(str(exc), field="currency") from exc
    return code


def check_timezone(name: str) -> str:
    """An IANA time zone name, or the reason it is refused."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidRequest(f"{name!r} is not an IANA time zone", field="timezone") from exc
    return name


@dataclass(frozen=True, slots=True)
class BillDelivery:
    """How bills reach the customer: an e-bill by email (and an SMS notice) or paper by post."""

    medium: DeliveryMedium
    email: str | None = None
    sms: str | None = None
    address: str | None = None

    def completed_for(self, customer: Customer) -> BillDelivery:
        """Fill the destination the medium needs from the customer, or refuse without one."""
        if self.medium is DeliveryMedium.EBILL:
            filled = replace(self, email=self.email or customer.email)
            if not filled.email:
                raise InvalidRequest("an e-bill needs an email address", field="bill_delivery.email")
            return filled
        filled = replace(self, address=self.address or customer.address)
        if not filled.address:
            raise InvalidRequest("a paper bill needs a postal address", field="bill_delivery.address")
        return filled

    def followed(self, before: Customer, after: Customer) -> BillDelivery:
        """Destinations that were the customer's own details follow them when they change; a
        detail removed leaves the destination as it was."""
        def follow(held: str | None, old: str | None, new: str | None) -> str | None:
            return (new or held) if held is not None and held == old else held

        return replace(self, email=follow(self.email, before.email, after.email),
                       sms=follow(self.sms, before.phone, after.phone),
                       address=follow(self.address, before.address, after.address))


@dataclass(frozen=True, slots=True)
class Suspension:
    """A voluntary suspension from ``start`` until the automatic resume at ``end``."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class PromisedPayment:
    """A promise to pay that keeps the account open until ``until``."""

    granted_at: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    customer_id: str
    payment_mode: PaymentMode
    currency: str
    timezone: str
    bill_delivery: BillDelivery
    opened_at: datetime
    status: AccountStatus = AccountStatus.ACTIVE
    bonus_points: int = 0
    suspension: Suspension | None = None
    promise: PromisedPayment | None = None
    last_promise_at: datetime | None = None
    blocked_reason: str | None = None

    @property
    def closed(self) -> bool:
        return self.status is AccountStatus.CLOSED

    def check_open(self) -> None:
        if self.closed:
            raise InvalidRequest(f"account {self.id} is closed")

    def promised_at(self, instant: datetime) -> bool:
        """Whether a promised payment holds the account open at ``instant``."""
        return self.promise is not None and instant < self.promise.until


@dataclass(frozen=True, slots=True)
class Balance:
    """The replica of an account's ledger balance, as of the event that announced it."""

    account_id: str
    amount: Decimal
    currency: str
    as_of: datetime

    @classmethod
    def zero(cls, account: Account) -> Balance:
        return cls(account.id, round_amount(Decimal(0), account.currency), account.currency,
                   account.opened_at)

    def supersedes(self, current: Balance | None) -> bool:
        """Events may arrive out of order: only a newer balance replaces the one held."""
        return current is None or self.as_of > current.as_of
