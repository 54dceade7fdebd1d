"""Invoicing killed (SIGKILL) in the middle of a billing run and started again finishes the run:
every account invoiced once, the numbers without a gap, one document per invoice."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from invoicing.bootstrap import MIGRATIONS
from invoicing.settings import InvoicingSettings
from tarifa.auth import Role
from tarifa.db import prepare_database
from tarifa.testing.apps import bearer
from tarifa.testing.keys import TEST_SIGNER

from .bulk import seed

ACCOUNTS = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Invoicing:
    """``python -m invoicing serve`` as a process of its own, one account per transaction."""

    def __init__(self, settings: InvoicingSettings, workdir: Path) -> None:
        self.port, self.workdir = _free_port(), workdir
        self.env = dict(os.environ, INVOICING_DATABASE_URL=str(settings.database_url),
                        TARIFA_AMQP_URL=settings.amqp_url,
                        TARIFA_JWT_PUBLIC_KEY=TEST_SIGNER.public_pem(),
                        INVOICING_PORT=str(self.port), INVOICING_STATEMENT_CHUNK="1",
                        INVOICING_DOCUMENTS_DIR=str(workdir / "documents"),
                        TARIFA_LOG_JSON="true")
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self) -> None:
        self.starts += 1
        log = (self.workdir / f"invoicing-{self.starts}.log").open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "invoicing", "serve"],
                                        env=self.env, stdout=log, stderr=subprocess.STDOUT)

    async def start(self) -> None:
        self.spawn()
        assert self.process is not None
        async with httpx.AsyncClient() as client:
            for _ in range(400):
                if self.process.poll() is not None:
                    raise AssertionError(f"invoicing exited:\n{self.log()}")
                try:
                    if (await client.get(f"{self.url}/health/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.25)
        raise AssertionError(f"invoicing not ready:\n{self.log()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self) -> str:
        return (self.workdir / f"invoicing-{self.starts}.log").read_text(errors="replace")[-4000:]


@pytest.fixture
def invoicing(settings: InvoicingSettings, tmp_path: Path) -> Iterator[Invoicing]:
    service = Invoicing(settings, tmp_path)
    yield service
    service.stop()


def _url(settings: InvoicingSettings) -> str:
    return settings.dsn.replace("postgresql+asyncpg://", "postgresql://")


async def _issued(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM invoices"))


async def _kill_in_the_middle(conn: asyncpg.Connection, invoicing: Invoicing) -> int:
    """SIGKILL once some of the run's invoices are issued; how many were then."""
    for _ in range(20_000):
        if (issued := await _issued(conn)) >= 5:
            invoicing.kill()
            return issued
        await asyncio.sleep(0.002)
    raise AssertionError(f"the run issued nothing:\n{invoicing.log()}")


async def _finished(client: httpx.AsyncClient, invoicing: Invoicing,
                    run_id: str) -> dict[str, Any]:
    for _ in range(1200):
        response = await client.get(f"{invoicing.url}/v1/billing-runs/{run_id}",
                                    headers=bearer(TEST_SIGNER, Role.OPERATOR))
        if response.status_code == 200 and response.json()["status"] != "running":
            found: dict[str, Any] = response.json()
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"the run did not finish:\n{invoicing.log()}")


async def _book(conn: asyncpg.Connection) -> dict[str, Any]:
    numbers = [int(row["number"].rsplit("-", 1)[1])
               for row in await conn.fetch("SELECT number FROM invoices")]
    return {
        "numbers": sorted(numbers),
        "accounts": await conn.fetchval("SELECT count(DISTINCT account_id) FROM invoices"),
        "counter": await conn.fetchval("SELECT last FROM invoice_counters WHERE series = 'TRF'"),
        "unstated": await conn.fetchval("SELECT count(*) FROM ledger WHERE invoice_id IS NULL"),
        "documents": await conn.fetchval(
            "SELECT count(*) FROM documents WHERE kind = 'invoice' AND owner_id IN "
            "(SELECT id FROM invoices)"),
        "announced": await conn.fetchval(
            "SELECT count(DISTINCT body -> 'data' ->> 'invoice_id') FROM outbox "
            "WHERE routing_key = 'invoicing.invoice.issued'"),
        "events": await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE routing_key = 'invoicing.invoice.issued'"),
    }


async def test_a_run_killed_in_the_middle_finishes_once_invoicing_is_started_again(
    settings: InvoicingSettings, invoicing: Invoicing,
) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    await seed(_url(settings), "kill", ACCOUNTS, date(2026, 4, 1))
    await invoicing.start()
    conn = await asyncpg.connect(_url(settings))
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            started = await client.post(f"{invoicing.url}/v1/billing-runs",
                                        json={"period_end": "2026-04-30"},
                                        headers=bearer(TEST_SIGNER, Role.OPERATOR))
            assert started.status_code == 202, started.text
            at_kill = await _kill_in_the_middle(conn, invoicing)
            assert at_kill < ACCOUNTS, "the run ended before the kill"
            await invoicing.start()
            run = await _finished(client, invoicing, started.json()["id"])
        book = await _book(conn)
    finally:
        await conn.close()
    assert run["status"] == "completed", run
    assert (run["accounts"], run["issued"], run["stages"]["documents"]) == (ACCOUNTS,) * 3
    assert book == {"numbers": list(range(1, ACCOUNTS + 1)), "accounts": ACCOUNTS,
                    "counter": ACCOUNTS, "unstated": 0, "documents": ACCOUNTS,
                    "announced": ACCOUNTS, "events": ACCOUNTS}
