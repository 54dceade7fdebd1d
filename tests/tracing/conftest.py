"""Four services in this process on one vhost, each on its own database, and every span they
make kept in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from accounts.bootstrap import MIGRATIONS as ACCOUNTS
from accounts.bootstrap import build_app as accounts_app
from accounts.settings import AccountsSettings, ClientSetting
from invoicing.bootstrap import MIGRATIONS as INVOICING
from invoicing.bootstrap import build_app as invoicing_app
from invoicing.settings import InvoicingSettings
from notifications.bootstrap import MIGRATIONS as NOTIFICATIONS
from notifications.bootstrap import build_app as notifications_app
from notifications.settings import NotificationsSettings
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from payments.bootstrap import MIGRATIONS as PAYMENTS
from payments.bootstrap import build_app as payments_app
from payments.settings import PaymentsSettings
from pydantic import SecretStr
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.testing.keys import TEST_SIGNER
from tarifa.tracing import configure_tracing

Clients = dict[str, httpx.AsyncClient]


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    configure_tracing("tests")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()  # the provider keeps the processor; a shut exporter takes nothing more


def _settings(urls: dict[str, str], amqp_url: str, key_file: Path, workdir: Path) -> list[Any]:
    common: dict[str, Any] = {"amqp_url": amqp_url, "test_mode": True, "relay_interval": 0.05}
    pinned = {"jwt_public_key": TEST_SIGNER.public_pem()} | common
    return [
        AccountsSettings(database_url=urls["accounts"], jwt_key_file=key_file, clients={
            "partner": ClientSetting(secret=SecretStr("partner-secret"), role="partner")},
            **common),
        PaymentsSettings(database_url=urls["payments"], **pinned),
        InvoicingSettings(database_url=urls["invoicing"], documents_dir=workdir, **pinned),
        NotificationsSettings(database_url=urls["notifications"], smtp_port=9, **pinned),
    ]


@pytest_asyncio.fixture
async def services(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                   jwt_key_file: Path, tmp_path: Path,
                   spans: InMemorySpanExporter) -> AsyncIterator[Clients]:
    names = ("accounts", "payments", "invoicing", "notifications")
    urls = {name: await make_database(name) for name in names}
    builds = (accounts_app, payments_app, invoicing_app, notifications_app)
    migrations = (ACCOUNTS, PAYMENTS, INVOICING, NOTIFICATIONS)
    async with AsyncExitStack() as stack:
        clients: Clients = {}
        for name, settings, build, migration in zip(
                names, _settings(urls, amqp_url, jwt_key_file, tmp_path), builds, migrations,
                strict=True):
            await prepare_database(migration, settings.dsn)
            clients[name] = await stack.enter_async_context(running_client(build(settings)))
        yield clients
