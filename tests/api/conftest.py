"""The five services as processes for schemathesis, with their live OpenAPI documents.

They run out of test mode, as a deployment does: the documents are the committed ones, and no
generated request can move a clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio
import schemathesis
from schemathesis.specs.openapi.schemas import OpenApiSchema

from ..e2e.processes import SERVICES, Suite, free_port


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def live_suite(tmp_path_factory: pytest.TempPathFactory,
                     make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                     jwt_secret: str) -> AsyncIterator[Suite]:
    suite = Suite(Path(tmp_path_factory.mktemp("api")))
    databases = {service: await make_database(f"api_{service}") for service in SERVICES}
    environment = suite.environment(databases, amqp_url, jwt_secret, free_port())
    suite.start(environment | {"TARIFA_TEST_MODE": "false", "TARIFA_LOG_LEVEL": "warning"})
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
