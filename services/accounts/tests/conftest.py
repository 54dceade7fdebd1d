"""Fixtures of the accounts tests: a fresh database and the app on the run's vhost."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest_asyncio
from accounts.bootstrap import MIGRATIONS, build_app
from accounts.settings import AccountsSettings, ClientSetting
from pydantic import SecretStr
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client

CLIENTS = {
    "operator": ClientSetting(secret=SecretStr("operator-secret"), role="operator"),
    "partner": ClientSetting(secret=SecretStr("partner-secret"), role="partner"),
    "mediation": ClientSetting(secret=SecretStr("mediation-secret"), role="mediation"),
}


@pytest_asyncio.fixture
async def settings(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                   jwt_key_file: Path) -> AccountsSettings:
    url = await make_database("accounts")
    return AccountsSettings(database_url=url, amqp_url=amqp_url, jwt_key_file=jwt_key_file,
                            test_mode=True, relay_interval=0.05, clients=CLIENTS)


@pytest_asyncio.fixture
async def client(settings: AccountsSettings) -> AsyncIterator[httpx.AsyncClient]:
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(settings)) as client:
        yield client
