"""A crash between numbering invoices (phase a) and issuing their documents (phase b): the next
start of the service finishes them, each issued exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.domain.statement import Statement
from invoicing.settings import InvoicingSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.testing.events import publish_event, tap_events

from ..conftest import StubRenderer
from .world import (
    april_and_may,
    eventually,
    invoices_of,
    is_problem,
    operator,
    payment,
    set_clock,
)


class StuckRenderer:
    """A renderer that never answers: the process dies while the documents are being made."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()

    async def render(self, statements: Sequence[Statement]) -> list[bytes]:
        self.entered.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def render_print_batch(self, statements: Sequence[Statement], title: str) -> bytes:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def _numbered_then_crash(settings: InvoicingSettings) -> tuple[str, list[str]]:
    """Run billing until the invoices are numbered, then stop the app mid-rendering."""
    stuck = StuckRenderer()
    async with running_client(build_app(settings, renderer=stuck)) as first:
        await set_clock(first, "2026-06-01T06:00:00+00:00")
        accounts = [(await april_and_may(settings, first))[0] for _ in range(2)]
        started = await first.post("/v1/billing-runs", json={"period_end": "2026-05-31"},
                                   headers=operator())
        await asyncio.wait_for(stuck.entered.wait(), 20)
        invoices = [invoice for account in accounts for invoice in await invoices_of(first, account)]
        assert len(invoices) == 2
        for invoice in invoices:
            assert is_problem(await first.get(f"/v1/invoices/{invoice['id']}/pdf",
                                              headers=operator()), 404)
        run = await first.get(f"/v1/billing-runs/{started.json()['id']}", headers=operator())
        assert run.json()["status"] == "running"
    return started.json()["id"], [invoice["id"] for invoice in invoices]


async def test_a_new_start_issues_the_numbered_invoices_exactly_once(
    settings: InvoicingSettings,
) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    run_id, invoice_ids = await _numbered_then_crash(settings)
    renderer = StubRenderer()
    keys = ["invoicing.invoice.issued", "invoicing.balance.changed"]
    async with tap_events(settings.amqp_url, keys) as tap, running_client(
            build_app(settings, renderer=renderer)) as second:
        await tap.wait_for("invoicing.invoice.issued", count=len(invoice_ids))
        run = await eventually(lambda: second.get(f"/v1/billing-runs/{run_id}",
                                                  headers=operator()),
                               lambda r: r.json()["status"] != "running")
        for invoice_id in invoice_ids:
            pdf = await second.get(f"/v1/invoices/{invoice_id}/pdf", headers=operator())
            assert pdf.status_code == 200
        # A later event of the same outbox: every event before it has been published too.
        account_id = (await second.get(f"/v1/invoices/{invoice_ids[0]}", headers=operator())
                      ).json()["account_id"]
        await publish_event(settings.amqp_url, payment(account_id, "1.00"))
        await tap.wait_for("invoicing.balance.changed", account_id=account_id, cause="payment")
    issued = [event.data["invoice_id"] for event in tap.events
              if event.routing_key == "invoicing.invoice.issued"]
    assert sorted(issued) == sorted(invoice_ids)
    assert sorted(renderer.rendered) == sorted(invoice_ids)
    assert (run.json()["status"], run.json()["issued"]) == ("completed", 2)
