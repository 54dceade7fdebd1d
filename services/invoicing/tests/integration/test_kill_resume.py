"""Invoicing killed (SIGKILL) in the middle of a billing run and started again finishes the run:
every account invoiced once, the numbers without a gap, one signed document per invoice, each
invoice announced once — whether the kill lands while statements are issued or while the
issued invoices' documents are signed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
from .killing import (
    Invoicing,
    book,
    documents,
    finished,
    kill_when,
    pdf_files,
    pg_url,
    unverified,
)

ACCOUNTS = 120


@dataclass(frozen=True)
class Stage:
    """Where the run is killed: ``due(issued, documents)`` says when, ``left`` that the killed
    process had got there and no further."""

    name: str
    env: dict[str, str]
    due: Callable[[int, int], bool]
    left: Callable[[int, int], bool]


STAGES = [
    # One account per transaction: the invoices are issued one by one.
    Stage("statements", {"INVOICING_STATEMENT_CHUNK": "1"},
          due=lambda issued, _: issued >= 5, left=lambda issued, _: issued < ACCOUNTS),
    # Every statement in one transaction, the documents signed ten at a time.
    Stage("documents", {"INVOICING_RENDER_BATCH": "10"},
          due=lambda issued, made: issued == ACCOUNTS and made >= 5,
          left=lambda issued, made: issued == ACCOUNTS and 5 <= made < ACCOUNTS),
]


@pytest.fixture(params=STAGES, ids=lambda stage: stage.name)
def stage(request: pytest.FixtureRequest) -> Stage:
    found: Stage = request.param
    return found


@pytest.fixture
def invoicing(settings: InvoicingSettings, tmp_path: Path, stage: Stage) -> Iterator[Invoicing]:
    service = Invoicing(settings, tmp_path, stage.env)
    yield service
    service.stop()


async def _killed_and_finished(conn: asyncpg.Connection, invoicing: Invoicing,
                               stage: Stage) -> dict[str, Any]:
    """Start a run, kill invoicing in ``stage``, start it again; the run once it is over."""
    async with httpx.AsyncClient(timeout=30) as client:
        started = await client.post(f"{invoicing.url}/v1/billing-runs",
                                    json={"period_end": "2026-04-30"},
                                    headers=bearer(TEST_SIGNER, Role.OPERATOR))
        assert started.status_code == 202, started.text
        at_kill = await kill_when(conn, invoicing, stage.due)
        assert stage.left(*at_kill), f"killed with (issued, documents) = {at_kill}"
        await invoicing.start()
        return await finished(client, invoicing, started.json()["id"])


async def test_a_run_killed_in_the_middle_finishes_once_invoicing_is_started_again(
    settings: InvoicingSettings, invoicing: Invoicing, stage: Stage,
) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    await seed(pg_url(settings), "kill", ACCOUNTS, date(2026, 4, 1))
    await invoicing.start()
    conn = await asyncpg.connect(pg_url(settings))
    try:
        run = await _killed_and_finished(conn, invoicing, stage)
        ledger, pdfs = await book(conn), await documents(conn)
    finally:
        await conn.close()
    assert run["status"] == "completed", run
    assert (run["accounts"], run["issued"]) == (ACCOUNTS, ACCOUNTS), run
    stages = {name: run["stages"][name] for name in ("issued", "documents", "failed")}
    assert stages == {"issued": ACCOUNTS, "documents": ACCOUNTS, "failed": 0}, run
    assert ledger == {"numbers": list(range(1, ACCOUNTS + 1)), "accounts": ACCOUNTS,
                      "counter": ACCOUNTS, "unstated": 0, "documents": ACCOUNTS, "orphans": 0,
                      "without": 0, "issued": (ACCOUNTS, ACCOUNTS), "repeated": {}}
    assert len(pdfs) == ACCOUNTS and await unverified(settings, invoicing, pdfs) == []
    assert pdf_files(invoicing) == []
