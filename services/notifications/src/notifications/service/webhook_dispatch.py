"""Webhooks on their way: one delivery per endpoint wanting an event, and the attempts.

The consumer stores, once per event (inbox), a delivery for each active endpoint subscribed to
its type; an event no active endpoint wants is only read past. The dispatcher takes the due
delivery first (locked, replicas skip it), POSTs it signed, logs the attempt and schedules the
next one; the endpoint's count of consecutive failures is updated under its row lock after the
POST, and reaching the policy's limit disables the endpoint, audited by
``notifications.webhooks``. Deliveries of a disabled endpoint wait; enabled again, it gets those
still inside their retry window.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from tarifa.audit import Actor
from tarifa.messaging.envelope import CloudEvent

from notifications.domain.webhook_delivery import AttemptOutcome, WebhookDelivery, WebhookPolicy
from notifications.domain.webhook_signing import signature_header
from notifications.domain.webhook_url import InvalidEndpointUrl
from notifications.domain.webhooks import EndpointStatus, WebhookEndpoint
from notifications.service.webhook_addresses import AddressGuard
from notifications.service.webhook_ports import OutgoingWebhook, WebhookPoster, WebhooksUnitOfWork
from notifications.service.webhooks import state

__all__ = ["WEBHOOK_DISPATCHER", "WebhookSending", "deliver_next_webhook", "fan_out"]

WEBHOOK_DISPATCHER = Actor.system("notifications.webhooks")
CONTENT_TYPE = "application/cloudevents+json"


@dataclass(frozen=True, slots=True)
class WebhookSending:
    poster: WebhookPoster
    policy: WebhookPolicy
    wall_seconds: Callable[[], int]
    """The host's time for ``webhook-timestamp``: receivers compare it with their own clocks."""
    addresses: AddressGuard


async def fan_out(uow: WebhooksUnitOfWork, consumer: str, event: CloudEvent) -> bool:
    """Store the event's deliveries once; True when one was stored. An event no active endpoint
    wants leaves nothing behind, not even its inbox row (most events, the e-bills' own among
    them): one read, no write."""
    async with uow:
        endpoints = await uow.endpoints.wanting(event.routing_key)
        if not endpoints or not await uow.first_time(consumer, event.id):
            return False
        stored, body = False, event.to_json()
        for endpoint in endpoints:
            stored |= await uow.webhook_deliveries.add(WebhookDelivery.plan(
                id=str(uuid.uuid4()), endpoint_id=endpoint.id, event_id=event.id,
                event_type=event.routing_key, body=body, now=uow.clock.now()))
        await uow.commit()
    return stored


def _outgoing(endpoint: WebhookEndpoint, delivery: WebhookDelivery, sending: WebhookSending,
              uow: WebhooksUnitOfWork, address: str | None) -> OutgoingWebhook:
    timestamp = sending.wall_seconds()
    keys = endpoint.signing_keys(uow.clock.now())
    return OutgoingWebhook(url=endpoint.url, body=delivery.body, address=address, headers={
        "content-type": CONTENT_TYPE, "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(keys, delivery.event_id, timestamp, delivery.body)})


async def _attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery, sending: WebhookSending,
                   uow: WebhooksUnitOfWork) -> AttemptOutcome:
    """POST to the address vetted just now; a refused one is a failed attempt, nothing sent."""
    try:
        address = await sending.addresses.pin(endpoint.url)
    except InvalidEndpointUrl as exc:
        return AttemptOutcome(None, 0, f"not sent: {exc}"[:300])
    return await sending.poster.post(_outgoing(endpoint, delivery, sending, uow, address))


async def _count(uow: WebhooksUnitOfWork, endpoint_id: str, outcome: AttemptOutcome,
                 policy: WebhookPolicy) -> None:
    endpoint = await uow.endpoints.get(endpoint_id, lock=True)
    if endpoint is None:
        return
    after = endpoint.answered() if outcome.accepted else endpoint.failed(policy.disable_after)
    await uow.endpoints.save(after)
    if after.status is not endpoint.status and after.status is EndpointStatus.DISABLED:
        await uow.trail.record(WEBHOOK_DISPATCHER, "webhook.disabled", "webhook", endpoint_id,
                               before=state(endpoint), after=state(after))


async def deliver_next_webhook(uow: WebhooksUnitOfWork,
                               sending: WebhookSending) -> WebhookDelivery | None:
    """Attempt the delivery due first and return it as it is now; None when none is due."""
    async with uow:
        delivery = await uow.webhook_deliveries.next_due(uow.clock.now())
        endpoint = await uow.endpoints.get(delivery.endpoint_id) if delivery else None
        if delivery is None or endpoint is None:
            return None
        outcome = await _attempt(endpoint, delivery, sending, uow)
        after = delivery.attempted(outcome, uow.clock.now(), sending.policy)
        await uow.webhook_deliveries.save(after)
        await uow.webhook_deliveries.log(after.record(outcome, uow.clock.now()))
        await _count(uow, endpoint.id, outcome, sending.policy)
        await uow.commit()
    return after
