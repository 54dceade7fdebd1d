"""The rating replica of accounts and lines, kept from the accounts events.

A line carries its plan history: the plan it was activated with, then each plan change from its
``effective_at`` on. An account carries its suspensions as half-open ``[start, end)`` instants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Account", "Line", "PlanChange", "Suspension"]


@dataclass(frozen=True, slots=True)
class Account:
    account_id: str
    currency: str
    payment_mode: str
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class PlanChange:
    effective_at: datetime
    plan_code: str


@dataclass(frozen=True, slots=True)
class Line:
    msisdn: str
    account_id: str
    plan_code: str
    connected_at: datetime
    changes: tuple[PlanChange, ...] = ()
    """Plan changes, oldest first."""
    closed_at: datetime | None = None
    """From then on the line takes no usage and no fee."""
    replaced_at: datetime | None = None
    """When a later connection of the number took it over; None: the number's current line."""

    def open_at(self, instant: datetime) -> bool:
        return self.closed_at is None or instant < self.closed_at

    def plan_at(self, instant: datetime) -> str:
        """The plan code in effect at ``instant``: the latest change effective by then."""
        code = self.plan_code
        for change in self.changes:
            if change.effective_at <= instant:
                code = change.plan_code
        return code

    @property
    def plan_codes(self) -> set[str]:
        return {self.plan_code} | {c.plan_code for c in self.changes}


@dataclass(frozen=True, slots=True)
class Suspension:
    account_id: str
    start: datetime
    end: datetime

    def covers(self, instant: datetime) -> bool:
        return self.start <= instant < self.end
