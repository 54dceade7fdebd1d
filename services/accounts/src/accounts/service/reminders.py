"""Reminders a day ahead: a promised payment expiring and a suspension ending tomorrow.

A chunk is one transaction; one statement picks its accounts and marks the end each is reminded
of, so each promise and each suspension is reminded of once whatever the passes, processes or
restarts (a new promise or suspension has a new end and is reminded of again). The events
(``accounts.promised_payment.expiring``, ``accounts.account.resuming``) leave through the
outbox with the marks and become notices.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tarifa.messaging.catalogue import AccountResuming, EventData, PromisedPaymentExpiring

from accounts.domain.audit import AuditEntry
from accounts.domain.reminders import Ending
from accounts.service.ports import UnitOfWork

__all__ = ["CHUNK", "remind_endings"]

CHUNK = 1000
SCHEDULER = "system:scheduler"


def _expiring(ending: Ending) -> EventData:
    return PromisedPaymentExpiring(account_id=ending.account_id, until=ending.end)


def _resuming(ending: Ending) -> EventData:
    first, last = ending.days()
    return AccountResuming(account_id=ending.account_id, from_=first, until=last,
                           from_at=ending.start, until_at=ending.end)


async def _chunk(uow: UnitOfWork, limit: int, kind: str) -> int:
    async with uow:
        now = uow.clock.now()
        if kind == "promised_payment":
            endings, event = await uow.accounts.remind_promises(now, limit), _expiring
        else:
            endings, event = await uow.accounts.remind_suspensions(now, limit), _resuming
        await uow.audit.record_many([AuditEntry(now, SCHEDULER, f"{kind}.reminded", "account",
                                                e.account_id, {"until": e.end}) for e in endings])
        for ending in endings:
            uow.emit(event(ending), subject=ending.account_id)
        await uow.commit()
    return len(endings)


async def _all(chunk: Callable[[], Awaitable[int]], size: int) -> int:
    total = 0
    while (done := await chunk()) == size:
        total += done
    return total + done


async def remind_endings(new_uow: Callable[[], UnitOfWork], *, chunk: int = CHUNK) -> int:
    """Remind of every promise and suspension that ends within a day; how many reminders."""
    promises = await _all(lambda: _chunk(new_uow(), chunk, "promised_payment"), chunk)
    return promises + await _all(lambda: _chunk(new_uow(), chunk, "suspension"), chunk)
