"""Reminders a day ahead: each ending the repository hands over is announced and audited once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from accounts.domain.reminders import Ending
from accounts.service.reminders import remind_endings

from .conftest import NOW


def _handing(endings: list[Ending]) -> Any:
    """Hands over the endings a chunk at a time, as the marking statement would."""
    left = list(endings)

    async def remind(now: datetime, limit: int) -> list[Ending]:
        taken, left[:] = left[:limit], left[limit:]
        return taken

    return remind


async def test_each_ending_is_announced_and_audited_once_in_chunks(uow: Any) -> None:
    end = NOW + timedelta(hours=20)
    promises = [Ending(f"p{n}", NOW - timedelta(days=2), end, "UTC") for n in range(5)]
    suspension = Ending("s1", datetime(2026, 4, 20, 22, 30, tzinfo=UTC), end, "Europe/Chisinau")
    uow.accounts.remind_promises = _handing(promises)
    uow.accounts.remind_suspensions = _handing([suspension])
    assert await remind_endings(lambda: uow, chunk=2) == 6
    assert await remind_endings(lambda: uow, chunk=2) == 0
    keys = [e.routing_key for e in uow.emitted]
    assert keys == ["accounts.promised_payment.expiring"] * 5 + ["accounts.account.resuming"]
    resuming = uow.emitted[-1].data
    assert (resuming["from"], resuming["until"]) == ("2026-04-21", "2026-05-02")
    assert [e.action for e in uow.audit.entries].count("promised_payment.reminded") == 5
    assert {e.actor for e in uow.audit.entries} == {"system:scheduler"}
