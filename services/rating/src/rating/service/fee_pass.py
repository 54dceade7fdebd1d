"""The recurring-fee pass over every due line, in chunks of lines.

A chunk is one transaction: it locks its lines (in msisdn order, as every other writer of a line
does), reads what their schedules need in a few statements, and stores all their charges, events
and audit rows together, so the pass costs a few statements per chunk instead of a dozen per
line. A chunk that fails is rolled back and its lines are charged one by one (a chunk of one
line each, each failure logged and counted by ``attempt``), so one bad line delays only itself
and is retried on the next pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from tarifa import correlation
from tarifa.logging import get_logger
from tarifa.scheduling import attempt

from rating.domain.schedule import FeeCharge, LineFees
from rating.service.fees import store_charges
from rating.service.package_fees import package_charges
from rating.service.ports import UnitOfWork

__all__ = ["CHUNK", "charge_fees", "charge_lines", "settle_closed_line", "settle_package"]

CHUNK = 500
log = get_logger(__name__)
Due = dict[str, tuple[LineFees, date, date]]
"""Per line: its schedule, the first day not looked at yet and today (local days)."""


async def charge_fees(new_uow: Callable[[], UnitOfWork]) -> int:
    """Charge every line's fees up to today; return how many charges were made."""
    with correlation.correlated(correlation.accepted(correlation.current())):
        uow = new_uow()
        async with uow:
            # A day ahead of UTC covers the time zones east of it.
            due = await uow.fees.due_lines(uow.clock.now().date() + timedelta(days=1))
        made = 0
        for start in range(0, len(due), CHUNK):
            made += await _chunk(new_uow, due[start:start + CHUNK])
        return made


async def _chunk(new_uow: Callable[[], UnitOfWork], msisdns: Sequence[str]) -> int:
    try:
        return await charge_lines(new_uow(), msisdns)
    except Exception as exc:
        log.warning("fee_chunk_failed", lines=len(msisdns), error=repr(exc))
    made = 0
    for msisdn in msisdns:
        made += await attempt("rating-fees", msisdn, charge_lines(new_uow(), [msisdn])) or 0
    return made


async def charge_lines(uow: UnitOfWork, msisdns: Sequence[str]) -> int:
    """Charge the days of these lines not looked at yet, in one transaction."""
    async with uow:
        due = _due(await _schedules(uow, msisdns), uow.clock.now())
        charged = await uow.fees.charged_since_many(
            {msisdn: first.replace(day=1) for msisdn, (_, first, _) in due.items()})
        charges: list[FeeCharge] = []
        for msisdn, (schedule, first, today) in due.items():
            schedule.charged = charged[msisdn]
            charges.extend(schedule.charges(first, today))
        charges.extend(await package_charges(uow, due))
        await store_charges(uow, charges)
        await uow.fees.looked_at_many({msisdn: today for msisdn, (_, _, today) in due.items()})
        await uow.commit()
    return len(charges)


async def _schedules(uow: UnitOfWork,
                     msisdns: Sequence[str]) -> dict[str, tuple[LineFees, date | None]]:
    """The locked lines whose account is known, with the last day looked at."""
    locked = await uow.fees.lock_many(msisdns)
    accounts = await uow.replica.accounts({line.account_id for line, _ in locked.values()})
    plans = await uow.plans.versions_of(
        set().union(*(line.plan_codes for line, _ in locked.values())))
    suspended = await uow.replica.suspensions_of(set(accounts))
    return {msisdn: (LineFees(line, accounts[line.account_id], plans,
                              suspended[line.account_id]), through)
            for msisdn, (line, through) in locked.items() if line.account_id in accounts}


def _due(schedules: dict[str, tuple[LineFees, date | None]], now: datetime) -> Due:
    due: Due = {}
    for msisdn, (schedule, through) in schedules.items():
        today = schedule.today(now)
        first = through + timedelta(days=1) if through else schedule.connection_day
        if first <= today:
            due[msisdn] = (schedule, first, today)
    return due


async def settle_closed_line(uow: UnitOfWork, msisdn: str) -> int:
    """Within ``uow`` (the caller commits): charge a closed line's days up to its closing day
    with the closing known, so a postpaid month charged ahead is credited for the days after
    it at once; days after the closing day are never charged (``LineFees.plan_on``)."""
    schedule, through = (await _schedules(uow, [msisdn])).get(msisdn, (None, None))
    if schedule is None or schedule.line.closed_at is None:
        return 0
    closing_day = schedule.today(schedule.line.closed_at)
    first = through + timedelta(days=1) if through else schedule.connection_day
    charged = await uow.fees.charged_since_many({msisdn: min(first, closing_day).replace(day=1)})
    schedule.charged = charged[msisdn]
    if first <= closing_day:
        charges = schedule.charges(first, closing_day)
        await uow.fees.looked_at_many({msisdn: closing_day})
    else:
        # the closing day was charged already: charged again, it brings the month's difference
        charges = [c for c in [schedule.charge_day(closing_day)] if c is not None]
    start = min(first, closing_day)
    charges += await package_charges(uow, {msisdn: (schedule, start, closing_day)})
    await store_charges(uow, charges)
    return len(charges)


async def settle_package(uow: UnitOfWork, msisdn: str, code: str, day: date) -> int:
    """Within ``uow``: charge the package's days from ``day`` (when it went on or off) to the
    last day the line's fees were looked at, which the pass will not look at again."""
    schedule, through = (await _schedules(uow, [msisdn])).get(msisdn, (None, None))
    if schedule is None or through is None or through < day:
        return 0  # the pass charges these days when it comes to them
    charges = await package_charges(uow, {msisdn: (schedule, day, through)}, only=code)
    await store_charges(uow, charges)
    return len(charges)
