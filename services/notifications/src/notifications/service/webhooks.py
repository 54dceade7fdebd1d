"""Managing webhook endpoints: register, change, rotate the secret, remove; every change audited.

Secrets leave this module only in the result of ``register`` and ``rotate_secret`` (shown to the
operator once); audit rows and logs never carry them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from tarifa.messaging.catalogue import CATALOGUE

from notifications.domain.webhook_signing import new_secret
from notifications.domain.webhooks import EndpointStatus, SigningSecret, WebhookEndpoint
from notifications.service.webhook_addresses import AddressGuard
from notifications.service.webhook_ports import AttemptPage, WebhooksUnitOfWork

__all__ = ["EndpointChange", "EndpointRules", "UnknownEventType", "WithSecret", "delete_endpoint",
           "endpoint_attempts", "list_endpoints", "read_endpoint", "register_endpoint",
           "rotate_secret", "state", "update_endpoint"]


class UnknownEventType(ValueError):
    """An event type the suite does not publish."""


@dataclass(frozen=True, slots=True)
class EndpointRules:
    addresses: AddressGuard
    rotation_grace: timedelta


@dataclass(frozen=True, slots=True)
class EndpointChange:
    """A PATCH: the fields given change, the others stay."""

    url: str | None = None
    event_types: tuple[str, ...] | None = None
    description: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True, slots=True)
class WithSecret:
    endpoint: WebhookEndpoint
    secret: str


def _event_types(types: Iterable[str]) -> tuple[str, ...]:
    unknown = sorted(set(types) - CATALOGUE.keys())
    if unknown:
        raise UnknownEventType(f"not an event type of the suite: {', '.join(unknown)}")
    return tuple(sorted(set(types)))


def state(endpoint: WebhookEndpoint | None) -> dict[str, Any] | None:
    """An endpoint as its audit rows show it: without its secrets."""
    if endpoint is None:
        return None
    return {"url": endpoint.url, "event_types": list(endpoint.event_types),
            "description": endpoint.description, "status": endpoint.status,
            "disabled_reason": endpoint.disabled_reason}


async def register_endpoint(uow: WebhooksUnitOfWork, rules: EndpointRules, url: str,
                            event_types: Iterable[str], description: str | None) -> WithSecret:
    secret, checked = new_secret(), await rules.addresses.check(url)
    async with uow:
        endpoint = WebhookEndpoint(
            id=str(uuid.uuid4()), url=checked,
            event_types=_event_types(event_types), description=description,
            status=EndpointStatus.ACTIVE, secrets=(SigningSecret(secret),),
            created_at=uow.clock.now())
        await uow.endpoints.add(endpoint)
        await uow.trail.record(uow.actor, "webhook.registered", "webhook", endpoint.id,
                               before=None, after=state(endpoint))
        await uow.commit()
    return WithSecret(endpoint, secret)


async def list_endpoints(uow: WebhooksUnitOfWork) -> list[WebhookEndpoint]:
    async with uow:
        return await uow.endpoints.all()


async def read_endpoint(uow: WebhooksUnitOfWork, endpoint_id: str) -> WebhookEndpoint | None:
    async with uow:
        return await uow.endpoints.get(endpoint_id)


def _changed(endpoint: WebhookEndpoint, change: EndpointChange) -> WebhookEndpoint:
    url = change.url or endpoint.url  # a new one checked before the transaction
    types = endpoint.event_types if change.event_types is None else _event_types(change.event_types)
    changed = replace(endpoint, url=url, event_types=types,
                      description=endpoint.description if change.description is None
                      else change.description)
    if change.enabled is None or change.enabled is (endpoint.status is EndpointStatus.ACTIVE):
        return changed
    return changed.enabled() if change.enabled else changed.disabled("disabled by an operator")


async def update_endpoint(uow: WebhooksUnitOfWork, rules: EndpointRules, endpoint_id: str,
                          change: EndpointChange) -> WebhookEndpoint | None:
    if change.url:
        await rules.addresses.check(change.url)
    async with uow:
        endpoint = await uow.endpoints.get(endpoint_id, lock=True)
        if endpoint is None:
            return None
        updated = _changed(endpoint, change)
        await uow.endpoints.save(updated)
        await uow.trail.record(uow.actor, "webhook.updated", "webhook", endpoint_id,
                               before=state(endpoint), after=state(updated))
        await uow.commit()
    return updated


async def delete_endpoint(uow: WebhooksUnitOfWork, endpoint_id: str) -> bool:
    async with uow:
        endpoint = await uow.endpoints.get(endpoint_id, lock=True)
        if endpoint is None:
            return False
        await uow.endpoints.delete(endpoint_id)
        await uow.trail.record(uow.actor, "webhook.deleted", "webhook", endpoint_id,
                               before=state(endpoint), after=None)
        await uow.commit()
    return True


async def rotate_secret(uow: WebhooksUnitOfWork, rules: EndpointRules,
                        endpoint_id: str) -> WithSecret | None:
    """A new current secret; the old one signs beside it for the rotation grace period."""
    secret = new_secret()
    async with uow:
        endpoint = await uow.endpoints.get(endpoint_id, lock=True)
        if endpoint is None:
            return None
        rotated = endpoint.rotated(secret, uow.clock.now(), rules.rotation_grace)
        await uow.endpoints.save(rotated)
        await uow.trail.record(uow.actor, "webhook.secret_rotated", "webhook", endpoint_id,
                               before=state(endpoint), after=state(rotated))
        await uow.commit()
    return WithSecret(rotated, secret)


async def endpoint_attempts(uow: WebhooksUnitOfWork, endpoint_id: str, *, before: int | None,
                            limit: int) -> AttemptPage | None:
    """The endpoint's delivery log, newest first; None for an unknown endpoint."""
    async with uow:
        if await uow.endpoints.get(endpoint_id) is None:
            return None
        return await uow.webhook_deliveries.attempts(endpoint_id, before=before, limit=limit)
