"""What a line's subscriber and the back office read: allowances left and rated usage."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rating.domain.allowances import period_of
from rating.domain.lines import Account, Line
from rating.domain.plan import Allowance
from rating.domain.rating import version_on
from rating.domain.summary import RECORD_UNITS
from rating.service.grants import line_grants
from rating.service.ports import (
    AccountUsagePage,
    AccountUsageQuery,
    RecordsUnitOfWork,
    RejectionPage,
    RejectionQuery,
    UnitOfWork,
    UsagePage,
    UsageQuery,
)

__all__ = ["AccountNotFound", "AllowanceLeft", "LineAllowances", "LineNotFound",
           "account_usage", "line_allowances", "line_fees", "line_usage", "usage_rejections"]


class LineNotFound(LookupError):
    """No such line, or not one of the caller's account."""


class AccountNotFound(LookupError):
    """No account of that id is known to rating."""


@dataclass(frozen=True, slots=True)
class AllowanceLeft:
    type: str
    direction: str
    zone: str
    unit: str
    quantity: int
    used: int
    remaining: int
    package: str | None = None
    """The add-on package whose allowance it is (used before the plan's); None: the plan's."""


@dataclass(frozen=True, slots=True)
class LineAllowances:
    msisdn: str
    plan_code: str
    period_start: date
    period_end: date
    allowances: list[AllowanceLeft]


async def _line(uow: UnitOfWork, msisdn: str, account_id: str | None) -> Line:
    line = await uow.replica.line(msisdn)
    if line is None or (account_id is not None and line.account_id != account_id):
        raise LineNotFound(f"line {msisdn} not found")
    return line


def _today(uow: UnitOfWork, account: Account | None) -> date:
    try:
        zone = ZoneInfo(account.timezone if account else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return uow.clock.now().astimezone(zone).date()


def _left(allowance: Allowance, used: int, package: str | None) -> AllowanceLeft:
    return AllowanceLeft(allowance.type, allowance.direction, allowance.zone,
                         RECORD_UNITS[allowance.type], allowance.quantity, used,
                         max(allowance.quantity - used, 0), package)


async def line_allowances(uow: UnitOfWork, msisdn: str, account_id: str | None) -> LineAllowances:
    """The allowances of the line's plan in the current calendar month; ``account_id`` restricts."""
    async with uow:
        line = await _line(uow, msisdn, account_id)
        today = _today(uow, await uow.replica.account(line.account_id))
        code = line.plan_at(uow.clock.now())
        plan = version_on((await uow.plans.versions_of([code])).get(code, []), today)
        used = await uow.buckets.used({msisdn: line.connected_at}, period_of(today))
        grants = await line_grants(uow, {msisdn: line})
    start, now = period_of(today), uow.clock.now()
    held = [(f"package:{g.code}:", g.code, a) for g in grants.get(msisdn, []) if g.on_at(now)
            for a in g.allowances]
    left = [_left(a, used.get((msisdn, start, f"{prefix}{a.key}"), 0), code)
            for prefix, code, a in held + [("", None, a) for a in (plan.allowances if plan else ())]]
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return LineAllowances(msisdn, code, start, end, left)


async def _held(uow: UnitOfWork, msisdn: str, account_id: str | None) -> Line:
    """The number's current line; for an account, the latest line of the number it held."""
    if account_id is None:
        return await _line(uow, msisdn, None)
    line = await uow.replica.held_by(msisdn, account_id)
    if line is None:
        raise LineNotFound(f"line {msisdn} not found")
    return line


async def line_usage(uow: UnitOfWork, query: UsageQuery, account_id: str | None) -> UsagePage:
    """One page of the rated records of the line, oldest first: the number's current line, or
    for ``account_id`` the latest line of the number that account held, so an earlier owner
    reads their own records and a new owner none of theirs."""
    async with uow:
        return await uow.usage.page(query, await _held(uow, query.msisdn, account_id))


async def line_fees(uow: UnitOfWork, msisdn: str, account_id: str | None, first: date | None,
                    last: date | None) -> list[Mapping[str, object]]:
    """The recurring fees charged to the line (``from``/``to`` by period date, inclusive): the
    number's current line, or for ``account_id`` the latest line of the number it held."""
    async with uow:
        return await uow.fees.listed(await _held(uow, msisdn, account_id), first, last)


async def usage_rejections(uow: UnitOfWork, query: RejectionQuery) -> RejectionPage:
    """One page of the records refused from any ingest path, oldest first by received time."""
    async with uow:
        return await uow.rejections.page(query)


async def account_usage(uow: RecordsUnitOfWork, query: AccountUsageQuery) -> AccountUsagePage:
    """One page of the account's rated records, line by line and oldest first (SPEC I7)."""
    async with uow:
        if await uow.replica.account(query.account_id) is None:
            raise AccountNotFound(f"account {query.account_id} not found")
        return await uow.records.page(query)
