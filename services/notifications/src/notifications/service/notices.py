"""Planning the messages an event calls for: one delivery per channel, once per event.

The dispatcher sends them. A channel the account does not use gets a ``not_applicable`` row,
so the back office sees why nothing went; a contact not known yet is resolved when sending.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from tarifa.messaging.catalogue import CATALOGUE, BalanceChanged
from tarifa.messaging.envelope import CloudEvent

from notifications.domain.balance import LOW_BALANCE, KnownBalance, balance_notice
from notifications.domain.catalogue import notified_event
from notifications.domain.contact import Contact
from notifications.domain.delivery import Channel, Delivery, DeliveryStatus
from notifications.domain.ending_notices import told
from notifications.domain.routing import route
from notifications.service.ports import UnitOfWork

__all__ = ["BALANCE_CHANGED", "plan_batch", "plan_notices"]

BALANCE_CHANGED = BalanceChanged.routing_key


def _plan(event: CloudEvent, kind: str, payload: dict[str, object], account_id: str,
          channel: Channel, contact: Contact | None, now: datetime) -> Delivery:
    target = route(contact, channel, kind) if contact else None
    return Delivery.plan(
        id=str(uuid.uuid4()), event=kind, event_id=event.id, account_id=account_id,
        payload=payload, now=now, channel=channel,
        recipient=target.recipient if target else None, unreachable=target.reason if target else None,
        correlation_id=event.correlation_id or event.id)


async def _balance_notice(uow: UnitOfWork, event: CloudEvent,
                          low_balance: Mapping[str, Decimal]) -> str | None:
    """Record the new balance; the notice its crossing calls for, if any."""
    data = event.parse(BalanceChanged)
    previous = await uow.balances.get(data.account_id)
    threshold = low_balance.get(data.currency, Decimal(0))
    kind = balance_notice(previous, data.balance, event.time, threshold)
    await uow.balances.record(KnownBalance(data.account_id, data.balance, event.time))
    return kind


async def _kind(uow: UnitOfWork, event: CloudEvent, payload: Mapping[str, object],
                low_balance: Mapping[str, Decimal]) -> str | None:
    """The notice ``event`` calls for (its own, or a balance's), or None."""
    if event.routing_key != BALANCE_CHANGED:
        return event.routing_key if told(event.routing_key, payload) else None
    return await _balance_notice(uow, event, low_balance)


def _payload(payload: dict[str, object], kind: str,
             low_balance: Mapping[str, Decimal]) -> dict[str, object]:
    if kind == LOW_BALANCE:
        return payload | {"threshold": str(low_balance[str(payload["currency"])])}
    return payload


async def _plan_all(uow: UnitOfWork, event: CloudEvent, kind: str,
                    payload: dict[str, object]) -> list[Delivery]:
    account_id, added = str(payload["account_id"]), []
    contact = await uow.contacts.get(account_id)
    for channel in sorted(notified_event(kind).channels):
        delivery = _plan(event, kind, payload, account_id, Channel(channel), contact,
                         uow.clock.now())
        if await uow.deliveries.add(delivery):
            added.append(delivery)
    return added


async def plan_notices(uow: UnitOfWork, consumer: str, event: CloudEvent,
                       low_balance: Mapping[str, Decimal] | None = None) -> bool:
    """Record the deliveries of ``event`` once; True when one of them waits to be sent.
    ``low_balance``: per currency, the balance below which a low-balance notice is told."""
    return await plan_batch(uow, consumer, [event], low_balance)


async def plan_batch(uow: UnitOfWork, consumer: str, events: Sequence[CloudEvent],
                     low_balance: Mapping[str, Decimal] | None = None) -> bool:
    """``plan_notices`` for each of ``events`` in one transaction; True when a delivery waits."""
    thresholds = low_balance or {}
    payloads = [_parsed(event) for event in events]  # an event no message is sent for is refused
    async with uow:
        pending = [await _plan_event(uow, consumer, event, payload, thresholds)
                   for event, payload in zip(events, payloads, strict=True)]
        await uow.commit()
    return any(pending)


def _parsed(event: CloudEvent) -> dict[str, object]:
    notified_event(event.routing_key)
    return event.parse(CATALOGUE[event.routing_key]).model_dump(mode="json")


async def _plan_event(uow: UnitOfWork, consumer: str, event: CloudEvent,
                      payload: dict[str, object], thresholds: Mapping[str, Decimal]) -> bool:
    if not await uow.first_time(consumer, event.id):
        return False
    kind = await _kind(uow, event, payload, thresholds)
    added = await _plan_all(uow, event, kind, _payload(payload, kind, thresholds)) \
        if kind else []
    return any(delivery.status is DeliveryStatus.PENDING for delivery in added)
