"""Recurring fees: what a line owes for a calendar month, day by day.

* Pro rata: ``k`` days of an ``n``-day month cost ``round(fee * k / n)``, rounded once with the
  suite's rule (``tarifa.money.round_amount``).
* Daily shares (prepaid): day ``d`` of the month costs ``round(fee * d / n) - round(fee * (d-1) / n)``,
  the growth of the pro rata amount of the first ``d`` days. The shares of a whole month add up
  to ``round(fee * n / n) = fee`` exactly; no share differs from another by more than one minor
  unit, and the rounding remainder falls on the days where the running total crosses a minor unit.
* A day is chargeable when the line is connected, a plan version is in effect in the account's
  currency, and the account is not suspended at the start of the day (local midnight, or the
  connection instant on the connection day). Suspended days cost nothing.
* Postpaid: the month is charged on its first day (the connection day in the first month) for the
  whole month as far as it is known then: ``round(fee * k / n)`` per plan version over the ``k``
  days chargeable on it. Each later day the month is recomputed with what became known (a
  suspension, a plan change) and the difference is charged (or credited when negative).
* Prepaid: each day that begins is charged its share; the charge of a day is the month's shares
  so far minus what the month was charged already, so a correction learned late is settled on the
  next day of the same month.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tarifa.money import round_amount

from rating.domain.plan import PlanVersion
from rating.domain.pricing import exact_split

__all__ = [
    "ADJUSTMENT",
    "DAILY",
    "MONTHLY",
    "FeeDay",
    "FeeSplit",
    "daily_share",
    "days_in_month",
    "fee_kind",
    "month_days",
    "month_due",
    "pro_rata",
    "split_fee",
]

MONTHLY = "monthly"
ADJUSTMENT = "monthly_adjustment"
DAILY = "daily"
_ZERO = Decimal(0)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def month_days(day: date) -> list[date]:
    """Every day of the month of ``day``, first to last."""
    return [day.replace(day=d) for d in range(1, days_in_month(day) + 1)]


def pro_rata(fee: Decimal, days: int, month_length: int, currency: str) -> Decimal:
    """``days`` days of a month of ``month_length`` days, rounded once."""
    return round_amount(fee * days / month_length, currency)


def daily_share(fee: Decimal, day: date, currency: str) -> Decimal:
    """The share of ``day`` in its month's fee; the month's shares add up to ``fee`` exactly."""
    length = days_in_month(day)
    return (pro_rata(fee, day.day, length, currency)
            - pro_rata(fee, day.day - 1, length, currency))


@dataclass(frozen=True, slots=True)
class FeeDay:
    """One day of a line's month: the plan version in effect, or ``None`` when not chargeable."""

    day: date
    plan: PlanVersion | None


def _prepaid_due(days: Sequence[FeeDay], through: date) -> Decimal:
    return sum((daily_share(d.plan.monthly_fee, d.day, d.plan.currency)
                for d in days if d.plan is not None and d.day <= through), _ZERO)


def _postpaid_due(days: Sequence[FeeDay]) -> Decimal:
    counted = Counter((d.plan.code, d.plan.version) for d in days if d.plan is not None)
    plans = {(d.plan.code, d.plan.version): d.plan for d in days if d.plan is not None}
    return sum((pro_rata(plans[key].monthly_fee, count, days_in_month(days[0].day),
                         plans[key].currency) for key, count in counted.items()), _ZERO)


def month_due(payment_mode: str, days: Sequence[FeeDay], through: date) -> Decimal:
    """What the month of ``days`` costs as known on day ``through``.

    ``days`` are the days of one month on which the line exists (from its connection day on).
    """
    if not days:
        return _ZERO
    if payment_mode == "prepaid":
        return _prepaid_due(days, through)
    return _postpaid_due(days)


def fee_kind(payment_mode: str, first_of_month: bool) -> str:
    """``daily`` (prepaid), ``monthly`` (a postpaid month's first charge), else an adjustment."""
    if payment_mode == "prepaid":
        return DAILY
    return MONTHLY if first_of_month else ADJUSTMENT


@dataclass(frozen=True, slots=True)
class FeeSplit:
    net: Decimal
    vat: Decimal
    gross: Decimal


def split_fee(amount: Decimal, plan: PlanVersion) -> FeeSplit:
    """Net, VAT and gross of a fee amount in the plan's terms (net unless prices include VAT).

    The fee amount is in minor units; its VAT is left exact, for the ledger to post per rate
    with its carry (``tarifa.money``), so daily shares add up to the month's VAT exactly.
    """
    net, vat, gross = exact_split(amount, plan.vat_rate, includes_vat=plan.prices_include_vat)
    return FeeSplit(net, vat, gross)
