"""Fixtures of the payments tests: a fresh database, the app on the run's vhost, and for card
payments the sandbox gateway as a real process with the payments app on a real HTTP port."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn
from payments.bootstrap import MIGRATIONS, build_app
from payments.settings import PaymentsSettings
from pydantic import SecretStr
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.tokens import TokenSigner

GATEWAY_SECRET = "sandbox-test-webhook-secret-0123456789"


@pytest.fixture(scope="session")
def gateway_secret() -> str:
    """Shared by the sandbox gateway and the payments service."""
    return GATEWAY_SECRET


@pytest_asyncio.fixture
async def settings(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                   token_signer: TokenSigner) -> PaymentsSettings:
    url = await make_database("payments")
    return PaymentsSettings(database_url=url, amqp_url=amqp_url, jwt_public_key=token_signer.public_pem(),
                            test_mode=True, relay_interval=0.05)


@pytest_asyncio.fixture
async def client(settings: PaymentsSettings) -> AsyncIterator[httpx.AsyncClient]:
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(settings)) as client:
        yield client


def _socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m payments.sandbox`` on a free port; its base URL."""
    with _socket() as probe:
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("sandbox") / "sandbox.log"
    env = dict(os.environ, GATEWAY_PORT=str(port), GATEWAY_PUBLIC_URL=url,
               GATEWAY_WEBHOOK_SECRET=GATEWAY_SECRET, GATEWAY_WEBHOOK_BACKOFF="0.2",
               GATEWAY_WEBHOOK_ATTEMPTS="3", GATEWAY_CHARGE_DELAY="3")
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "payments.sandbox"], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_live(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_live(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"the sandbox gateway exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health/live").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the sandbox gateway did not start:\n{log.read_text()}")


@asynccontextmanager
async def serving(settings: PaymentsSettings, sock: socket.socket) -> AsyncIterator[str]:
    """The payments app served by uvicorn on ``sock`` in this event loop; its base URL."""
    await prepare_database(MIGRATIONS, settings.dsn)
    server = uvicorn.Server(uvicorn.Config(build_app(settings), log_config=None, access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task


MakeServed = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest_asyncio.fixture
async def make_payments(settings: PaymentsSettings, sandbox: str) -> AsyncIterator[MakeServed]:
    """Serve payments wired to the sandbox gateway. With ``reachable=False`` its webhook URL
    points where nobody listens, so only the gateway's status API can confirm its payments;
    other keywords replace settings."""
    async with AsyncExitStack() as stack:

        async def make(*, reachable: bool = True, **overrides: object) -> httpx.AsyncClient:
            sock, silent = stack.enter_context(_socket()), stack.enter_context(_socket())
            public = sock if reachable else silent
            configured = settings.model_copy(update={
                "gateway_url": sandbox, "public_url": f"http://127.0.0.1:{public.getsockname()[1]}",
                "gateway_webhook_secret": SecretStr(GATEWAY_SECRET)} | overrides)
            base = await stack.enter_async_context(serving(configured, sock))
            return await stack.enter_async_context(httpx.AsyncClient(base_url=base))

        yield make


@pytest_asyncio.fixture
async def served(make_payments: MakeServed) -> httpx.AsyncClient:
    """The payments app on a real port, receiving the sandbox gateway's webhooks."""
    return await make_payments()
