"""The app stops, and its background tasks end, when no SMSC and no SMTP server can be reached:
nothing listens on the SMSC's port, or a peer takes the connection and never answers the bind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client

from ..conftest import free_port

BACKGROUND = {"smpp-session", "notifications-dispatcher", "notifications-webhooks", "outbox-relay"}
HANG_GUARD = 60  # seconds; a hang fails the test, not the run (the peers' timeouts are 600 s)


@pytest_asyncio.fixture
async def silent_smsc() -> AsyncIterator[int]:
    """A port that takes TCP connections, reads what comes and never answers."""

    async def listen(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.read(4096):
            pass
        writer.close()

    server = await asyncio.start_server(listen, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    server.close()


async def _run_and_stop(settings: NotificationsSettings) -> set[asyncio.Task[object]]:
    """Start the app, wait until its SMPP session tried the SMSC, stop it; its background tasks."""
    await prepare_database(MIGRATIONS, settings.dsn)
    before = asyncio.all_tasks()
    manager = running_client(build_app(settings))
    await asyncio.wait_for(manager.__aenter__(), HANG_GUARD)
    started = {t for t in asyncio.all_tasks() - before if t.get_name() in BACKGROUND}
    await asyncio.sleep(0.3)  # connect attempts and reconnect waits are under way
    await asyncio.wait_for(manager.__aexit__(None, None, None), HANG_GUARD)
    return started


@pytest.mark.parametrize("peer", ["absent", "silent"])
async def test_the_app_stops_with_no_smsc_and_no_smtp_server(
        settings: NotificationsSettings, silent_smsc: int, peer: str) -> None:
    port = free_port() if peer == "absent" else silent_smsc
    unreachable = settings.model_copy(update={
        "smpp_port": port, "smtp_port": 9, "smpp_timeout": 600.0, "smpp_reconnect_interval": 600.0})
    started = await _run_and_stop(unreachable)
    assert {t.get_name() for t in started} == BACKGROUND
    assert all(t.done() for t in started)
