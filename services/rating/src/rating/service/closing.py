"""A line closed in accounts (``accounts.line.closed``): the replica stops it from its closing
instant on (no usage, no fee), and its fees are settled up to the closing day at once.

An event about a line the replica does not hold yet (its activation still on its way) fails and
is retried, so it is never lost. The closing of a line its number's next line replaced already
(come late) only dates the closing: that line's fees and packages are no longer the current
line's to settle.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tarifa.audit import Actor
from tarifa.messaging.catalogue import LineClosed
from tarifa.messaging.envelope import CloudEvent

from rating.domain.lines import Line
from rating.service.fee_pass import settle_closed_line
from rating.service.ports import UnitOfWork

__all__ = ["LineNotKnownYet", "record_line_closed"]


class LineNotKnownYet(Exception):
    """The closing of a line the replica has not heard of: try again later."""


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


async def _settle(uow: UnitOfWork, line: Line, closed_at: datetime) -> int:
    """End the current line's packages and charge its fees up to the closing day."""
    for use in (await uow.packages.uses_of([line.msisdn]))[line.msisdn]:
        if use.ended_at is None:
            await uow.packages.end(use, closed_at)
    return await settle_closed_line(uow, line.msisdn)


async def record_line_closed(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(LineClosed)
    closed_at = _aware(data.closed_at)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        line = await uow.replica.close_line(data.msisdn, data.account_id, closed_at)
        if line is None:
            raise LineNotKnownYet(f"line {data.msisdn} of {data.account_id} is not known yet")
        settled = await _settle(uow, line, closed_at) if line.replaced_at is None else 0
        await uow.trail.record(Actor.system(consumer), "line.closed", "line", data.msisdn,
                               after={"account_id": data.account_id, "closed_at": closed_at,
                                      "fee_charges": settled})
        await uow.commit()
