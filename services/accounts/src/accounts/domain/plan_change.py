"""Tariff changes by the subscriber (A8), and the balance a prepaid plan needs (A5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from accounts.domain.account import Account
from accounts.domain.errors import InvalidRequest
from accounts.domain.line import Line, Plan

__all__ = ["PlanChange", "When", "check_plan_change", "effective_at", "next_period_start"]


class When(StrEnum):
    NOW = "now"
    NEXT_PERIOD = "next_period"


@dataclass(frozen=True, slots=True)
class PlanChange:
    msisdn: str
    from_plan: str
    to_plan: str
    effective_at: datetime


def next_period_start(now: datetime, timezone: str) -> datetime:
    """Midnight of the first day of the next month, in the account's time zone."""
    local = now.astimezone(ZoneInfo(timezone))
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return datetime(year, month, 1, tzinfo=ZoneInfo(timezone))


def effective_at(when: When, now: datetime, timezone: str) -> datetime:
    return now if when is When.NOW else next_period_start(now, timezone)


def check_plan_change(line: Line, plan: Plan, account: Account, balance: Decimal) -> None:
    """A different plan that fits the account; prepaid needs a balance of one monthly fee."""
    account.check_open()
    if plan.code == line.plan_code:
        raise InvalidRequest(f"line {line.msisdn} is already on plan {plan.code}",
                             field="plan_code")
    plan.check_fits(account)
    plan.check_affordable(account, balance)
