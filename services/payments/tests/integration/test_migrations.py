"""The migration stairway of the payments database (see ``tarifa.testing.migrations``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from payments.bootstrap import MIGRATIONS
from payments.settings import PaymentsSettings
from tarifa.testing.migrations import stairway

TABLES = {"accounts", "lines", "payments", "idempotency_keys", "refunds", "payment_registries",
          "registry_entries", "payment_methods", "autopay_mandates", "autopay_charges",
          "autopay_balances", "offline_references", "outbox", "inbox",
          "audit"}


async def test_every_revision_goes_up_down_and_up_again(
    make_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await make_database("payments_stairway")
    dsn = PaymentsSettings(database_url=url).dsn
    assert await stairway(MIGRATIONS, dsn) == TABLES
