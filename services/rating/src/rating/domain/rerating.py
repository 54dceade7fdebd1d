"""Re-rating: pricing stored usage again with the plan versions in effect now for its dates.

* The window is widened to whole allowance periods (calendar months), from the first day of the
  month of ``from`` to the last day of the month of ``to``, so each month's allowances are
  replayed from zero, record by record in the order the usage happened (start time, then id).
* Every record of a line in scope is priced again; a line is in scope when it is named (or no
  line is named) and, when a plan code is given, one of its records in the window was rated on
  that plan.
* A record whose new price, allowance use or plan version differs from the stored one is
  *changed*; only changed records are stored again and only their differences reach the ledger.
  Re-rating the same window again finds nothing changed.
* A record that can no longer be rated (its plan has no price for it any more) keeps its stored
  price and is counted as *kept*.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from rating.domain.allowances import period_of
from rating.domain.fees import days_in_month
from rating.domain.pricing import Charge
from rating.domain.rating import RatedRecord, RatingContext, rate_record
from rating.domain.usage import RecordError, UsageRecord

__all__ = ["RerateOutcome", "Rerated", "StoredRecord", "Window", "in_scope", "rerate"]


@dataclass(frozen=True, slots=True)
class Window:
    """Whole allowance months of usage dates, ``first`` to ``last`` inclusive."""

    first: date
    last: date

    @classmethod
    def around(cls, start: date, end: date) -> Window:
        last = end.replace(day=days_in_month(end))
        return cls(period_of(start), last)

    @property
    def periods(self) -> tuple[date, date]:
        return self.first, period_of(self.last)

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last

    def started_between(self) -> tuple[datetime, datetime]:
        """Start instants that can fall on the window's usage dates in any time zone."""
        return (datetime.combine(self.first - timedelta(days=1), time(), UTC),
                datetime.combine(self.last + timedelta(days=2), time(), UTC))


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A rated record as stored: the record and what it was charged."""

    record: UsageRecord
    account_id: str
    usage_date: date
    late: bool
    plan_code: str
    plan_version: int
    billed_quantity: int
    allowance_used: int
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class Rerated:
    """A changed record: what it was charged, and its new rating."""

    old: StoredRecord
    new: RatedRecord

    @property
    def charge(self) -> Charge:
        return self.new.charge


@dataclass(frozen=True, slots=True)
class RerateOutcome:
    records: int
    changed: list[Rerated]
    kept: int


def in_scope(stored: Sequence[StoredRecord], plan_code: str | None) -> set[str]:
    """The lines whose records are re-rated: all of them, or those with a record of the plan."""
    return {s.record.msisdn for s in stored if plan_code is None or s.plan_code == plan_code}


def _differs(old: StoredRecord, new: RatedRecord) -> bool:
    charged = new.charge
    return (old.net, old.vat, old.gross, old.billed_quantity, old.allowance_used,
            old.plan_version) != (charged.net, charged.vat, charged.gross, charged.billed,
                                  charged.allowance_used, new.plan.version)


def rerate(stored: Sequence[StoredRecord], lines: Collection[str],
           context: RatingContext) -> RerateOutcome:
    """Price the records of ``lines`` again, in usage order, with fresh allowance buckets."""
    ordered = sorted((s for s in stored if s.record.msisdn in lines),
                     key=lambda s: (s.record.msisdn, s.record.started_at, s.record.id))
    changed, kept = [], 0
    for old in ordered:
        try:
            new = rate_record(old.record, context)
        except RecordError:
            kept += 1
            continue
        if _differs(old, new):
            changed.append(Rerated(old, new))
    return RerateOutcome(len(ordered), changed, kept)
