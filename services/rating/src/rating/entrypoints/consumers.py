"""What rating consumes: its replica (accounts, lines, plan changes, suspensions, invoiced
periods) and usage batches from mediation.

Mediation publishes ``{"records": [...]}`` to the queue ``rating.usage.ingest`` on the default
exchange. A batch is rated in one transaction and acknowledged after it commits; a redelivered
batch (the same ``message_id``) finds its records stored or parked and counts them as
duplicates, and keeps its refused records once. A body that is not a batch is dead-lettered at
once; a failure (database down, a concurrent batch) is retried up to the queue's delivery limit.
The line event rates the line's parked records (``rating.service.parked``).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from faststream import AckPolicy
from faststream.rabbit.annotations import RabbitMessage
from tarifa.correlation import accepted, correlated
from tarifa.logging import get_logger
from tarifa.messaging.consumer import delivery
from tarifa.messaging.envelope import CloudEvent
from tarifa.messaging.retry import retry_transient
from tarifa.messaging.topology import quorum_queue
from tarifa.runtime import Runtime
from tarifa.sanity import control_character

from rating.domain.policy import RatingPolicy
from rating.service.ingest import MAX_BATCH, Batch, ingest_usage
from rating.service.ports import UnitOfWork
from rating.service.replica import (
    record_account,
    record_account_update,
    record_invoice,
    record_line,
    record_plan_change,
    record_suspension,
)

__all__ = ["INGEST_QUEUE", "register_consumers"]

ACCOUNT_OPENED = "rating.account-opened"
LINE_ACTIVATED = "rating.line-activated"
UseCase = Callable[[UnitOfWork, str, CloudEvent], Awaitable[None]]


def _replica(policy: RatingPolicy) -> dict[str, tuple[str, UseCase]]:
    """Replica queues: consumer name → (routing key, use case)."""
    return {
        ACCOUNT_OPENED: ("accounts.account.opened", record_account),
        LINE_ACTIVATED: ("accounts.line.activated", functools.partial(record_line, policy=policy)),
        "rating.line-plan-changed": ("accounts.line.plan_changed", record_plan_change),
        "rating.account-updated": ("accounts.account.updated", record_account_update),
        "rating.account-suspended": ("accounts.account.suspended", record_suspension),
        "rating.account-resumed": ("accounts.account.resumed", record_suspension),
        "rating.invoice-issued": ("invoicing.invoice.issued", record_invoice),
    }


INGEST_QUEUE = "rating.usage.ingest"
log = get_logger(__name__)


def _batch_id(message_id: str | None) -> str:
    """The message id names the batch (a redelivery is the same batch), when a column holds it."""
    if message_id and len(message_id) <= 64 and not control_character(message_id):
        return message_id
    return str(uuid.uuid4())


def _records(body: bytes) -> list[Any] | None:
    try:
        batch = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    records = batch.get("records") if isinstance(batch, dict) else None
    return records if isinstance(records, list) and len(records) <= MAX_BATCH else None


def _subscribe_ingest(runtime: Runtime, new_uow: Callable[[], UnitOfWork],
                      policy: RatingPolicy) -> None:
    async def on_batch(message: RabbitMessage) -> None:
        records = _records(message.body)
        if records is None:
            log.warning("usage_batch_rejected", queue=INGEST_QUEUE, reason="not a usage batch")
            await message.reject()
            return
        batch = Batch(_batch_id(message.message_id), "amqp")
        with correlated(accepted(message.correlation_id, batch.id)):
            # a fresh unit of work per try: a transient failure waits instead of spending the
            # queue's delivery limit
            report = await retry_transient(
                lambda: ingest_usage(new_uow(), records, batch, policy), what=INGEST_QUEUE)
            log.info("usage_batch_rated", batch_id=batch.id, accepted=report.accepted,
                     duplicates=report.duplicates, rejected=len(report.rejected),
                     parked=report.parked)

    runtime.broker.subscriber(
        quorum_queue(INGEST_QUEUE), ack_policy=AckPolicy.NACK_ON_ERROR, title=INGEST_QUEUE,
        decoder=delivery,
        description="usage batches from mediation: {\"records\": [...]}",
    )(on_batch)
    runtime.queues.append(INGEST_QUEUE)


def _subscribe_replica(runtime: Runtime, new_uow: Callable[[], UnitOfWork], consumer: str,
                       routing_key: str, use_case: UseCase) -> None:
    async def on_event(event: CloudEvent) -> None:
        await use_case(new_uow(), consumer, event)

    runtime.subscribe(consumer, routing_key, on_event)


def register_consumers(runtime: Runtime, new_uow: Callable[[], UnitOfWork],
                       policy: RatingPolicy) -> None:
    for consumer, (routing_key, use_case) in _replica(policy).items():
        _subscribe_replica(runtime, new_uow, consumer, routing_key, use_case)
    _subscribe_ingest(runtime, new_uow, policy)
