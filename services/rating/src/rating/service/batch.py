"""Rating a set of valid records inside an open unit of work: the step ingest and the parked
records share.

The lines the records name (the connections of their numbers from the batch's earliest record
on, the current ones always among them) are row-locked (in msisdn order) until the transaction
ends, so two consumers never rate the same line at once and never spend an allowance twice.
Each record is rated to the line that held its number when it started
(``rating.domain.connections``): an earlier owner's late record goes to the earlier owner's
line, account, plan, buckets and packages. A record of a line the replica does not know yet is
set apart to be parked; one that cannot be rated is set apart with its reason. The rated
records are inserted in bulk with ``ON CONFLICT (id) DO NOTHING`` as a last guard, and one
``rating.usage.rated`` event carries the charges of every account they touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from tarifa.messaging.catalogue import AllowanceExhausted, UsageRated

from rating.domain.allowances import Buckets, period_of
from rating.domain.connections import Connections, connections_of, rounds
from rating.domain.lines import Line
from rating.domain.policy import RatingPolicy
from rating.domain.rating import RatedRecord, RatingContext, UnknownLine, rate_record
from rating.domain.summary import AccountCharges, ChargedItem, summarise
from rating.domain.usage import RecordError, UsageRecord
from rating.service.grants import line_grants
from rating.service.ports import UnitOfWork

__all__ = ["ConcurrentIngest", "Outcome", "lock_lines", "rate_records", "store_rated",
           "usage_rated"]


class ConcurrentIngest(RuntimeError):
    """Another batch stored some of these record ids meanwhile; the batch is rolled back."""


@dataclass
class Outcome:
    rated: list[RatedRecord] = field(default_factory=list)
    refused: list[tuple[UsageRecord, RecordError]] = field(default_factory=list)
    unknown_line: list[UsageRecord] = field(default_factory=list)
    contexts: list[RatingContext] = field(default_factory=list)
    """One per round of lines (``rating.domain.connections``)."""

    def add(self, other: Outcome) -> None:
        self.rated += other.rated
        self.refused += other.refused
        self.unknown_line += other.unknown_line
        self.contexts += other.contexts


async def lock_lines(uow: UnitOfWork, records: Sequence[UsageRecord]) -> Connections:
    """The lines of the numbers of ``records`` that held them from the earliest record's start
    on, row-locked until commit: take them before looking up which records are stored already,
    so a concurrent batch of the same lines is seen whole."""
    if not records:
        return {}
    since = min(r.started_at for r in records)
    return await uow.replica.lock_connections({r.msisdn for r in records}, since)


async def _context(uow: UnitOfWork, records: Sequence[UsageRecord], lines: dict[str, Line],
                   late_window: timedelta | None) -> RatingContext:
    account_ids = {line.account_id for line in lines.values()}
    accounts = await uow.replica.accounts(account_ids)
    plans = await uow.plans.versions_of(set().union(*(line.plan_codes for line in lines.values())))
    # One day earlier covers any account time zone.
    since = period_of(min(r.started_at for r in records).date() - timedelta(days=1))
    used = await uow.buckets.used(connections_of(lines), since) if lines else {}
    grants = await line_grants(uow, lines)
    return RatingContext(lines, accounts, plans, Buckets(used, grants=grants), now=uow.clock.now(),
                         late_window=late_window,
                         invoiced_through=await uow.replica.invoiced_through(account_ids))


def _rate_all(records: Sequence[UsageRecord], context: RatingContext) -> Outcome:
    outcome = Outcome(contexts=[context])
    for record in records:
        try:
            outcome.rated.append(rate_record(record, context))
        except UnknownLine:
            outcome.unknown_line.append(record)
        except RecordError as exc:
            outcome.refused.append((record, exc))
    return outcome


async def rate_records(uow: UnitOfWork, records: Sequence[UsageRecord], lines: Connections,
                       policy: RatingPolicy, *, received_in_time: bool = False) -> Outcome:
    """Rate ``records`` in their order, each to the line of its time, their ``lines`` locked
    (``lock_lines``). ``received_in_time``: the late window was checked when they arrived
    (parked records), so it is not checked again."""
    late_window = None if received_in_time else policy.late_usage
    outcome = Outcome()
    for round_ in rounds(records, lines):
        outcome.add(_rate_all(round_.records,
                              await _context(uow, round_.records, round_.lines, late_window)))
    return outcome


def _item(i: ChargedItem) -> dict[str, object]:
    return {"msisdn": i.msisdn, "type": i.type, "direction": i.direction, "quantity": i.quantity,
            "net": str(i.net), "vat": str(i.vat), "gross": str(i.gross),
            "usage_date": i.usage_date.isoformat(), "zone": i.zone, "unit": i.unit,
            "late": i.late, "vat_rate": str(i.vat_rate),
            "prices_include_vat": i.prices_include_vat}


def _account_usage(charges: AccountCharges) -> dict[str, object]:
    """One account's part of ``UsageRated`` (``tarifa.messaging.catalogue``), as JSON values:
    a batch's event is built once, not validated field by field."""
    return {"account_id": charges.account_id, "currency": charges.currency,
            "items": [_item(i) for i in charges.items.values()],
            "totals": {"net": str(charges.net), "vat": str(charges.vat),
                       "gross": str(charges.gross)}}


def usage_rated(rated: Sequence[RatedRecord], batch_id: str) -> tuple[dict[str, object], str | None]:
    """The data of a batch's ``rating.usage.rated`` event and its subject."""
    accounts = [_account_usage(charges) for charges in summarise(rated)]
    subject = str(accounts[0]["account_id"]) if len(accounts) == 1 else None
    return {"batch_id": batch_id, "accounts": accounts}, subject


def _exhausted(uow: UnitOfWork, context: RatingContext) -> None:
    for msisdn, _period, allowance in sorted(context.buckets.exhausted):
        account_id = context.lines[msisdn].account_id
        uow.emit(AllowanceExhausted(account_id=account_id, msisdn=msisdn, allowance=allowance),
                 subject=account_id)


async def store_rated(uow: UnitOfWork, outcome: Outcome, batch_id: str) -> None:
    """Store the rated records and each round's buckets, and announce them in one event
    (nothing when none)."""
    if not outcome.rated:
        return
    inserted = await uow.usage.add_all(outcome.rated, batch_id, uow.clock.now())
    if inserted != len(outcome.rated):
        raise ConcurrentIngest("some records were stored by another batch meanwhile")
    for context in outcome.contexts:
        buckets = context.buckets
        await uow.buckets.save({key: buckets.used[key] for key in buckets.changed},
                               connections_of(context.lines))
    data, subject = usage_rated(outcome.rated, batch_id)
    uow.emit(data, subject=subject, routing_key=UsageRated.routing_key)
    for context in outcome.contexts:
        _exhausted(uow, context)
