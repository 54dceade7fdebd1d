"""Planning the messages an event calls for: one delivery per channel, once per event.

The dispatcher sends them. A channel the account does not use gets a ``not_applicable`` row,
so the back office sees why nothing went; a contact not known yet is resolved when sending.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tarifa.messaging.catalogue import CATALOGUE, BalanceChanged
from tarifa.messaging.envelope import CloudEvent

from notifications.domain.balance import KnownBalance, crossed_below_zero
from notifications.domain.catalogue import notified_event
from notifications.domain.contact import Contact
from notifications.domain.delivery import Channel, Delivery, DeliveryStatus
from notifications.domain.routing import route
from notifications.service.ports import UnitOfWork

__all__ = ["BALANCE_CHANGED", "plan_notices"]

BALANCE_CHANGED = BalanceChanged.routing_key


def _plan(event: CloudEvent, payload: dict[str, object], account_id: str, channel: Channel,
          contact: Contact | None, now: datetime) -> Delivery:
    target = route(contact, channel, event.routing_key) if contact else None
    return Delivery.plan(
        id=str(uuid.uuid4()), event=event.routing_key, event_id=event.id, account_id=account_id,
        payload=payload, now=now, channel=channel,
        recipient=target.recipient if target else None, unreachable=target.reason if target else None,
        correlation_id=event.correlation_id or event.id)


async def _went_negative(uow: UnitOfWork, event: CloudEvent) -> bool:
    """Record the new balance; True when it crossed below zero."""
    data = event.parse(BalanceChanged)
    previous = await uow.balances.get(data.account_id)
    crossed = crossed_below_zero(previous, data.balance, event.time)
    await uow.balances.record(KnownBalance(data.account_id, data.balance, event.time))
    return crossed


async def _calls_for_messages(uow: UnitOfWork, event: CloudEvent) -> bool:
    return event.routing_key != BALANCE_CHANGED or await _went_negative(uow, event)


async def plan_notices(uow: UnitOfWork, consumer: str, event: CloudEvent) -> bool:
    """Record the deliveries of ``event`` once; True when one of them waits to be sent."""
    notified = notified_event(event.routing_key)
    payload = event.parse(CATALOGUE[event.routing_key]).model_dump(mode="json")
    account_id = str(payload["account_id"])
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return False
        added: list[Delivery] = []
        if await _calls_for_messages(uow, event):
            contact = await uow.contacts.get(account_id)
            for channel in sorted(notified.channels):
                delivery = _plan(event, payload, account_id, Channel(channel), contact,
                                 uow.clock.now())
                if await uow.deliveries.add(delivery):
                    added.append(delivery)
        await uow.commit()
    return any(delivery.status is DeliveryStatus.PENDING for delivery in added)
