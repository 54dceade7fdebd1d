"""Re-rating a window of usage (SPEC R8) in one transaction.

The lines in scope are row-locked (as ingest does), so no batch is rated on them meanwhile.
Each record is priced again with the line that held its number when it started, so a number
given to a new line keeps its earlier owner's records on the earlier owner's line, plan,
packages and buckets.
A window reaching into a period an account was invoiced for already is refused: an issued
invoice is corrected with a credit note, never by re-rating. The run stores the new prices of
the changed records, replays the window's allowance buckets, and emits one
``rating.usage.rerated`` event per account whose charges changed, carrying the old and new
amounts; the ledger posts their difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tarifa.messaging.catalogue import RerateItem, UsageRerated

from rating.domain.allowances import BucketKey, Buckets
from rating.domain.connections import Connections, connections_of, rounds
from rating.domain.lines import Line
from rating.domain.rating import RatingContext
from rating.domain.rerating import (
    Rerated,
    RerateOutcome,
    StoredRecord,
    Window,
    in_scope,
    rerate,
)
from rating.domain.rerating_run import COMPLETED, CurrencyDifference, ReratingRun
from rating.domain.rerating_summary import AccountDifference, DifferenceItem, differences
from rating.service.grants import line_grants
from rating.service.ports import UnitOfWork

__all__ = ["PeriodClosed", "RerateRequest", "rerate_usage", "rerating_run"]


class PeriodClosed(Exception):
    """The window reaches into a period already invoiced."""


@dataclass(frozen=True, slots=True)
class RerateRequest:
    run_id: str
    start: date
    end: date
    msisdns: tuple[str, ...] | None = None
    plan_code: str | None = None


async def _refuse_closed(uow: UnitOfWork, account_ids: set[str], window: Window) -> None:
    invoiced = await uow.replica.invoiced_through(account_ids)
    for account_id, through in sorted(invoiced.items()):
        if through >= window.first:
            raise PeriodClosed(
                f"account {account_id} is invoiced through {through.isoformat()}; usage from "
                f"{window.first.isoformat()} on is in a closed period, corrected by credit notes")


async def _context(uow: UnitOfWork, lines: Mapping[str, Line]) -> RatingContext:
    accounts = await uow.replica.accounts({line.account_id for line in lines.values()})
    plans = await uow.plans.versions_of(set().union(*(line.plan_codes for line in lines.values())))
    return RatingContext(dict(lines), accounts, plans,
                         Buckets(grants=await line_grants(uow, lines)))


async def _replay_buckets(uow: UnitOfWork, lines: Mapping[str, Line], window: Window,
                          buckets: Buckets) -> None:
    """Store the window's buckets of these lines as replayed; a bucket no record uses any
    more goes to 0."""
    last_period, connections = window.periods[1], connections_of(lines)
    before = await uow.buckets.used(connections, window.first) if connections else {}
    keys: set[BucketKey] = {k for k in before if k[1] <= last_period} | set(buckets.used)
    replayed = {key: buckets.used.get(key, 0) for key in keys}
    await uow.buckets.save({k: n for k, n in replayed.items() if before.get(k) != n},
                           connections)


Part = tuple[dict[str, Line], list[StoredRecord]]


def _parts(stored: Sequence[StoredRecord], held: Connections) -> list[Part]:
    """The records by the line that held their number when they started, one line a number
    in each part (``rating.domain.connections``)."""
    by_id = {s.record.id: s for s in stored}
    return [(r.lines, [by_id[record.id] for record in r.records])
            for r in rounds([s.record for s in stored], held)]


async def _rerate_parts(uow: UnitOfWork, parts: Sequence[Part], window: Window) -> RerateOutcome:
    """Each part priced again with its own lines' plans, packages and buckets."""
    records, changed, kept = 0, list[Rerated](), 0
    for lines, stored in parts:
        context = await _context(uow, lines)
        outcome = rerate(stored, set(lines), context)
        await _replay_buckets(uow, lines, window, context.buckets)
        records, changed, kept = (records + outcome.records, changed + outcome.changed,
                                  kept + outcome.kept)
    return RerateOutcome(records, changed, kept)


def _accounts(parts: Sequence[Part]) -> set[str]:
    """The accounts whose usage the run prices again: their lines' and the records' own."""
    return ({line.account_id for lines, _ in parts for line in lines.values()}
            | {s.account_id for _, stored in parts for s in stored})


def _item(item: DifferenceItem) -> RerateItem:
    return RerateItem(
        msisdn=item.msisdn, type=item.type, direction=item.direction, quantity=item.quantity,
        net=item.difference("net"), vat=item.difference("vat"), gross=item.difference("gross"),
        usage_date=item.usage_date, zone=item.zone, unit=item.unit, late=item.late,
        vat_rate=item.vat_rate, prices_include_vat=item.prices_include_vat,
        old_net=item.old_net, new_net=item.new_net, old_gross=item.old_gross,
        new_gross=item.new_gross)


def _announce(uow: UnitOfWork, found: list[AccountDifference], run_id: str) -> None:
    for account in found:
        if account.moves_money:
            uow.emit(UsageRerated(
                account_id=account.account_id, run_id=run_id, currency=account.currency,
                items=[_item(i) for i in account.items.values()],
                difference_net=account.total("net"), difference_gross=account.total("gross")),
                subject=account.account_id)


def _by_currency(found: list[AccountDifference]) -> tuple[CurrencyDifference, ...]:
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for account in found:
        net, gross = totals.get(account.currency, (Decimal(0), Decimal(0)))
        totals[account.currency] = (net + account.total("net"), gross + account.total("gross"))
    return tuple(CurrencyDifference(c, n, g) for c, (n, g) in sorted(totals.items()))


def _run(uow: UnitOfWork, request: RerateRequest, outcome: RerateOutcome,
         found: list[AccountDifference]) -> ReratingRun:
    return ReratingRun(request.run_id, uow.clock.now(), request.start, request.end,
                       request.msisdns, request.plan_code, COMPLETED, outcome.records,
                       len(outcome.changed), outcome.kept, _by_currency(found))


async def rerate_usage(uow: UnitOfWork, request: RerateRequest) -> ReratingRun:
    """Re-rate the request's window within ``uow`` (entered by the caller, who commits)."""
    window = Window.around(request.start, request.end)
    named = request.msisdns if request.msisdns is not None else await uow.rerating.all_lines()
    held = await uow.replica.lock_connections(named, window.started_between()[0])
    stored = await uow.rerating.records(list(held), window)
    scope = in_scope(stored, request.plan_code)
    parts = _parts([s for s in stored if s.record.msisdn in scope], held)
    await _refuse_closed(uow, _accounts(parts), window)
    outcome = await _rerate_parts(uow, parts, window)
    await uow.rerating.update(outcome.changed, uow.clock.now())
    found = differences(outcome.changed)
    _announce(uow, found, request.run_id)
    run = _run(uow, request, outcome, found)
    await uow.rerating.add_run(run)
    await uow.trail.record(uow.actor, "rerating_run.completed", "rerating_run", run.id, after=run)
    return run


async def rerating_run(uow: UnitOfWork, run_id: str) -> ReratingRun | None:
    async with uow:
        return await uow.rerating.run(run_id)
