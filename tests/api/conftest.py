"""The five services as processes for schemathesis, with their live OpenAPI documents.

They run out of test mode, as a deployment does: the documents are the committed ones, and no
generated request can move a clock. Payments talks to the sandbox card gateway, so that card
routes answer as they do where cards are configured.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import schemathesis
from schemathesis.specs.openapi.schemas import OpenApiSchema

from ..e2e.processes import SERVICES, Suite, free_port

GATEWAY_SECRET = "schemathesis-sandbox-webhook-secret"


@pytest.fixture(scope="module")
def sandbox_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m payments.sandbox`` on a free port; its base URL (up once it answers)."""
    url = f"http://127.0.0.1:{free_port()}"
    environment = dict(os.environ, GATEWAY_PORT=url.rsplit(":", 1)[1], GATEWAY_PUBLIC_URL=url,
                       GATEWAY_WEBHOOK_SECRET=GATEWAY_SECRET)
    log = (tmp_path_factory.mktemp("sandbox") / "sandbox.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "payments.sandbox"], env=environment,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_live(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_live(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("the sandbox gateway exited")
        try:
            if httpx.get(f"{url}/health/live").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the sandbox gateway did not start")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def live_suite(tmp_path_factory: pytest.TempPathFactory,
                     make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                     jwt_key_file: Path, sandbox_gateway: str) -> AsyncIterator[Suite]:
    suite = Suite(Path(tmp_path_factory.mktemp("api")))
    databases = {service: await make_database(f"api_{service}") for service in SERVICES}
    environment = suite.environment(databases, amqp_url, jwt_key_file, free_port())
    suite.start(environment | {
        "TARIFA_TEST_MODE": "false", "TARIFA_LOG_LEVEL": "warning",
        "PAYMENTS_GATEWAY_URL": sandbox_gateway, "PAYMENTS_GATEWAY_WEBHOOK_SECRET": GATEWAY_SECRET,
        "PAYMENTS_PUBLIC_URL": suite.url("payments")})
    try:
        await suite.wait_ready()
        yield suite
    finally:
        suite.stop()


@pytest.fixture(scope="module", params=SERVICES)
def live_api(request: pytest.FixtureRequest, live_suite: Suite) -> OpenApiSchema:
    """One service's OpenAPI document as the running service serves it."""
    schema = schemathesis.openapi.from_url(f"{live_suite.url(request.param)}/openapi.json")
    assert isinstance(schema, OpenApiSchema)
    return schema
