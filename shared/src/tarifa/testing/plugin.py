"""pytest plugin: session-wide test servers, a vhost per run, a database per service.

Loaded with ``-p tarifa.testing.plugin``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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


class _Made:
    """The databases made in this run. Those made while a test's function-scoped fixtures are
    set up, or by the test itself, are the test's and go at its end; the others (of module- and
    session-scoped fixtures, which pytest sets up before a test's function-scoped ones) are the
    run's and go at its end. Left all to the end, hundreds of drops (each waits for a checkpoint)
    took longer than the timeout of the last test, in whose teardown they ran."""

    def __init__(self) -> None:
        self.run: list[str] = []
        self.test: list[str] | None = None

    def add(self, url: str) -> None:
        (self.run if self.test is None else self.test).append(url)


_MADE = _Made()


@pytest_asyncio.fixture(scope="session")
async def make_database(database_server_url: str) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """Create a database (``await make_database("accounts")``): dropped at the end of the test
    that made it in a function-scoped fixture or its body, else at the end of the run."""

    async def make(prefix: str) -> str:
        url = await new_database(database_server_url, f"t_{prefix}")
        _MADE.add(url)
        return url

    yield make
    run, _MADE.run = _MADE.run, []
    await drop_databases(run)


@pytest.fixture(autouse=True)
def _drop_the_test_databases() -> Iterator[None]:
    """Drop the databases of the test once its other function-scoped fixtures are torn down
    (set up first, this one is torn down last). In a thread with its own event loop: the
    session's loop is not running between fixtures, and this leaves it alone."""
    _MADE.test = []
    yield
    made, _MADE.test = _MADE.test, None
    if made:
        with ThreadPoolExecutor(1, thread_name_prefix="drop-databases") as pool:
            pool.submit(asyncio.run, drop_databases(made)).result()


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
