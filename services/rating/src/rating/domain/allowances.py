"""Allowance buckets: how much of each allowance a line used in a calendar month.

The period of a record is the calendar month of its usage date (the account's local date).

A line's add-on packages bring allowances of their own (``Grant``), used before the plan's:
``Buckets.choose`` gives the allowance a record consumes, the plan's alone when no package on
the line at that instant covers the record's kind; else one allowance made of the packages'
buckets (in code order) and then the plan's, whose ``left`` and ``take`` go to those buckets in
turn. Each bucket is kept, saved and exhausted on its own (``package:<code>:<kind>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rating.domain.plan import Allowance, most_specific

__all__ = ["BucketKey", "Buckets", "Grant", "PackagedAllowance", "period_of"]

BucketKey = tuple[str, date, str]
"""``(msisdn, first day of the month, allowance key "type/direction/zone")``."""
_KEY_LENGTH = 80


def period_of(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True, slots=True)
class Grant:
    """The allowances of a package while it is on a line: ``[started_at, ended_at)``."""

    code: str
    started_at: datetime
    ended_at: datetime | None
    allowances: tuple[Allowance, ...]

    def on_at(self, instant: datetime) -> bool:
        return self.started_at <= instant and (self.ended_at is None or instant < self.ended_at)


@dataclass(frozen=True, slots=True)
class PackagedAllowance(Allowance):
    """Packages' allowances and the plan's taken as one, named after its parts."""

    name: str = ""

    @property
    def key(self) -> str:
        return self.name


Part = tuple[BucketKey, int]


@dataclass
class Buckets:
    """The used quantities of a batch's lines, updated while the batch is rated."""

    used: dict[BucketKey, int] = field(default_factory=dict)
    changed: set[BucketKey] = field(default_factory=set)
    exhausted: set[BucketKey] = field(default_factory=set)
    grants: dict[str, list[Grant]] = field(default_factory=dict)
    """The packages of each line, with their allowances."""
    parts: dict[BucketKey, list[Part]] = field(default_factory=dict)
    """The buckets behind each packaged allowance chosen so far."""

    def _parts(self, msisdn: str, instant: datetime, period: date, usage: tuple[str, str, str],
               plan: Allowance | None) -> list[Part]:
        found = sorted((grant.code, allowance) for grant in self.grants.get(msisdn, ())
                       if grant.on_at(instant)
                       and (allowance := most_specific(grant.allowances, *usage)) is not None)
        parts = [((msisdn, period, f"package:{code}:{a.key}"), a.quantity) for code, a in found]
        return parts + ([((msisdn, period, plan.key), plan.quantity)] if plan and parts else [])

    def choose(self, msisdn: str, instant: datetime, period: date, plan: Allowance | None,
               usage: tuple[str, str, str]) -> Allowance | None:
        """The allowance a record of ``usage`` (type, direction, zone) at ``instant`` uses."""
        if msisdn not in self.grants:
            return plan
        parts = self._parts(msisdn, instant, period, usage, plan)
        if not parts:
            return plan
        name = "+".join(key[2] for key, _ in parts)[:_KEY_LENGTH]
        self.parts[(msisdn, period, name)] = parts
        return PackagedAllowance(*usage, sum(q for _, q in parts), name=name)

    def left(self, key: BucketKey, granted: int) -> int:
        if key in self.parts:
            return sum(self.left(part, quantity) for part, quantity in self.parts[key])
        return max(granted - self.used.get(key, 0), 0)

    def take(self, key: BucketKey, granted: int, quantity: int) -> None:
        if key in self.parts:
            self._take_parts(self.parts[key], quantity)
            return
        if quantity <= 0:
            return
        before = self.used.get(key, 0)
        self.used[key] = before + quantity
        self.changed.add(key)
        if before < granted <= before + quantity:
            self.exhausted.add(key)

    def _take_parts(self, parts: list[Part], quantity: int) -> None:
        """The packages' buckets first, in order, then the plan's."""
        for part, granted in parts:
            taken = min(quantity, self.left(part, granted))
            self.take(part, granted, taken)
            quantity -= taken
