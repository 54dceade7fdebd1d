"""Scale-out fixtures: a vhost of its own on the shared broker, databases of their own, a
real SMTP server and SMSC, and two replicas of every service over them."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from notifications.adapters.smsc_simulator import SmscSimulator
from tarifa.testing.servers import amqp_server, create_vhost, delete_vhost

from ..e2e.mail import MailBox
from ..e2e.processes import SERVICES, free_port
from ..faults.tap import EventTap
from .replicas import Replicas


@pytest.fixture(scope="module")
def scaleout_amqp_url() -> Iterator[str]:
    """A vhost of this module alone: no other test's services consume its queues."""
    with amqp_server(os.environ.get("TARIFA_TEST_AMQP_URL")) as (url, ctl):
        vhost_url, vhost = create_vhost(url, ctl)
        yield vhost_url
        delete_vhost(vhost, ctl)


@pytest.fixture(scope="module")
def scaleout_mail() -> Iterator[tuple[MailBox, int]]:
    box, port = MailBox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def smsc() -> AsyncIterator[SmscSimulator]:
    simulator = SmscSimulator(port=free_port())
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def tap(scaleout_amqp_url: str) -> AsyncIterator[EventTap]:
    """Bound before any service starts: a copy of every event either replica publishes."""
    events = EventTap(scaleout_amqp_url)
    await events.start()
    yield events
    await events.stop()


def _environment(replicas: Replicas, n: int, amqp_url: str, key_file: Path, smtp_port: int,
                 smsc: SmscSimulator) -> dict[str, str]:
    env = replicas.suites[n].environment(replicas.databases, amqp_url, key_file, smtp_port)
    env.update(NOTIFICATIONS_SMPP_HOST="127.0.0.1", NOTIFICATIONS_SMPP_PORT=str(smsc.port),
               NOTIFICATIONS_SMPP_RECONNECT_INTERVAL="0.2",
               # the background schedulers tick often, so they too race with the other replica
               RATING_FEES_INTERVAL="1",
               # one volume for the signed documents, as both pods would mount
               INVOICING_DOCUMENTS_DIR=str(replicas.suites[0].workdir.parent / "documents"))
    return env


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def replicas(tmp_path_factory: pytest.TempPathFactory,
                   make_database: Callable[[str], Awaitable[str]], scaleout_amqp_url: str,
                   jwt_key_file: Path, scaleout_mail: tuple[MailBox, int], smsc: SmscSimulator,
                   tap: EventTap) -> AsyncIterator[Replicas]:
    databases = {service: await make_database(f"scaleout_{service}") for service in SERVICES}
    made = Replicas.at(Path(tmp_path_factory.mktemp("scaleout")), databases)
    envs = {n: _environment(made, n, scaleout_amqp_url, jwt_key_file, scaleout_mail[1], smsc)
            for n in range(len(made.suites))}
    try:
        await made.start(envs)
        yield made
    finally:
        made.stop()
