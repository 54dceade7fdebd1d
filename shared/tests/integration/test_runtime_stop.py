"""A service's stop goes through every stop hook, the broker, the relay and the engine, also
when one of the hooks fails."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tarifa.db import create_engine
from tarifa.messaging.tables import metadata as messaging_metadata
from tarifa.runtime import build_runtime, create_app
from tarifa.settings import ServiceSettings
from tarifa.testing.apps import running_client
from tarifa.testing.keys import TEST_SIGNER

HANG_GUARD = 60  # seconds; a hang fails the test, not the run


async def _messaging_database(make_database: Callable[[str], Awaitable[str]]) -> str:
    url = await make_database("shared_stop")
    engine = create_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    await engine.dispose()
    return url


async def test_a_failing_stop_hook_leaves_the_others_and_the_broker_to_stop(
        make_database: Callable[[str], Awaitable[str]], amqp_url: str) -> None:
    settings = ServiceSettings(database_url=await _messaging_database(make_database),
                               amqp_url=amqp_url, jwt_public_key=TEST_SIGNER.public_pem())
    runtime = build_runtime(settings)
    stopped: list[str] = []

    async def failing() -> None:
        raise RuntimeError("this part cannot stop cleanly")

    async def recording() -> None:
        stopped.append("after the failing one")

    runtime.on_stop.extend([failing, recording])
    before = asyncio.all_tasks()
    manager = running_client(create_app(runtime, title="stop", routers=[]))
    await asyncio.wait_for(manager.__aenter__(), HANG_GUARD)
    [relay] = [t for t in asyncio.all_tasks() - before if t.get_name() == "outbox-relay"]
    assert runtime.broker.running
    await asyncio.wait_for(manager.__aexit__(None, None, None), HANG_GUARD)
    assert stopped == ["after the failing one"]
    assert not runtime.broker.running
    assert relay.done()
