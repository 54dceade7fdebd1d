"""End-to-end fixtures: the five services as processes, a real SMTP server capturing mail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller

from .mail import MailBox
from .processes import SERVICES, Suite, free_port


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[MailBox, int]]:
    box, port = MailBox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def suite(
    tmp_path_factory: pytest.TempPathFactory,
    make_database: Callable[[str], Awaitable[str]],
    amqp_url: str,
    jwt_key_file: Path,
    mailbox: tuple[MailBox, int],
) -> AsyncIterator[Suite]:
    suite = Suite(Path(tmp_path_factory.mktemp("e2e")))
    databases = {service: await make_database(f"e2e_{service}") for service in SERVICES}
    suite.start(suite.environment(databases, amqp_url, jwt_key_file, mailbox[1]))
    try:
        await suite.wait_ready()
        yield suite
    finally:
        suite.stop()
