"""What the rating use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from tarifa.idempotency import IdempotencyStore
from tarifa.uow import UnitOfWork as BaseUnitOfWork

from rating.domain.allowances import BucketKey
from rating.domain.lines import Account, Line, PlanChange, Suspension
from rating.domain.packages import LinePackage, Package
from rating.domain.plan import PlanVersion
from rating.domain.rating import RatedRecord
from rating.domain.rerating import Rerated, StoredRecord, Window
from rating.domain.rerating_run import ReratingRun
from rating.domain.schedule import FeeCharge

__all__ = ["AccountRecords", "AccountUsagePage", "AccountUsageQuery", "BucketStore",
           "FeeRepository", "ParkedRecord", "ParkedUsage", "PlanRepository", "RecordsUnitOfWork",
           "RejectedRecord", "RejectionPage", "RejectionQuery", "RejectionStore", "Replica",
           "ReratingRepository", "UnitOfWork", "UsagePage", "UsageQuery", "UsageRepository"]


class PlanRepository(Protocol):
    async def versions(self, code: str) -> list[PlanVersion]:
        """Every version of the plan, oldest first."""

    async def versions_of(self, codes: Collection[str]) -> dict[str, list[PlanVersion]]: ...
    async def lock(self, code: str) -> None:
        """Serialise publishing versions of ``code`` until the transaction ends."""

    async def add(self, plan: PlanVersion, published_at: datetime) -> None: ...


class Replica(Protocol):
    async def upsert_account(self, account: Account) -> None: ...
    async def upsert_line(self, line: Line) -> None: ...
    async def close_line(self, msisdn: str, account_id: str, closed_at: datetime) -> Line | None:
        """Close that account's latest line of this number connected by ``closed_at``; the
        line closed, None when the replica has none."""
    async def line(self, msisdn: str) -> Line | None:
        """The number's current line."""
    async def held_by(self, msisdn: str, account_id: str) -> Line | None:
        """The latest line of the number the account held (or holds)."""
    async def account(self, account_id: str) -> Account | None: ...
    async def lock_lines(self, msisdns: Collection[str]) -> dict[str, Line]:
        """The current lines among ``msisdns``, row-locked in msisdn order until commit."""
    async def lock_connections(self, msisdns: Collection[str],
                               since: datetime | None = None) -> dict[str, list[Line]]:
        """The lines of these numbers, oldest connection first, row-locked until commit: every
        one, or those still holding their number at ``since`` or later."""

    async def accounts(self, account_ids: Collection[str]) -> dict[str, Account]: ...
    async def add_plan_change(self, msisdn: str, change: PlanChange) -> None: ...
    async def upsert_suspension(self, suspension: Suspension) -> None:
        """Store a suspension; a known one (same account and start) keeps the earlier end."""

    async def suspensions_of(self, account_ids: Collection[str]) -> dict[str, list[Suspension]]:
        """The suspensions of each account, oldest first (an empty list for none)."""

    async def record_invoiced(self, account_id: str, period_end: date) -> None:
        """Remember the latest period end the account was invoiced for."""

    async def invoiced_through(self, account_ids: Collection[str]) -> dict[str, date]: ...


@dataclass(frozen=True, slots=True)
class UsageQuery:
    msisdn: str
    first_day: date | None = None
    last_day: date | None = None
    direction: str | None = None
    after: tuple[datetime, str] | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class UsagePage:
    records: Sequence[Mapping[str, object]]
    next_after: tuple[datetime, str] | None


@dataclass(frozen=True, slots=True)
class AccountUsageQuery:
    """One page of an account's rated records, by line then time (the detailed bill's order)."""

    account_id: str
    first_day: date
    last_day: date
    direction: str | None = None
    after: tuple[str, datetime, str] | None = None
    """The page starts after this (msisdn, started_at, id)."""
    limit: int = 500


@dataclass(frozen=True, slots=True)
class AccountUsagePage:
    records: Sequence[Mapping[str, object]]
    next_after: tuple[str, datetime, str] | None


class AccountRecords(Protocol):
    async def page(self, query: AccountUsageQuery) -> AccountUsagePage:
        """Records rated to the account on the lines it holds, ``usage_date`` within the days."""


class UsageRepository(Protocol):
    async def known(self, ids: Collection[str]) -> set[str]:
        """The ids among ``ids`` that are stored already."""

    async def add_all(self, rated: Sequence[RatedRecord], batch_id: str, now: datetime) -> int:
        """Insert the rated records in bulk (a record id stored already is skipped); return how
        many were inserted."""

    async def page(self, query: UsageQuery, line: Line) -> UsagePage:
        """The records rated to ``line`` (its account's, while it held the number)."""


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record refused from an ingest path, kept with its reason and as it was sent."""

    batch_id: str
    source: str
    record_id: str | None
    position: int
    reason: str
    """The kind of reason (``rating.domain.usage.REASONS``)."""
    detail: str
    record: object
    received_at: datetime


@dataclass(frozen=True, slots=True)
class RejectionQuery:
    since: datetime | None = None
    """Received at or after."""
    until: datetime | None = None
    """Received before."""
    reason: str | None = None
    after: tuple[datetime, int] | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class RejectionPage:
    records: Sequence[Mapping[str, object]]
    next_after: tuple[datetime, int] | None


class RejectionStore(Protocol):
    async def add(self, rejected: Sequence[RejectedRecord]) -> None:
        """Keep the records; one kept already (same batch and position) is not kept twice."""

    async def page(self, query: RejectionQuery) -> RejectionPage:
        """Kept records by received time, oldest first."""


@dataclass(frozen=True, slots=True)
class ParkedRecord:
    """A record of a line rating does not know yet, as it was sent."""

    record_id: str
    msisdn: str
    batch_id: str
    source: str
    position: int
    record: Mapping[str, object]
    parked_at: datetime


class ParkedUsage(Protocol):
    async def known(self, ids: Collection[str]) -> set[str]:
        """The ids among ``ids`` that are parked."""

    async def add(self, parked: Sequence[ParkedRecord]) -> int:
        """Park the records (an id parked already is skipped); return how many were parked."""

    async def due(self, parked_before: datetime) -> list[str]:
        """Lines with parked records that are known now or were parked before ``parked_before``."""

    async def take(self, msisdn: str) -> list[ParkedRecord]:
        """The line's parked records, row-locked until commit; those another transaction holds
        are skipped."""

    async def remove(self, ids: Collection[str]) -> None: ...


class BucketStore(Protocol):
    async def used(self, connections: Mapping[str, datetime], since: date) -> dict[BucketKey, int]:
        """The buckets of these lines (number: its line's connection) from period ``since``
        on (call with the lines locked)."""

    async def save(self, used: Mapping[BucketKey, int], connections: Mapping[str, datetime],
                   ) -> None:
        """Store the buckets, each under its number's line in ``connections``."""


class PackageRepository(Protocol):
    async def save(self, package: Package, now: datetime) -> None: ...
    async def get(self, code: str) -> Package | None: ...
    async def of_codes(self, codes: Collection[str]) -> dict[str, Package]: ...
    async def listed(self) -> list[Package]: ...
    async def uses_of(self, msisdns: Collection[str]) -> dict[str, list[LinePackage]]:
        """Each current line's packages, switched on and off, oldest first."""

    async def uses_under(self, connections: Mapping[str, datetime],
                         ) -> dict[str, list[LinePackage]]:
        """The packages of these lines (number: its line's connection), oldest first."""

    async def start(self, use: LinePackage) -> None: ...
    async def end(self, use: LinePackage, at: datetime) -> None: ...


class FeeRepository(Protocol):
    async def due_lines(self, day: date) -> list[str]:
        """Lines whose fees were not looked at up to ``day`` (any time zone) yet."""

    async def add(self, charges: Sequence[FeeCharge], now: datetime) -> set[tuple[str, str, date]]:
        """Store the charges; return the (msisdn, kind, period_date) actually inserted."""

    async def lock_many(self, msisdns: Collection[str]) -> dict[str, tuple[Line, date | None]]:
        """The lines, row-locked in msisdn order until commit, each with the last day its fees
        were looked at."""

    async def charged_since_many(self, firsts: Mapping[str, date], kinds: str | None = None,
                                 ) -> dict[str, dict[date, Decimal]]:
        """Fee amounts charged to each line per month (first day), from its own first month:
        of its plan, or of the charges whose kind starts with ``kinds`` (a package's)."""

    async def looked_at_many(self, days: Mapping[str, date]) -> None: ...
    async def listed(self, line: Line, first: date | None,
                     last: date | None) -> list[Mapping[str, object]]:
        """The line's fee charges (under its connection) by period date, oldest first."""


class ReratingRepository(Protocol):
    async def all_lines(self) -> list[str]: ...
    async def records(self, msisdns: Collection[str], window: Window) -> list[StoredRecord]:
        """The stored records of these lines with usage dates in the window."""

    async def update(self, changed: Sequence[Rerated], rated_at: datetime) -> None:
        """Store the new prices of the changed records."""

    async def add_run(self, run: ReratingRun) -> None: ...
    async def run(self, run_id: str) -> ReratingRun | None: ...


class UnitOfWork(BaseUnitOfWork, Protocol):
    @property
    def plans(self) -> PlanRepository: ...

    @property
    def replica(self) -> Replica: ...

    @property
    def usage(self) -> UsageRepository: ...

    @property
    def buckets(self) -> BucketStore: ...

    @property
    def rejections(self) -> RejectionStore: ...

    @property
    def parked(self) -> ParkedUsage: ...

    @property
    def fees(self) -> FeeRepository: ...

    @property
    def packages(self) -> PackageRepository: ...

    @property
    def rerating(self) -> ReratingRepository: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...


class RecordsUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also reads an account's rated records."""

    @property
    def records(self) -> AccountRecords: ...
