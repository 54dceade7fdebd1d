"""Ingesting a batch of usage records: the one use case behind AMQP, HTTP and CSV ingest.

A batch is handled in one transaction: its valid records are rated (``rating.service.batch``);
record ids stored or parked already are counted as duplicates (so is a record a concurrent
batch parked meanwhile); records of lines rating does not know yet are parked
(``parked_usage``) until the line event arrives; refused records are kept with their reasons
and as they were sent (``usage_rejections``; a redelivered batch keeps them once). The batch's
report is published as ``rating.usage.batch_processed`` through the outbox, in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rating.domain.policy import RatingPolicy
from rating.domain.rating import ParsedBatch, parse_batch
from rating.domain.usage import Malformed, Rejection, UsageRecord
from rating.service.batch import ConcurrentIngest, Outcome, lock_lines, rate_records, store_rated
from rating.service.events import UsageBatchProcessed
from rating.service.ports import ParkedRecord, RejectedRecord, UnitOfWork

__all__ = ["MAX_BATCH", "Batch", "BatchTooLarge", "ConcurrentIngest", "IngestReport",
           "ingest_usage"]

MAX_BATCH = 10_000


class BatchTooLarge(ValueError):
    """More records than one batch may hold."""


@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    source: str
    """The ingest path: ``amqp``, ``http`` or ``csv``."""


@dataclass(frozen=True, slots=True)
class IngestReport:
    accepted: int
    duplicates: int
    rejected: list[Rejection]
    parked: int = 0


def _as_sent(raw: object) -> object:
    """A record as its transport read it: a CSV line that could not be split into a record is
    kept as its fields."""
    return raw.sent if isinstance(raw, Malformed) else raw


def _kept(rejections: Sequence[Rejection], raws: Sequence[object], batch: Batch,
          now: datetime) -> list[RejectedRecord]:
    return [RejectedRecord(batch.id, batch.source, r.id, r.index, r.code, r.reason,
                           _as_sent(raws[r.index]), now) for r in rejections]


async def _park(uow: UnitOfWork, records: Sequence[UsageRecord], parsed: ParsedBatch,
                raws: Sequence[object], batch: Batch) -> int:
    """Park the records; return how many were parked (not by a concurrent batch meanwhile).
    They are inserted in id order, so two batches parking the same ids never wait on each other
    in a cycle."""
    now = uow.clock.now()
    parked = [ParkedRecord(r.id, r.msisdn, batch.id, batch.source, parsed.positions[r.id],
                           _mapping(raws[parsed.positions[r.id]]), now)
              for r in sorted(records, key=lambda r: r.id)]
    return await uow.parked.add(parked) if parked else 0


def _mapping(raw: object) -> Mapping[str, object]:
    if not isinstance(raw, Mapping):
        raise TypeError("a valid record is a mapping")
    return raw


async def _fresh(uow: UnitOfWork, records: Sequence[UsageRecord]) -> list[UsageRecord]:
    """The records neither stored nor parked already."""
    ids = [r.id for r in records]
    known = await uow.usage.known(ids) | await uow.parked.known(ids) if ids else set()
    return [r for r in records if r.id not in known]


def _refused(parsed: ParsedBatch, outcome: Outcome) -> list[Rejection]:
    rated = [Rejection(record.id, str(exc), parsed.positions[record.id], exc.code)
             for record, exc in outcome.refused]
    return sorted(parsed.rejected + rated, key=lambda r: r.index)


def _announce(uow: UnitOfWork, report: IngestReport, batch: Batch) -> None:
    uow.emit(UsageBatchProcessed(
        batch_id=batch.id, source=batch.source, accepted=report.accepted,
        duplicates=report.duplicates, rejected=len(report.rejected), parked=report.parked))


async def _ingest(uow: UnitOfWork, raws: Sequence[object], batch: Batch,
                  policy: RatingPolicy) -> IngestReport:
    parsed = parse_batch(raws)
    lines = await lock_lines(uow, parsed.records)
    fresh = await _fresh(uow, parsed.records)
    outcome = await rate_records(uow, fresh, lines, policy)
    await store_rated(uow, outcome, batch.id)
    parked = await _park(uow, outcome.unknown_line, parsed, raws, batch)
    known = len(parsed.records) - len(fresh) + len(outcome.unknown_line) - parked
    report = IngestReport(len(outcome.rated), parsed.duplicates + known,
                          _refused(parsed, outcome), parked)
    await uow.rejections.add(_kept(report.rejected, raws, batch, uow.clock.now()))
    _announce(uow, report, batch)
    return report


async def ingest_usage(uow: UnitOfWork, raws: Sequence[object], batch: Batch,
                       policy: RatingPolicy) -> IngestReport:
    """Rate a batch; report accepted, duplicate, rejected (with their reasons) and parked
    records."""
    if len(raws) > MAX_BATCH:
        raise BatchTooLarge(f"a batch holds at most {MAX_BATCH} records, not {len(raws)}")
    async with uow:
        report = await _ingest(uow, raws, batch, policy)
        await uow.commit()
    return report
