"""The migration stairway of the rating database (see ``tarifa.testing.migrations``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rating.adapters.tables import metadata
from rating.bootstrap import MIGRATIONS
from rating.settings import RatingSettings
from tarifa.testing.migrations import stairway


async def test_every_revision_goes_up_down_and_up_again(
    make_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await make_database("rating_stairway")
    dsn = RatingSettings(database_url=url).dsn
    assert await stairway(MIGRATIONS, dsn) == set(metadata.tables)
