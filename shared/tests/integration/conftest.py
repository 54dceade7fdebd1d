"""Fixtures of the library's integration tests: a fresh database with the messaging tables and a
table of notes, a unit of work over it, and a second RabbitMQ node that tests may stop and start.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import aio_pika
import pytest
import pytest_asyncio
from faststream.rabbit import RabbitBroker
from sqlalchemy import Column, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tarifa.clock import SystemClock
from tarifa.db import create_engine, sessionmaker_for
from tarifa.messaging.catalogue import EventData
from tarifa.messaging.consumer import EventHandler, subscribe_event
from tarifa.messaging.tables import metadata as messaging_metadata
from tarifa.messaging.topology import prepare_topology
from tarifa.uow import SqlUnitOfWork
from yarl import URL

test_metadata = MetaData()
notes = Table("notes", test_metadata, Column("id", String(200), primary_key=True),
              Column("text", String(200), nullable=False))


class NoteTaken(EventData):
    """The event the tests emit; ``run`` tells one test's events from another's."""

    routing_key: ClassVar[str] = "tests.note.taken"
    run: str
    text: str


class NotesUnitOfWork(SqlUnitOfWork):
    async def add_note(self, note_id: str, text: str) -> None:
        await self.session.execute(notes.insert().values(id=note_id, text=text))


Sessions = async_sessionmaker[AsyncSession]


@asynccontextmanager
async def consuming(amqp_url: str, queue: str, routing_key: str,
                    handler: EventHandler) -> AsyncIterator[None]:
    """``handler`` consuming ``routing_key`` from its quorum queue on a started broker."""
    broker = RabbitBroker(amqp_url, logger=None)
    subscribe_event(broker, queue, routing_key, handler)
    await prepare_topology(amqp_url, [queue])
    await broker.start()
    try:
        yield
    finally:
        await broker.stop()


@pytest_asyncio.fixture
async def sessions(make_database: Callable[[str], Awaitable[str]]) -> AsyncIterator[Sessions]:
    url = await make_database("shared")
    engine = create_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1), pool_size=4)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
        await conn.run_sync(test_metadata.create_all)
    yield sessionmaker_for(engine)
    await engine.dispose()


@pytest.fixture
def new_uow(sessions: Sessions) -> Callable[[], NotesUnitOfWork]:
    def new() -> NotesUnitOfWork:
        return NotesUnitOfWork(sessions, service="tests", clock=SystemClock())

    return new


# A second, private RabbitMQ node: the relay test stops and restarts it. The main node on 5672
# serves every other test and is never touched.
FAULT_NODE = "tarifa-fault@localhost"
FAULT_PORT = 5673
FAULT_DIST_PORT = 25673


@dataclass
class FaultNode:
    """A RabbitMQ node of this test run on its own ports and directories."""

    home: Path
    url: str = f"amqp://guest:guest@127.0.0.1:{FAULT_PORT}/"

    def environment(self) -> dict[str, str]:
        return dict(
            os.environ,
            RABBITMQ_NODENAME=FAULT_NODE,
            RABBITMQ_NODE_PORT=str(FAULT_PORT),
            RABBITMQ_DIST_PORT=str(FAULT_DIST_PORT),
            RABBITMQ_MNESIA_BASE=str(self.home / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.home / "log"),
            RABBITMQ_CONFIG_FILE=str(self.home / "rabbitmq.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.home / "enabled_plugins"),
        )

    def _run(self, *args: str, check: bool = True) -> None:
        subprocess.run(list(args), env=self.environment(), check=check, capture_output=True,
                       timeout=60, cwd=self.home)

    async def start(self, timeout: float = 60) -> None:
        self._run("rabbitmq-server", "-detached")
        for _ in range(int(timeout * 4)):
            if await self.answers():
                return
            await asyncio.sleep(0.25)
        raise RuntimeError(f"{FAULT_NODE} did not start; see {self.home / 'log'}")

    async def stop(self) -> None:
        await asyncio.to_thread(self._run, "rabbitmqctl", "-n", FAULT_NODE, "stop", check=False)

    async def answers(self) -> bool:
        """True once the node accepts an AMQP connection (every attempt is closed again)."""
        connection = aio_pika.Connection(URL(self.url))
        try:
            await connection.connect(timeout=2)
        except (OSError, aio_pika.exceptions.AMQPError, TimeoutError):
            return False
        finally:
            await connection.close()
        return True


def _prepare_home() -> Path:
    # The node may run as the ``rabbitmq`` user (Debian's wrapper when started by root).
    home = Path(tempfile.mkdtemp(prefix="tarifa-fault-"))
    for sub in ("mnesia", "log"):
        (home / sub).mkdir()
    (home / "rabbitmq.conf").write_text(
        f"listeners.tcp.local = 127.0.0.1:{FAULT_PORT}\nloopback_users = none\n")
    (home / "enabled_plugins").write_text("[].\n")
    for path in (home, home / "mnesia", home / "log"):
        path.chmod(0o777)
    return home


@pytest.fixture(scope="module")
def fault_node_home() -> Iterator[Path]:
    if not (shutil.which("rabbitmq-server") and shutil.which("rabbitmqctl")):
        pytest.skip("rabbitmq-server is not installed here: no second node for the fault test")
    home = _prepare_home()
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest_asyncio.fixture(loop_scope="session")
async def fault_node(fault_node_home: Path) -> AsyncIterator[FaultNode]:
    node = FaultNode(fault_node_home)
    if await node.answers():  # a node left over by an interrupted run
        await node.stop()
    await node.start()
    try:
        yield node
    finally:
        await node.stop()


async def eventually(check: Callable[[], Awaitable[bool]], *, timeout: float = 20,
                     what: str = "condition") -> None:
    """Wait until ``check`` holds (polling); fail naming ``what`` if it never does."""
    for _ in range(int(timeout * 20)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} did not hold within {timeout}s")
