"""The outbox: events are rows written with the change, and a relay publishes them.

The relay claims pending rows with ``FOR UPDATE SKIP LOCKED`` (so replicas share the work),
publishes each persistent, mandatory, with publisher confirms, and marks a row published only
once the broker confirmed it. A returned, nacked or unconfirmed message stays pending and is
tried again on the next pass. Woken by a commit, the relay lingers a moment (``linger``) before
its pass, so that the commits just behind share it: under a steady load a pass publishes many
rows, not one pass of four round trips per committed transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractRobustConnection
from sqlalchemy import Text, bindparam, cast, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tarifa.logging import get_logger
from tarifa.messaging.addresses import connect_robust_first
from tarifa.messaging.envelope import CloudEvent
from tarifa.messaging.tables import outbox
from tarifa.messaging.topology import EVENTS_EXCHANGE, declare_base
from tarifa.tracing import TRACE_FIELDS

__all__ = ["OutboxRelay", "stage_events"]

log = get_logger(__name__)


def _unnest(name: str) -> Any:
    return func.unnest(bindparam(name, type_=ARRAY(Text)))


_STAGE = outbox.insert().from_select(
    ["id", "routing_key", "body"],
    select(cast(_unnest("ids"), UUID), _unnest("keys"), cast(_unnest("bodies"), JSONB)))
"""One statement for all the events of a transaction, each body serialised once."""


async def stage_events(session: AsyncSession, events: Sequence[CloudEvent]) -> None:
    """Write events into the outbox inside the caller's transaction, in the order given."""
    if events:
        await session.execute(_STAGE, {"ids": [e.id for e in events],
                                       "keys": [e.routing_key for e in events],
                                       "bodies": [e.to_json() for e in events]})


_ATTRIBUTES = ("type", "source", "correlationid", *TRACE_FIELDS)
_PENDING_COLUMNS = (outbox.c.seq, outbox.c.id, outbox.c.routing_key,
                    cast(outbox.c.body, Text).label("text"),
                    *(outbox.c.body[name].astext.label(name) for name in _ATTRIBUTES))
"""The body as the database's JSON text, and the attributes the AMQP headers repeat: a row is
published without being decoded and encoded again."""


def _message(row: Any) -> aio_pika.Message:
    traces = {name: getattr(row, name) for name in TRACE_FIELDS if getattr(row, name) is not None}
    return aio_pika.Message(
        row.text.encode(),
        message_id=str(row.id),
        correlation_id=row.correlationid,
        content_type="application/cloudevents+json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        type=row.type,
        headers={"ce-id": str(row.id), "ce-type": row.type, "ce-source": row.source, **traces},
    )


class OutboxRelay:
    """Publishes pending outbox rows; one per service process, safe with replicas."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], amqp_url: str, *,
                 interval: float = 0.2, batch: int = 200, linger: float = 0.02) -> None:
        self._sessions, self._url = sessions, amqp_url
        self._interval, self._batch, self._linger = interval, batch, min(linger, interval)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None

    def wake(self) -> None:
        """Ask for a pass now (called after a commit that staged events)."""
        self._wake.set()

    async def start(self) -> None:
        self._connection = await connect_robust_first(self._url)
        channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        await declare_base(channel)
        self._exchange = await channel.get_exchange(EVENTS_EXCHANGE)
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._connection:
            await self._connection.close()

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.publish_pending()
            except Exception as exc:  # keep relaying: the broker or the database may come back
                log.warning("outbox_relay_failed", error=repr(exc))
                sent = 0
            if sent < self._batch:
                await self._sleep()

    async def _sleep(self) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel that comes
        # with a wake, and the relay would never stop
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._interval):
                await self._wake.wait()
                await asyncio.sleep(self._linger)
        self._wake.clear()

    async def publish_pending(self) -> int:
        """One pass: publish a batch of pending rows; return how many were confirmed."""
        async with self._sessions() as session, session.begin():
            rows = (await session.execute(
                select(*_PENDING_COLUMNS)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.seq).limit(self._batch)
                .with_for_update(skip_locked=True)
            )).all()
            if not rows:
                return 0
            confirmed, failed = await self._publish(rows)
            await self._mark(session, confirmed, failed)
            return len(confirmed)

    async def _publish(self, rows: Sequence[Any]) -> tuple[list[int], dict[int, str]]:
        assert self._exchange is not None, "relay not started"
        exchange = self._exchange
        results = await asyncio.gather(
            *(exchange.publish(_message(r), routing_key=r.routing_key, mandatory=True,
                               timeout=10) for r in rows),
            return_exceptions=True,
        )
        confirmed = [r.seq for r, res in zip(rows, results, strict=True)
                     if not isinstance(res, BaseException)]
        failed = {r.seq: repr(res) for r, res in zip(rows, results, strict=True)
                  if isinstance(res, BaseException)}
        return confirmed, failed

    async def _mark(self, session: AsyncSession, confirmed: list[int],
                    failed: dict[int, str]) -> None:
        if confirmed:
            await session.execute(update(outbox).where(outbox.c.seq.in_(confirmed))
                                  .values(published_at=func.now()))
        # While the broker is away every row of a pass fails alike: one statement and one log
        # line per distinct error, not one per row.
        by_error: dict[str, list[int]] = {}
        for seq, error in failed.items():
            by_error.setdefault(error, []).append(seq)
        for error, seqs in by_error.items():
            log.warning("outbox_publish_unconfirmed", rows=len(seqs), first_seq=min(seqs),
                        error=error)
            await session.execute(update(outbox).where(outbox.c.seq.in_(seqs))
                                  .values(attempts=outbox.c.attempts + 1, last_error=error))
