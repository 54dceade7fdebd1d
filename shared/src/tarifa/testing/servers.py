"""Where the test servers are: the local ones named by the environment, or containers.

``TARIFA_TEST_DATABASE_URL`` / ``TARIFA_TEST_AMQP_URL`` name servers already running (CI and
development machines); without them, testcontainers starts PostgreSQL and RabbitMQ when Docker
is available. Each test run gets its own databases and its own RabbitMQ vhost.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg

__all__ = [
    "amqp_server",
    "create_vhost",
    "database_server",
    "delete_vhost",
    "drop_database",
    "drop_databases",
    "fresh_servers",
    "new_database",
]

LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432"
LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
"""The servers a benchmark uses when ``TARIFA_TEST_*_URL`` name none (``make run``'s)."""


@contextmanager
def database_server(env_url: str | None) -> Iterator[str]:
    if env_url:
        yield env_url.rstrip("/")
        return
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine", driver=None) as container:
        yield container.get_connection_url().rsplit("/", 1)[0]


@contextmanager
def amqp_server(env_url: str | None) -> Iterator[tuple[str, Callable[[list[str]], None]]]:
    """The broker URL and a way to run ``rabbitmqctl`` against it."""
    if env_url:
        yield env_url, _local_ctl
        return
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13-alpine") as container:
        host, port = container.get_container_host_ip(), container.get_exposed_port(5672)

        def ctl(args: list[str]) -> None:
            container.exec(["rabbitmqctl", *args])

        yield f"amqp://guest:guest@{host}:{port}/", ctl


def _local_ctl(args: list[str]) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def create_vhost(url: str, ctl: Callable[[list[str]], None]) -> tuple[str, str]:
    vhost = f"tarifa-test-{uuid.uuid4().hex[:8]}"
    ctl(["add_vhost", vhost])
    user = urlsplit(url).username or "guest"
    ctl(["set_permissions", "-p", vhost, user, ".*", ".*", ".*"])
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{vhost}")), vhost


def delete_vhost(vhost: str, ctl: Callable[[list[str]], None]) -> None:
    ctl(["delete_vhost", vhost])


async def new_database(server_url: str, prefix: str) -> str:
    """Create an empty database; return its ``postgresql://`` URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(f"{server_url}/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{server_url}/{name}"


async def drop_database(database_url: str) -> None:
    server, name = database_url.rsplit("/", 1)
    conn = await asyncpg.connect(f"{server}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def drop_databases(database_urls: Iterable[str], *, at_once: int = 8) -> None:
    """Drop every database named, ``at_once`` at a time, then raise the first failure if any.

    Each ``DROP DATABASE`` waits for a checkpoint (about a second on a loaded machine); drops
    that run together share one. One by one, the hundreds of databases of a full run took longer
    at its end than the timeout of the last test, whose teardown they are part of."""
    slots = asyncio.Semaphore(at_once)

    async def drop(url: str) -> None:
        async with slots:
            await drop_database(url)

    results = await asyncio.gather(*(drop(url) for url in database_urls), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result


@asynccontextmanager
async def fresh_servers(*database_prefixes: str) -> AsyncIterator[tuple[tuple[str, ...], str]]:
    """For a benchmark: a fresh database per prefix on ``TARIFA_TEST_DATABASE_URL``'s server and a
    fresh vhost on ``TARIFA_TEST_AMQP_URL``'s broker (local ones by default); the databases' URLs,
    in the prefixes' order, and the vhost's URL. All removed at the end."""
    server = os.environ.get("TARIFA_TEST_DATABASE_URL", LOCAL_DATABASE_URL).rstrip("/")
    with amqp_server(os.environ.get("TARIFA_TEST_AMQP_URL", LOCAL_AMQP_URL)) as (amqp_url, ctl):
        vhost_url, vhost = create_vhost(amqp_url, ctl)
        urls: list[str] = []
        try:
            for prefix in database_prefixes:
                urls.append(await new_database(server, prefix))
            yield tuple(urls), vhost_url
        finally:
            for url in urls:
                await drop_database(url)
            delete_vhost(vhost, ctl)
