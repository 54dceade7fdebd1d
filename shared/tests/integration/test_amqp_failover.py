"""Several broker addresses in ``TARIFA_AMQP_URL``: a service works on the first that answers,
and its relay moves to the next node when its node goes away.

The closed address is a port nobody listens on; the node that goes away is this run's private
second node (``fault_node``), never the main one.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable

import pytest
from tarifa.messaging.consumer import subscribe_event
from tarifa.messaging.envelope import CloudEvent
from tarifa.messaging.failover_broker import FailoverBroker
from tarifa.messaging.outbox import OutboxRelay
from tarifa.messaging.topology import prepare_topology

from .conftest import FaultNode, NotesUnitOfWork, NoteTaken, Sessions, eventually

pytestmark = pytest.mark.slow


def _closed_address() -> str:
    """An amqp:// URL on a local port that was free a moment ago (nothing answers there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"amqp://guest:guest@127.0.0.1:{port}/"


async def _stage(new_uow: Callable[[], NotesUnitOfWork], run: str, text: str) -> None:
    async with new_uow() as uow:
        uow.emit(NoteTaken(run=run, text=text))
        await uow.commit()


async def _consume_through(addresses: str, relay_addresses: str, queue: str,
                           new_uow: Callable[[], NotesUnitOfWork], run: str,
                           sessions: Sessions) -> list[str]:
    """Stage a note, relay it and consume it, broker and relay each on its address list."""
    seen: list[str] = []

    async def take(event: CloudEvent) -> None:
        note = event.parse(NoteTaken)
        if note.run == run:
            seen.append(note.text)

    broker = FailoverBroker(addresses, logger=None)
    subscribe_event(broker, queue, NoteTaken.routing_key, take)
    await prepare_topology(addresses, [queue])
    relay = OutboxRelay(sessions, relay_addresses, interval=0.05)
    await broker.start()
    await relay.start()
    try:
        await _stage(new_uow, run, "hello")
        await eventually(lambda: _has(seen, "hello"), what="the note consumed")
    finally:
        await relay.stop()
        await broker.stop()
    return seen


async def _has(seen: list[str], text: str) -> bool:
    return text in seen


async def test_a_closed_first_address_is_passed_over_at_connect(
    amqp_url: str, new_uow: Callable[[], NotesUnitOfWork], sessions: Sessions
) -> None:
    addresses = f"{_closed_address()},{amqp_url}"
    seen = await _consume_through(addresses, addresses, "tests.failover.connect", new_uow,
                                  uuid.uuid4().hex, sessions)
    assert seen == ["hello"]


async def test_no_address_that_answers_fails_the_start(sessions: Sessions) -> None:
    relay = OutboxRelay(sessions, f"{_closed_address()},{_closed_address()}")
    with pytest.raises(ConnectionError):
        await relay.start()


async def test_broker_and_relay_move_to_the_next_node_when_theirs_goes_away(
    fault_node: FaultNode, amqp_url: str, new_uow: Callable[[], NotesUnitOfWork],
    sessions: Sessions
) -> None:
    run, queue, seen = uuid.uuid4().hex, "tests.failover.reconnect", list[str]()
    addresses = f"{fault_node.url},{amqp_url}"

    async def take(event: CloudEvent) -> None:
        note = event.parse(NoteTaken)
        if note.run == run:
            seen.append(note.text)

    broker = FailoverBroker(addresses, logger=None)
    subscribe_event(broker, queue, NoteTaken.routing_key, take)
    for where in (addresses, amqp_url):  # the private node first, then the main one
        await prepare_topology(where, [queue])
    relay = OutboxRelay(sessions, addresses, interval=0.05)
    await broker.start()
    await relay.start()
    try:
        await _stage(new_uow, run, "on the first node")
        await eventually(lambda: _has(seen, "on the first node"), what="the first note")
        await fault_node.stop()
        await _stage(new_uow, run, "on the next node")
        await eventually(lambda: _has(seen, "on the next node"), timeout=60,
                         what="the note relayed and consumed after the failover")
    finally:
        await relay.stop()
        await broker.stop()
