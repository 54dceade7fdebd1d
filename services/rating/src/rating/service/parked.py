"""Records parked until their line is known: rated when it arrives, swept now and then.

A record of a line rating does not know yet (its ``accounts.line.activated`` has not arrived)
waits in ``parked_usage``. When the line event is handled, the line's parked records are rated
in usage order in the same transaction as the line and the event's inbox row, and leave the
parking; so each is rated once. A record is rated to the line that held its number when it
started: one from before the new line's connection is never given to it (it goes to the
number's earlier line, or, when the replica knows none yet, waits for it like a record of an
unknown number). The late window was checked when a record arrived and is not checked again.

A periodic sweep settles the lines whose records could not be rated on arrival (a batch parked
them while the line event was being handled) and rejects, as ``unknown_line``, records whose
line is still unknown after the policy's age. Each line is settled in its own transaction with
its parked rows locked ``FOR UPDATE SKIP LOCKED`` (after the line's own row lock), so two
rating processes never settle the same record and a settled record is gone for the next pass.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from tarifa.scheduling import attempt

from rating.domain.connections import Connections
from rating.domain.policy import RatingPolicy
from rating.domain.usage import RecordError, UsageRecord, parse_record
from rating.service.batch import Outcome, rate_records, store_rated
from rating.service.ports import ParkedRecord, RejectedRecord, UnitOfWork

__all__ = ["settle_line", "settle_parked", "sweep_parked"]

JOB = "rating-parked"
_EARLY = "before_connection"
"""A record from before every known line of its number: it waits for the line of its time."""


def _rejected(parked: ParkedRecord, error: RecordError) -> RejectedRecord:
    return RejectedRecord(parked.batch_id, parked.source, parked.record_id, parked.position,
                          error.code, str(error), parked.record, parked.parked_at)


def _readable(taken: Sequence[ParkedRecord]) -> tuple[list[UsageRecord], list[RejectedRecord]]:
    """The records in usage order (start, then id), and those that cannot be read any more."""
    records, refused = [], []
    for parked in taken:
        try:
            records.append(parse_record(parked.record))
        except RecordError as exc:
            refused.append(_rejected(parked, exc))
    return sorted(records, key=lambda r: (r.started_at, r.id)), refused


def _expired(waiting: Sequence[UsageRecord], taken: dict[str, ParkedRecord],
             policy: RatingPolicy, now: datetime) -> list[RejectedRecord]:
    hours = int(policy.parked_usage.total_seconds() // 3600)
    return [_rejected(taken[r.id], RecordError(
                f"unknown msisdn {r.msisdn}: no line within {hours} hours", "unknown_line"))
            for r in waiting if policy.parked_too_long(taken[r.id].parked_at, now)]


async def _rate(uow: UnitOfWork, records: Sequence[UsageRecord], lines: Connections,
                policy: RatingPolicy) -> Outcome:
    stored = await uow.usage.known([r.id for r in records]) if records else set()
    outcome = await rate_records(uow, [r for r in records if r.id not in stored], lines, policy,
                                 received_in_time=True)
    await store_rated(uow, outcome, f"parked-{uuid.uuid4()}")
    return outcome


async def settle_parked(uow: UnitOfWork, msisdn: str, policy: RatingPolicy) -> int:
    """Rate the line's parked records and reject those parked too long, in the open unit of
    work; return how many left the parking."""
    lines = await uow.replica.lock_connections({msisdn})
    taken = {p.record_id: p for p in await uow.parked.take(msisdn)}
    if not taken:
        return 0
    records, refused = _readable(list(taken.values()))
    outcome = await _rate(uow, records, lines, policy)
    early = [r for r, exc in outcome.refused if exc.code == _EARLY]
    refused += [_rejected(taken[r.id], exc) for r, exc in outcome.refused if exc.code != _EARLY]
    refused += _expired(outcome.unknown_line + early, taken, policy, uow.clock.now())
    await uow.rejections.add(refused)
    waiting = {r.id for r in outcome.unknown_line + early} - {r.record_id for r in refused}
    await uow.parked.remove(set(taken) - waiting)
    return len(taken) - len(waiting)


async def settle_line(uow: UnitOfWork, msisdn: str, policy: RatingPolicy) -> int:
    async with uow:
        settled = await settle_parked(uow, msisdn, policy)
        await uow.commit()
    return settled


async def sweep_parked(new_uow: Callable[[], UnitOfWork], policy: RatingPolicy) -> int:
    """Settle every line with parked records that is known now or waited too long; return how
    many records left the parking."""
    async with new_uow() as uow:
        due = await uow.parked.due(uow.clock.now() - policy.parked_usage)
    settled = 0
    for msisdn in due:
        settled += await attempt(JOB, msisdn, settle_line(new_uow(), msisdn, policy)) or 0
    return settled
