"""The command line of every service: ``serve`` (migrate, then run) and ``migrate``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import aio_pika
import asyncpg
import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from tarifa.db import prepare_database
from tarifa.logging import configure_logging, get_logger
from tarifa.messaging.addresses import connect_first, split_addresses
from tarifa.settings import ServiceSettings

__all__ = ["main"]

S = TypeVar("S", bound=ServiceSettings)

log = get_logger("tarifa.runner")

# idle keep-alive connections stay open longer than the 60 s idle timeout of the usual load
# balancers and ingresses and the few seconds clients keep theirs: the client, not the server,
# ends an idle connection, so no request is sent on a connection the server is just closing
KEEP_ALIVE = 75


def _database(settings: ServiceSettings) -> str:
    """The name of the database the service uses (its own URL's, else the default name)."""
    return make_url(settings.dsn).database or settings.database_name


def _prepare(settings: ServiceSettings, migrations: Path) -> None:
    try:
        asyncio.run(prepare_database(migrations, settings.dsn))
    except (OSError, asyncpg.PostgresError) as exc:
        sys.exit(
            f"{settings.service_name}: cannot reach PostgreSQL for {_database(settings)} "
            f"({exc}). Start it (pg_ctlcluster --skip-systemctl-redirect <version> main start) "
            "or set TARIFA_DATABASE_URL."
        )


async def _connect(address: str) -> aio_pika.abc.AbstractConnection:
    # generous: a broker busy with many services starting at once answers late, not never
    return await aio_pika.connect(address, timeout=30)


def _check_broker(settings: ServiceSettings) -> None:
    async def ping() -> None:
        connection = await connect_first(split_addresses(settings.amqp_url), _connect)
        await connection.close()

    try:
        asyncio.run(ping())
    except (OSError, aio_pika.exceptions.AMQPError) as exc:
        sys.exit(
            f"{settings.service_name}: cannot reach RabbitMQ at TARIFA_AMQP_URL ({exc!r}). "
            "Start it (rabbitmq-server -detached) or set TARIFA_AMQP_URL."
        )


def main(settings: S, build_app: Callable[[S], FastAPI],
         migrations: Path, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"tarifa-{settings.service_name}")
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "migrate"])
    command = parser.parse_args(argv).command
    # configured before the first step, so that a start that stalls says where
    configure_logging(settings.service_name, json=settings.log_json,
                      level=logging.getLevelNamesMapping()[settings.log_level.upper()])
    log.info("service_starting", command=command, database=_database(settings))
    _prepare(settings, migrations)
    log.info("database_migrated", database=_database(settings))
    if command == "serve":
        _check_broker(settings)
        log.info("broker_reachable")
        uvicorn.run(build_app(settings), host=settings.host, port=settings.port,
                    log_config=None, access_log=False, timeout_keep_alive=KEEP_ALIVE)
