"""The migration stairway of the accounts database (see ``tarifa.testing.migrations``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from accounts.bootstrap import MIGRATIONS
from accounts.settings import AccountsSettings
from tarifa.testing.migrations import stairway

TABLES = {"customers", "accounts", "lines", "plans", "balances", "audit", "bonus_movements",
          "invoices", "otp_challenges", "otp_requests", "logins", "outbox", "inbox"}


async def test_every_revision_goes_up_down_and_up_again(
    make_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await make_database("accounts_stairway")
    dsn = AccountsSettings(database_url=url).dsn
    assert await stairway(MIGRATIONS, dsn) == TABLES
