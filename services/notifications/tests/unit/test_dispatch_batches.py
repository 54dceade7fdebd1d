"""Due deliveries attempted as one batch: all sent at once, recorded together, and an attempt
that breaks unexpectedly raised only after the others are recorded."""

from __future__ import annotations

import asyncio

import pytest
from notifications.domain.delivery import DeliveryStatus
from notifications.domain.message import OutgoingEmail
from notifications.service.dispatch import Sending, deliver_due
from notifications.service.notices import plan_batch

from .test_use_cases import (
    POLICY,
    FakeDocuments,
    FakeSms,
    FakeUnitOfWork,
    _emails,
    _issued,
    _uow_with_ebill_account,
)


class SlowMailer:
    """Takes a moment per message and counts how many are under way at once."""

    def __init__(self, breaks_on: str | None = None) -> None:
        self.sent, self.running, self.most_at_once = list[OutgoingEmail](), 0, 0
        self._breaks_on = breaks_on

    async def send(self, email: OutgoingEmail) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await asyncio.sleep(0.01)
        self.running -= 1
        if self._breaks_on is not None and self._breaks_on in email.message_id:
            raise RuntimeError("connection reset in the middle of DATA")
        self.sent.append(email)


def _via(mailer: SlowMailer) -> Sending:
    return Sending(mailer, FakeDocuments(), POLICY, "tarifa.local", FakeSms())


async def _three_planned() -> tuple[FakeUnitOfWork, list[str]]:
    uow = await _uow_with_ebill_account()
    events = [_issued(), _issued(), _issued()]
    assert await plan_batch(uow, "c", events) is True
    return uow, [event.id for event in events]


async def test_a_batch_sends_its_messages_at_once_and_records_them_in_one_commit() -> None:
    uow, _ = await _three_planned()
    mailer, commits = SlowMailer(), uow.commits
    attempted = await deliver_due(uow, _via(mailer), 10)
    assert [d.status for d in attempted] == [DeliveryStatus.SENT] * 3
    assert mailer.most_at_once == 3 and len(mailer.sent) == 3
    assert uow.commits == commits + 1
    assert [e.routing_key for e in uow.emitted] == ["notifications.message.sent"] * 3
    assert await deliver_due(uow, _via(mailer), 10) == []


async def test_a_batch_takes_at_most_its_limit() -> None:
    uow, _ = await _three_planned()
    mailer = SlowMailer()
    assert len(await deliver_due(uow, _via(mailer), 2)) == 2
    assert sorted(d.status for d in _emails(uow)) == sorted(
        [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.PENDING])


async def test_an_unexpected_error_is_raised_after_the_others_are_recorded() -> None:
    uow, ids = await _three_planned()
    mailer = SlowMailer(breaks_on=ids[1])
    with pytest.raises(RuntimeError, match="connection reset"):
        await deliver_due(uow, _via(mailer), 10)
    by_event = {d.event_id: d for d in _emails(uow)}
    assert by_event[ids[1]].status is DeliveryStatus.PENDING and by_event[ids[1]].attempts == 0
    assert {by_event[i].status for i in (ids[0], ids[2])} == {DeliveryStatus.SENT}
    assert len(uow.emitted) == 2
