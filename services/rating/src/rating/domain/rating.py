"""Rating a batch of usage records against the lines' plans and allowances.

Records are rated in the order given; within a batch a record id counts once (later copies
are duplicates). The usage date and the allowance period follow the account's time zone; the
plan is the one the line was on when the record started.

Late records: a record that started longer ago than the late window (a policy setting) is
rejected as ``too late``. A record whose usage date lies in a period the account was invoiced
for already is rated all the same and marked ``late``, so the next invoice bills it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rating.domain.allowances import Buckets, period_of
from rating.domain.lines import Account, Line
from rating.domain.plan import Allowance, PlanVersion, Price
from rating.domain.pricing import Charge, charge
from rating.domain.usage import Malformed, RecordError, Rejection, UsageRecord, parse_record

__all__ = ["ParsedBatch", "RatedRecord", "RatingContext", "UnknownLine", "parse_batch",
           "rate_record", "version_on"]


Terms = tuple[Price | None, Allowance | None]


class UnknownLine(RecordError):
    """The record names a line the replica does not hold (yet): it is parked, not refused."""

    def __init__(self, msisdn: str) -> None:
        super().__init__(f"unknown msisdn {msisdn}", "unknown_line")


@dataclass(frozen=True, slots=True)
class ParsedBatch:
    records: list[UsageRecord]
    duplicates: int
    rejected: list[Rejection]
    positions: dict[str, int]
    """Where each record stands in the batch, by id."""


def _raw_id(raw: object) -> str | None:
    if isinstance(raw, Malformed):
        return raw.id
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else None


def parse_batch(raws: Sequence[object]) -> ParsedBatch:
    """Valid records (first copy of each id), in-batch duplicates and rejections."""
    records: dict[str, UsageRecord] = {}
    positions: dict[str, int] = {}
    duplicates, rejected = 0, []
    for index, raw in enumerate(raws):
        try:
            record = parse_record(raw)
        except RecordError as exc:
            rejected.append(Rejection(_raw_id(raw), str(exc), index, exc.code))
            continue
        if record.id in records:
            duplicates += 1
        else:
            records[record.id], positions[record.id] = record, index
    return ParsedBatch(list(records.values()), duplicates, rejected, positions)


@dataclass(frozen=True, slots=True)
class RatedRecord:
    record: UsageRecord
    account_id: str
    plan: PlanVersion
    usage_date: date
    allowance: str | None
    charge: Charge
    late: bool = False


@dataclass
class RatingContext:
    lines: dict[str, Line]
    accounts: dict[str, Account]
    plans: dict[str, list[PlanVersion]]
    buckets: Buckets
    now: datetime | None = None
    late_window: timedelta | None = None
    """Records that started before ``now - late_window`` are too late; ``None``: no limit."""
    invoiced_through: dict[str, date] = field(default_factory=dict)
    """The latest period end each account was invoiced for."""
    _versions: dict[tuple[str, date], PlanVersion | None] = field(default_factory=dict)
    _terms: dict[tuple[str, int, str, str, str], Terms] = field(default_factory=dict)
    _zones: dict[str, ZoneInfo] = field(default_factory=dict)
    """What a batch looks up again and again (a plan's version on a day, a price and allowance,
    an account's time zone), kept for the batch: the context lives as long as one."""

    def version_on(self, code: str, day: date) -> PlanVersion | None:
        key = (code, day)
        if key not in self._versions:
            self._versions[key] = version_on(self.plans.get(code, []), day)
        return self._versions[key]

    def terms(self, plan: PlanVersion, usage_type: str, direction: str, zone: str) -> Terms:
        """The price and the allowance of ``plan`` for a record of this kind."""
        key = (plan.code, plan.version, usage_type, direction, zone)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = (plan.price_for(usage_type, direction, zone),
                                        plan.allowance_for(usage_type, direction, zone))
        return found

    def zone_of(self, account: Account | None) -> ZoneInfo:
        name = account.timezone if account else "UTC"
        found = self._zones.get(name)
        if found is None:
            found = self._zones[name] = _zone(name)
        return found

    def too_late(self, record: UsageRecord) -> bool:
        if self.now is None or self.late_window is None:
            return False
        return record.started_at < self.now - self.late_window

    def is_late(self, account_id: str, usage_date: date) -> bool:
        invoiced = self.invoiced_through.get(account_id)
        return invoiced is not None and usage_date <= invoiced


def version_on(versions: Sequence[PlanVersion], day: date) -> PlanVersion | None:
    """The version in effect on ``day``: the newest one effective from that day or before."""
    effective = [v for v in versions if v.effective_from <= day]
    return max(effective, key=lambda v: v.version, default=None)


def _line(record: UsageRecord, context: RatingContext) -> Line:
    if context.too_late(record):
        raise RecordError("too late", "too_late")
    line = context.lines.get(record.msisdn)
    if line is None:
        raise UnknownLine(record.msisdn)
    if record.started_at < line.connected_at:
        raise RecordError(f"started_at is before the line's connection "
                          f"{line.connected_at.isoformat()}", "before_connection")
    if not line.open_at(record.started_at):
        raise RecordError(f"the line was closed at {line.closed_at}", "line_closed")
    return line


def _plan(record: UsageRecord, line: Line, account: Account | None, day: date,
          context: RatingContext) -> PlanVersion:
    code = line.plan_at(record.started_at)
    plan = context.version_on(code, day)
    if plan is None:
        raise RecordError(f"no version of plan {code} in effect on {day.isoformat()}",
                          "no_plan_version")
    if account is not None and account.currency != plan.currency:
        raise RecordError(f"plan {plan.code} is in {plan.currency}, the account in "
                          f"{account.currency}", "currency_mismatch")
    return plan


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def rate_record(record: UsageRecord, context: RatingContext) -> RatedRecord:
    """Price one record, consuming its allowance; raise ``RecordError`` with the reason it fails."""
    line = _line(record, context)
    account = context.accounts.get(line.account_id)
    day = record.started_at.astimezone(context.zone_of(account)).date()
    plan = _plan(record, line, account, day, context)
    late = context.is_late(line.account_id, day)
    zone = record.rated_zone
    price, allowance = context.terms(plan, record.type, record.direction, zone)
    if price is None:
        raise RecordError(f"no price for {record.type}/{record.direction}/{zone} in plan "
                          f"{plan.code}", "no_price")
    # the line's packages' allowances come before the plan's (rating.domain.allowances)
    allowance = context.buckets.choose(record.msisdn, record.started_at, period_of(day),
                                       allowance, (record.type, record.direction, zone))
    if allowance is None:
        return RatedRecord(record, line.account_id, plan, day, None,
                           charge(plan, price, record.quantity, 0), late)
    key = (record.msisdn, period_of(day), allowance.key)
    priced = charge(plan, price, record.quantity, context.buckets.left(key, allowance.quantity))
    context.buckets.take(key, allowance.quantity, priced.allowance_used)
    return RatedRecord(record, line.account_id, plan, day, allowance.key, priced, late)
