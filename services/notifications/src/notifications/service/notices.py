"""Planning the messages an event calls for: one delivery per channel, once per event.

The dispatcher sends them. A channel the account does not use gets a ``not_applicable`` row,
so the back office sees why nothing went; a contact not known yet is resolved when sending.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
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


def _plan_all(event: CloudEvent, kind: str, payload: dict[str, object],
              contacts: Mapping[str, Contact], now: datetime) -> list[Delivery]:
    account_id = str(payload["account_id"])
    return [_plan(event, kind, payload, account_id, Channel(channel), contacts.get(account_id), now)
            for channel in sorted(notified_event(kind).channels)]


async def plan_notices(uow: UnitOfWork, consumer: str, event: CloudEvent,
                       low_balance: Mapping[str, Decimal] | None = None) -> bool:
    """Record the deliveries of ``event`` once; True when one of them waits to be sent.
    ``low_balance``: per currency, the balance below which a low-balance notice is told."""
    return await plan_batch(uow, consumer, [event], low_balance)


async def plan_batch(uow: UnitOfWork, consumer: str, events: Sequence[CloudEvent],
                     low_balance: Mapping[str, Decimal] | None = None) -> bool:
    """``plan_notices`` for each of ``events`` in one transaction, in their order, the inbox, the
    contacts and the deliveries each in one statement; True when a delivery waits."""
    thresholds = low_balance or {}
    payloads = [_parsed(event) for event in events]  # an event no message is sent for is refused
    async with uow:
        fresh = await uow.first_times(consumer, [event.id for event in events])
        added = await _add(uow, await _told_of(uow, zip(events, payloads, strict=True), fresh,
                                               thresholds))
        await uow.commit()
    return any(delivery.status is DeliveryStatus.PENDING for delivery in added)


Told = tuple[CloudEvent, str, dict[str, object]]
"""An event, the notice it calls for and the payload the notice is written from."""


async def _told_of(uow: UnitOfWork, parsed: Iterable[tuple[CloudEvent, dict[str, object]]],
                   fresh: set[str], thresholds: Mapping[str, Decimal]) -> list[Told]:
    """The notices the events never handled call for, in their order (a copy of one counts once)."""
    told: list[Told] = []
    for event, payload in parsed:
        if event.id in fresh:
            fresh.discard(event.id)
            if kind := await _kind(uow, event, payload, thresholds):
                told.append((event, kind, _payload(payload, kind, thresholds)))
    return told


async def _add(uow: UnitOfWork, told_of: list[Told]) -> list[Delivery]:
    """Store the deliveries of each event told of; those stored (none existed before)."""
    contacts = await uow.contacts.get_many({str(payload["account_id"]) for *_, payload in told_of})
    now = uow.clock.now()
    planned = [delivery for event, kind, payload in told_of
               for delivery in _plan_all(event, kind, payload, contacts, now)]
    stored = await uow.deliveries.add_all(planned)
    return [delivery for delivery in planned if delivery.id in stored]


def _parsed(event: CloudEvent) -> dict[str, object]:
    notified_event(event.routing_key)
    return event.parse(CATALOGUE[event.routing_key]).model_dump(mode="json")
