"""Ingesting a batch of usage records: the one use case behind HTTP and AMQP ingest.

A batch is rated in one transaction. The lines it names are row-locked (in msisdn order) for
the whole transaction, so two consumers never rate the same line at once and never spend an
allowance twice; record ids already stored are counted as duplicates, and the rated records are
inserted in bulk with ``ON CONFLICT (id) DO NOTHING`` as a last guard. One ``rating.usage.rated``
event per batch carries the charges of every account it touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from tarifa.messaging.catalogue import AllowanceExhausted, UsageRated

from rating.domain.allowances import Buckets, period_of
from rating.domain.policy import RatingPolicy
from rating.domain.rating import (
    ParsedBatch,
    RatedRecord,
    RatingContext,
    parse_batch,
    rate_record,
)
from rating.domain.summary import AccountCharges, ChargedItem, summarise
from rating.domain.usage import RecordError, Rejection, UsageRecord
from rating.service.ports import UnitOfWork

__all__ = ["MAX_BATCH", "BatchTooLarge", "ConcurrentIngest", "IngestReport", "ingest_usage",
           "usage_rated"]

MAX_BATCH = 10_000


class BatchTooLarge(ValueError):
    """More records than one batch may hold."""


class ConcurrentIngest(RuntimeError):
    """Another batch stored some of these record ids meanwhile; the batch is rolled back."""


@dataclass(frozen=True, slots=True)
class IngestReport:
    accepted: int
    duplicates: int
    rejected: list[Rejection]


@dataclass
class _Outcome:
    rated: list[RatedRecord]
    rejected: list[Rejection]
    context: RatingContext


async def _context(uow: UnitOfWork, records: Sequence[UsageRecord],
                   policy: RatingPolicy) -> RatingContext:
    lines = await uow.replica.lock_lines({r.msisdn for r in records})
    account_ids = {line.account_id for line in lines.values()}
    accounts = await uow.replica.accounts(account_ids)
    plans = await uow.plans.versions_of(set().union(*(line.plan_codes for line in lines.values())))
    # One day earlier covers any account time zone.
    since = period_of(min(r.started_at for r in records).date() - timedelta(days=1))
    used = await uow.buckets.used(list(lines), since) if lines else {}
    return RatingContext(lines, accounts, plans, Buckets(used), now=uow.clock.now(),
                         late_window=policy.late_usage,
                         invoiced_through=await uow.replica.invoiced_through(account_ids))


def _rate_all(records: Sequence[UsageRecord], parsed: ParsedBatch, context: RatingContext) -> _Outcome:
    outcome = _Outcome([], [], context)
    for record in records:
        try:
            outcome.rated.append(rate_record(record, context))
        except RecordError as exc:
            outcome.rejected.append(Rejection(record.id, str(exc), parsed.positions[record.id]))
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
            "totals": {name: str(charges.total(name)) for name in ("net", "vat", "gross")}}


def usage_rated(rated: Sequence[RatedRecord], batch_id: str) -> tuple[dict[str, object], str | None]:
    """The data of a batch's ``rating.usage.rated`` event and its subject."""
    accounts = [_account_usage(charges) for charges in summarise(rated)]
    subject = str(accounts[0]["account_id"]) if len(accounts) == 1 else None
    return {"batch_id": batch_id, "accounts": accounts}, subject


def _announce(uow: UnitOfWork, outcome: _Outcome, batch_id: str) -> None:
    data, subject = usage_rated(outcome.rated, batch_id)
    uow.emit(data, subject=subject, routing_key=UsageRated.routing_key)
    lines = outcome.context.lines
    for msisdn, _period, allowance in sorted(outcome.context.buckets.exhausted):
        account_id = lines[msisdn].account_id
        uow.emit(AllowanceExhausted(account_id=account_id, msisdn=msisdn, allowance=allowance),
                 subject=account_id)


async def _store(uow: UnitOfWork, outcome: _Outcome, batch_id: str) -> None:
    inserted = await uow.usage.add_all(outcome.rated, batch_id, uow.clock.now())
    if inserted != len(outcome.rated):
        raise ConcurrentIngest("some records were stored by another batch meanwhile")
    buckets = outcome.context.buckets
    await uow.buckets.save({key: buckets.used[key] for key in buckets.changed})
    _announce(uow, outcome, batch_id)


async def ingest_usage(uow: UnitOfWork, raws: Sequence[object], batch_id: str,
                       policy: RatingPolicy) -> IngestReport:
    """Rate a batch; report accepted, duplicate and rejected records (with their reasons)."""
    if len(raws) > MAX_BATCH:
        raise BatchTooLarge(f"a batch holds at most {MAX_BATCH} records, not {len(raws)}")
    parsed = parse_batch(raws)
    if not parsed.records:
        return IngestReport(0, parsed.duplicates, parsed.rejected)
    async with uow:
        context = await _context(uow, parsed.records, policy)
        known = await uow.usage.known([r.id for r in parsed.records])
        outcome = _rate_all([r for r in parsed.records if r.id not in known], parsed, context)
        if outcome.rated:
            await _store(uow, outcome, batch_id)
            await uow.commit()
    rejected = sorted(parsed.rejected + outcome.rejected, key=lambda r: r.index)
    return IngestReport(len(outcome.rated), parsed.duplicates + len(known), rejected)
