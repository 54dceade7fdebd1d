"""Outbox atomicity: an event leaves if and only if the work that emitted it commits."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import ColumnElement, func, select
from tarifa.clock import SystemClock
from tarifa.messaging.outbox import OutboxRelay
from tarifa.messaging.tables import outbox
from tarifa.testing.events import tap_events

from .conftest import NotesUnitOfWork, NoteTaken, Sessions, eventually, notes


class Abandoned(Exception):
    """Raised inside a unit of work to abandon it."""


async def _emit(new_uow: Callable[[], NotesUnitOfWork], run: str, text: str, *,
                commit: bool) -> None:
    async with new_uow() as uow:
        await uow.add_note(f"{run}-{text}", text)
        uow.emit(NoteTaken(run=run, text=text), subject=run)
        if commit:
            await uow.commit()


async def _emit_then_fail(new_uow: Callable[[], NotesUnitOfWork], run: str) -> None:
    with pytest.raises(Abandoned):
        async with new_uow() as uow:
            await uow.add_note(f"{run}-failed", "failed")
            uow.emit(NoteTaken(run=run, text="failed"))
            raise Abandoned


async def _count(sessions: Sessions, *where: ColumnElement[bool]) -> int:
    async with sessions() as session:
        return int((await session.scalar(select(func.count()).select_from(outbox).where(*where)))
                   or 0)


async def _all_published(sessions: Sessions) -> bool:
    return await _count(sessions, outbox.c.published_at.is_(None)) == 0


async def test_rolled_back_work_publishes_nothing(
    new_uow: Callable[[], NotesUnitOfWork], sessions: Sessions, amqp_url: str
) -> None:
    run = uuid.uuid4().hex
    relay = OutboxRelay(sessions, amqp_url, interval=0.05)
    async with tap_events(amqp_url, [NoteTaken.routing_key]) as tap:
        await relay.start()
        try:
            await _emit(new_uow, run, "rolled back", commit=False)
            await _emit_then_fail(new_uow, run)
            await _emit(new_uow, run, "sentinel", commit=True)
            await tap.wait_for(NoteTaken.routing_key, run=run, text="sentinel")
            await eventually(lambda: _all_published(sessions), what="outbox marked published")
        finally:
            await relay.stop()
    assert [e.data["text"] for e in tap.events if e.data.get("run") == run] == ["sentinel"]
    assert await _count(sessions) == 1
    async with sessions() as session:
        assert list(await session.scalars(select(notes.c.text))) == ["sentinel"]


async def test_committed_events_arrive_once_in_commit_order(
    new_uow: Callable[[], NotesUnitOfWork], sessions: Sessions, amqp_url: str
) -> None:
    run, texts = uuid.uuid4().hex, [f"note {i}" for i in range(20)]
    for text in texts:
        await _emit(new_uow, run, text, commit=True)
    relay = OutboxRelay(sessions, amqp_url, interval=0.05, batch=7)
    async with tap_events(amqp_url, [NoteTaken.routing_key]) as tap:
        await relay.start()
        try:
            events = await tap.wait_for(NoteTaken.routing_key, count=len(texts), run=run)
            await eventually(lambda: _all_published(sessions), what="outbox marked published")
        finally:
            await relay.stop()
    assert [e.data["text"] for e in events] == texts
    assert all(e.subject == run and e.source == "tarifa/tests" for e in events)
    assert await _count(sessions) == len(texts)


class _CountingRelay(OutboxRelay):
    """A relay that notes how many rows each of its passes published, and when one found none."""

    passes: list[int]
    idle: asyncio.Event

    async def publish_pending(self) -> int:
        sent = await super().publish_pending()
        if sent:
            self.passes.append(sent)
        else:
            self.idle.set()
        return sent


async def test_commits_made_while_the_relay_lingers_share_its_pass(
    sessions: Sessions, amqp_url: str
) -> None:
    run, texts = uuid.uuid4().hex, ["first", "second", "third"]
    relay = _CountingRelay(sessions, amqp_url, interval=60, linger=5)
    relay.passes, relay.idle = [], asyncio.Event()

    def new_uow() -> NotesUnitOfWork:
        return NotesUnitOfWork(sessions, service="tests", clock=SystemClock(), on_commit=relay.wake)

    async with tap_events(amqp_url, [NoteTaken.routing_key]) as tap:
        await relay.start()
        try:
            await relay.idle.wait()  # its first pass is over: it sleeps until woken
            for text in texts:  # the first commit wakes the relay; the others land as it lingers
                await _emit(new_uow, run, text, commit=True)
                await asyncio.sleep(0.5)  # time enough for a relay that does not linger to pass
            events = await tap.wait_for(NoteTaken.routing_key, count=len(texts), run=run)
            await eventually(lambda: _all_published(sessions), what="outbox marked published")
        finally:
            await relay.stop()
    assert ([e.data["text"] for e in events], relay.passes) == (texts, [3])
