"""Invoicing as a process of its own, to SIGKILL in the middle of a billing run and start again,
and what its database and documents directory hold once the run is over."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from invoicing.adapters.pdf import build_verifier
from invoicing.settings import InvoicingSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.keys import TEST_SIGNER

__all__ = ["Invoicing", "book", "counts", "documents", "finished", "kill_when", "pdf_files", "pg_url",
           "unverified"]

ANNOUNCED = ("invoicing.invoice.issued", "invoicing.invoice.paid")
"""The events the run emits once per invoice (issued with its document, paid by an advance)."""
READY = ("invoicing.detailed_bill.ready", "invoicing.monthly_detailed_bill.ready")
"""The events of documents made in the background, once per document."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_url(settings: InvoicingSettings) -> str:
    return settings.dsn.replace("postgresql+asyncpg://", "postgresql://")


class Invoicing:
    """``python -m invoicing serve`` as a process of its own; ``env`` adds to its settings."""

    def __init__(self, settings: InvoicingSettings, workdir: Path, env: dict[str, str]) -> None:
        self.port, self.workdir = _free_port(), workdir
        self.documents_dir = workdir / "documents"
        self.env = dict(os.environ, INVOICING_DATABASE_URL=str(settings.database_url),
                        TARIFA_AMQP_URL=settings.amqp_url,
                        TARIFA_JWT_PUBLIC_KEY=TEST_SIGNER.public_pem(),
                        INVOICING_PORT=str(self.port),
                        INVOICING_DOCUMENTS_DIR=str(self.documents_dir),
                        TARIFA_LOG_JSON="true", **env)
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


async def counts(conn: asyncpg.Connection) -> tuple[int, int]:
    """How many invoices are issued, and how many of them have their document."""
    row = await conn.fetchrow(
        "SELECT count(*), count(*) FILTER (WHERE document_ready) FROM invoices")
    return int(row[0]), int(row[1])


async def kill_when(conn: asyncpg.Connection, invoicing: Invoicing,
                    due: Callable[[int, int], bool]) -> tuple[int, int]:
    """SIGKILL once ``due(issued, documents)``; the counts the killed process left."""
    for _ in range(20_000):
        if due(*await counts(conn)):
            invoicing.kill()
            return await counts(conn)
        await asyncio.sleep(0.002)
    raise AssertionError(f"the run never got there:\n{invoicing.log()}")


async def finished(client: httpx.AsyncClient, invoicing: Invoicing,
                   run_id: str) -> dict[str, Any]:
    for _ in range(1200):
        response = await client.get(f"{invoicing.url}/v1/billing-runs/{run_id}",
                                    headers=bearer(TEST_SIGNER, Role.OPERATOR))
        if response.status_code == 200 and response.json()["status"] != "running":
            found: dict[str, Any] = response.json()
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"the run did not finish:\n{invoicing.log()}")


async def _events(conn: asyncpg.Connection, keys: tuple[str, ...],
                  field: str) -> dict[str, tuple[int, int]]:
    """Per routing key: how many events, and how many distinct ``field`` values they carry."""
    rows = await conn.fetch(
        "SELECT routing_key, count(*) AS events, count(DISTINCT body -> 'data' ->> $2) AS owners "
        "FROM outbox WHERE routing_key = ANY($1) GROUP BY routing_key", list(keys), field)
    return {row["routing_key"]: (row["events"], row["owners"]) for row in rows}


async def _announced(conn: asyncpg.Connection) -> dict[str, Any]:
    events = await _events(conn, ANNOUNCED, "invoice_id") | await _events(conn, READY,
                                                                           "document_id")
    return {"issued": events.get(ANNOUNCED[0]),
            "repeated": {key: found for key, found in events.items() if found[0] != found[1]}}


async def book(conn: asyncpg.Connection) -> dict[str, Any]:
    """The run's invoices, numbers, documents and events, as counts to compare."""
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
        "orphans": await conn.fetchval(
            "SELECT count(*) FROM documents WHERE kind = 'invoice' AND owner_id NOT IN "
            "(SELECT id FROM invoices)"),
        "without": await conn.fetchval(
            "SELECT count(*) FROM invoices WHERE NOT document_ready OR id NOT IN "
            "(SELECT owner_id FROM documents WHERE kind = 'invoice')"),
    } | await _announced(conn)


async def documents(conn: asyncpg.Connection) -> list[bytes]:
    rows = await conn.fetch("SELECT content FROM documents WHERE kind = 'invoice'")
    return [bytes(row["content"]) for row in rows]


async def unverified(settings: InvoicingSettings, invoicing: Invoicing,
                     pdfs: list[bytes]) -> list[str]:
    """Why each stored document that is not a signed, timestamped e-bill of this operator fails
    (checked as ``POST /v1/documents/verify`` checks them)."""
    verifier = build_verifier(settings.model_copy(update={"documents_dir": invoicing.documents_dir}))
    verdicts = [await verifier.verify(pdf) for pdf in pdfs]
    return [verdict.reason for verdict in verdicts if not verdict.valid]


def pdf_files(invoicing: Invoicing) -> list[Path]:
    """PDF files in the documents directory (the documents live in the database: none)."""
    return sorted(invoicing.documents_dir.rglob("*.pdf"))
