"""Fixtures of the rating tests: a fresh database and the app on the run's vhost."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest_asyncio
from rating.bootstrap import MIGRATIONS, build_app
from rating.settings import RatingSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.tokens import TokenSigner


@pytest_asyncio.fixture
async def settings(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                   token_signer: TokenSigner) -> RatingSettings:
    url = await make_database("rating")
    return RatingSettings(database_url=url, amqp_url=amqp_url, jwt_public_key=token_signer.public_pem(),
                            test_mode=True, relay_interval=0.05)


TODAY = "2026-05-14T12:00:00+00:00"
"""Where the test clock starts: the usage of the tests lies within the late window before it."""


@pytest_asyncio.fixture
async def client(settings: RatingSettings) -> AsyncIterator[httpx.AsyncClient]:
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(settings)) as client:
        moved = await client.put("/v1/test/clock?wait=true", json={"now": TODAY})
        assert moved.status_code == 200, moved.text
        yield client
