"""pytest plugin: session-wide test servers, a vhost per run, a database per service.

Loaded with ``-p tarifa.testing.plugin``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from tarifa.testing.events import SDK_READ
from tarifa.testing.keys import TEST_SIGNER, write_key_file
from tarifa.testing.servers import (
    amqp_server,
    create_vhost,
    database_server,
    delete_vhost,
    drop_databases,
    new_database,
)
from tarifa.tokens import TokenSigner


@pytest.fixture(scope="session")
def database_server_url() -> Iterator[str]:
    with database_server(os.environ.get("TARIFA_TEST_DATABASE_URL")) as url:
        yield url


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """A RabbitMQ vhost of this test run, deleted at its end."""
    with amqp_server(os.environ.get("TARIFA_TEST_AMQP_URL")) as (url, ctl):
        vhost_url, vhost = create_vhost(url, ctl)
        yield vhost_url
        delete_vhost(vhost, ctl)


@pytest_asyncio.fixture(scope="session")
async def make_database(database_server_url: str) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """Create databases for this run (``await make_database("accounts")``); all dropped at its end."""
    made: list[str] = []

    async def make(prefix: str) -> str:
        url = await new_database(database_server_url, f"t_{prefix}")
        made.append(url)
        return url

    yield make
    await drop_databases(made)


@pytest.fixture(scope="session")
def token_signer() -> TokenSigner:
    """The key accounts signs with in this run; ``bearer(token_signer, role)`` makes tokens."""
    return TEST_SIGNER


@pytest.fixture(scope="session")
def jwt_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same key as a file, for ``ACCOUNTS_JWT_KEY_FILE``."""
    return write_key_file(tmp_path_factory.mktemp("jwt"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the published event types the CloudEvents SDK read in this run, if any."""
    if SDK_READ:
        terminalreporter.write_line(
            f"CloudEvents SDK read {sum(SDK_READ.values())} published events of "
            f"{len(SDK_READ)} types: {', '.join(sorted(SDK_READ))}")
