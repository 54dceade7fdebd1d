"""The migration stairway of the notifications database (see ``tarifa.testing.migrations``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from notifications.bootstrap import MIGRATIONS
from notifications.settings import NotificationsSettings
from tarifa.testing.migrations import stairway


async def test_every_revision_goes_up_down_and_up_again(
    make_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await make_database("notifications_stairway")
    dsn = NotificationsSettings(database_url=url).dsn
    expected = {"contacts", "deliveries", "templates", "outbox", "inbox", "audit"}
    assert expected <= await stairway(MIGRATIONS, dsn)
