"""The per-deployment policy the accounts rules read: limits, lengths and rewards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

__all__ = ["AccountsPolicy", "LoginPolicy", "OtpPolicy"]


@dataclass(frozen=True, slots=True)
class AccountsPolicy:
    """Values an operator sets per deployment; the defaults live in the settings."""

    ebill_bonus_points: int
    suspension_max_days: int
    promised_payment_length: timedelta
    promised_payment_reuse: timedelta
    bonus_point_value: Decimal = Decimal("0.01")
    postpaid_grace_days: int | None = None
    """Days after an invoice's due date before its account is blocked; None: the end of the
    month the invoice is due."""


@dataclass(frozen=True, slots=True)
class OtpPolicy:
    """How one-time codes live: their lifetime, wrong tries, and requests allowed per hour."""

    validity: timedelta = timedelta(minutes=15)
    max_tries: int = 5
    per_number: int = 5
    per_client: int = 30
    window: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How many wrong tries lock a login and for how long; how long a setup code lives; how
    long a password must be."""

    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    setup_validity: timedelta = timedelta(days=14)
    min_length: int = 10
