"""Fixtures of the invoicing tests: a fresh database and the app on the run's vhost.

The app renders documents with ``StubRenderer``, a stand-in that makes a small distinct
document per call, so that tests can tell stored bytes from a second rendering.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import httpx
import pytest_asyncio
from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.domain.statement import Statement
from invoicing.settings import InvoicingSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.tokens import TokenSigner


class StubRenderer:
    """A document per statement carrying its kind, number and figures, and a fresh nonce."""

    def __init__(self) -> None:
        self.rendered: list[str] = []
        self.statements: list[Statement] = []
        self.batches: list[list[str]] = []

    async def render(self, statements: Sequence[Statement]) -> list[bytes]:
        self.rendered.extend(statement.invoice_id for statement in statements)
        self.statements.extend(statements)
        return [f"%PDF-1.7 {s.kind} {s.number} {s.amount_due} {uuid.uuid4()}".encode()
                for s in statements]

    async def render_print_batch(self, statements: Sequence[Statement], title: str) -> bytes:
        self.batches.append([statement.number for statement in statements])
        numbers = " ".join(f"{s.number}@{s.delivery_address}" for s in statements)
        return f"%PDF-1.7 {title} {numbers}".encode()


@pytest_asyncio.fixture
async def settings(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                   token_signer: TokenSigner) -> InvoicingSettings:
    url = await make_database("invoicing")
    return InvoicingSettings(database_url=url, amqp_url=amqp_url, jwt_public_key=token_signer.public_pem(),
                             test_mode=True, relay_interval=0.05)


@pytest_asyncio.fixture
async def renderer() -> StubRenderer:
    return StubRenderer()


@pytest_asyncio.fixture
async def client(settings: InvoicingSettings,
                 renderer: StubRenderer) -> AsyncIterator[httpx.AsyncClient]:
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(settings, renderer=renderer)) as client:
        yield client
