"""The fee schedule of one line: which fee charges the days from one date to another bring.

Days are the account's local calendar days. Each day is looked at once, in order; what a day
charges follows ``rating.domain.fees`` and what the line's months were charged already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tarifa.sanity import check_date, check_instant

from rating.domain.fees import FeeDay, FeeSplit, fee_kind, month_days, month_due, split_fee
from rating.domain.lines import Account, Line, Suspension
from rating.domain.plan import PlanVersion
from rating.domain.rating import version_on

__all__ = ["FeeCharge", "LineFees", "local_zone"]


def local_zone(account: Account | None) -> ZoneInfo:
    try:
        return ZoneInfo(account.timezone if account else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class FeeCharge:
    msisdn: str
    account_id: str
    kind: str
    period_date: date
    amount: Decimal
    """In the plan's terms: net of VAT unless the plan's prices include VAT."""
    plan: PlanVersion
    split: FeeSplit


@dataclass
class LineFees:
    """What the schedule of a line needs; ``charged`` holds the amounts per month (1st day)."""

    line: Line
    account: Account | None
    plans: dict[str, list[PlanVersion]]
    suspensions: Sequence[Suspension]
    charged: dict[date, Decimal] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return local_zone(self.account)

    @property
    def payment_mode(self) -> str:
        if self.account is not None:
            return self.account.payment_mode
        first = self.plans.get(self.line.plan_code)
        return first[0].payment_mode if first else "postpaid"

    @property
    def connection_day(self) -> date:
        """The local day the line was connected; ``InsaneInput`` when outside the suite's years."""
        return check_date(check_instant(self.line.connected_at).astimezone(self.zone).date())

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def _start_of(self, day: date) -> datetime:
        return max(datetime.combine(day, time(0), tzinfo=self.zone), self.line.connected_at)

    def plan_on(self, day: date) -> PlanVersion | None:
        """The plan version charged for ``day``, or ``None`` when the day is not chargeable."""
        start = self._start_of(day)
        if not self.line.open_at(start) or any(s.covers(start) for s in self.suspensions):
            return None
        plan = version_on(self.plans.get(self.line.plan_at(start), []), day)
        if plan is None or (self.account is not None and plan.currency != self.account.currency):
            return None
        return plan

    def _month(self, day: date, months: dict[date, list[FeeDay]]) -> list[FeeDay]:
        """The chargeable days of ``day``'s month, worked out once per ``charges`` call."""
        first = day.replace(day=1)
        if first not in months:
            connected = self.connection_day
            months[first] = [FeeDay(d, self.plan_on(d)) for d in month_days(day) if d >= connected]
        return months[first]

    def _charge(self, day: date, month: list[FeeDay], amount: Decimal) -> FeeCharge | None:
        plans = [d.plan for d in month if d.plan is not None]
        plan = self.plan_on(day) or (plans[-1] if plans else None)
        if plan is None:
            return None
        kind = fee_kind(self.payment_mode, day.replace(day=1) not in self.charged)
        return FeeCharge(self.line.msisdn, self.line.account_id, kind, day, amount, plan,
                         split_fee(amount, plan))

    def charge_day(self, day: date,
                   months: dict[date, list[FeeDay]] | None = None) -> FeeCharge | None:
        """The charge ``day`` brings (``None`` when nothing changes); remembered in ``charged``."""
        if day < self.connection_day:
            return None
        month = self._month(day, {} if months is None else months)
        first = day.replace(day=1)
        amount = month_due(self.payment_mode, month, day) - self.charged.get(first, Decimal(0))
        charge = self._charge(day, month, amount) if amount else None
        if charge is None:
            return None
        self.charged[first] = self.charged.get(first, Decimal(0)) + charge.amount
        return charge

    def charges(self, first: date, last: date) -> list[FeeCharge]:
        """The charges of the days from ``first`` to ``last``, in order."""
        found: list[FeeCharge] = []
        months: dict[date, list[FeeDay]] = {}
        day = max(first, self.connection_day)
        while day <= last:
            charge = self.charge_day(day, months)
            if charge is not None:
                found.append(charge)
            day += timedelta(days=1)
        return found
