"""A line closed in accounts (``accounts.line.closed``): the replica stops it from its closing
instant on (no usage, no fee), and its fees are settled up to the closing day at once.

An event about a line the replica does not hold yet (its activation still on its way) fails and
is retried, so it is never lost.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tarifa.audit import Actor
from tarifa.messaging.catalogue import LineClosed
from tarifa.messaging.envelope import CloudEvent

from rating.service.fee_pass import settle_closed_line
from rating.service.ports import UnitOfWork

__all__ = ["LineNotKnownYet", "record_line_closed"]


class LineNotKnownYet(Exception):
    """The closing of a line the replica has not heard of: try again later."""


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


async def record_line_closed(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(LineClosed)
    closed_at = _aware(data.closed_at)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        if not await uow.replica.close_line(data.msisdn, data.account_id, closed_at):
            raise LineNotKnownYet(f"line {data.msisdn} of {data.account_id} is not known yet")
        for use in (await uow.packages.uses_of([data.msisdn]))[data.msisdn]:
            if use.ended_at is None:
                await uow.packages.end(use, closed_at)
        settled = await settle_closed_line(uow, data.msisdn)
        await uow.trail.record(Actor.system(consumer), "line.closed", "line", data.msisdn,
                               after={"account_id": data.account_id, "closed_at": closed_at,
                                      "fee_charges": settled})
        await uow.commit()
