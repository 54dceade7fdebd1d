"""The migration stairway of the invoicing database (see ``tarifa.testing.migrations``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from invoicing.bootstrap import MIGRATIONS
from invoicing.settings import InvoicingSettings
from tarifa.testing.migrations import stairway

TABLES = {"accounts", "lines", "ledger", "invoice_counters", "billing_runs", "invoices",
          "invoice_lines", "allocations", "documents", "credit_notes", "detailed_bills",
          "idempotency_keys", "outbox", "inbox", "carries", "audit", "billing_run_failures",
          "detailed_bill_subscriptions", "scheduled_runs", "balances"}


async def test_every_revision_goes_up_down_and_up_again(
    make_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await make_database("invoicing_stairway")
    dsn = InvoicingSettings(database_url=url).dsn
    assert await stairway(MIGRATIONS, dsn) == TABLES
