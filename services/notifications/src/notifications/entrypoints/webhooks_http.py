"""The webhooks API (operators only): endpoints, their secrets and their delivery log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Response
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Role, allow
from tarifa.problems import InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from notifications.domain.webhook_delivery import WebhookAttempt
from notifications.domain.webhook_url import InvalidEndpointUrl
from notifications.domain.webhooks import WebhookEndpoint
from notifications.entrypoints.webhook_schemas import (
    AttemptOut,
    AttemptPageOut,
    EndpointBody,
    EndpointChangeBody,
    EndpointOut,
    EndpointWithSecretOut,
)
from notifications.service.webhook_ports import WebhooksUnitOfWork
from notifications.service.webhooks import (
    EndpointChange,
    EndpointRules,
    UnknownEventType,
    WithSecret,
    delete_endpoint,
    endpoint_attempts,
    list_endpoints,
    read_endpoint,
    register_endpoint,
    rotate_secret,
    update_endpoint,
)

__all__ = ["webhooks_router"]

OPERATOR = [allow(Role.OPERATOR)]
PATH = "/webhook-endpoints/{endpoint_id}"
T = TypeVar("T")
UNKNOWN: dict[int | str, dict[str, Any]] = {404: {"description": "no such endpoint"}}


def _out(endpoint: WebhookEndpoint) -> EndpointOut:
    previous = [s.expires_at for s in endpoint.secrets if s.expires_at is not None]
    return EndpointOut(
        id=endpoint.id, url=endpoint.url, event_types=list(endpoint.event_types),
        description=endpoint.description, status=endpoint.status,
        disabled_reason=endpoint.disabled_reason,
        consecutive_failures=endpoint.consecutive_failures, created_at=endpoint.created_at,
        previous_secret_until=max(previous, default=None))


def _with_secret(found: WithSecret) -> EndpointWithSecretOut:
    return EndpointWithSecretOut(**_out(found.endpoint).model_dump(), secret=found.secret)


def _attempt_out(attempt: WebhookAttempt) -> AttemptOut:
    return AttemptOut(delivery_id=attempt.delivery_id, event_id=attempt.event_id,
                      event_type=attempt.event_type, attempt=attempt.number, at=attempt.at,
                      status_code=attempt.outcome.status_code,
                      latency_ms=attempt.outcome.latency_ms, error=attempt.outcome.error)


def _invalid(exc: ValueError) -> InvalidInput:
    field = "url" if isinstance(exc, InvalidEndpointUrl) else "event_types"
    return InvalidInput(str(exc), slug=f"invalid-webhook-{field.replace('_', '-')}",
                        errors=[{"field": field, "message": str(exc)}])


def _missing(endpoint_id: str) -> NotFound:
    return NotFound(f"no webhook endpoint {endpoint_id}", slug="unknown-webhook-endpoint")


def _found(value: T | None, endpoint_id: str) -> T:
    if value is None:
        raise _missing(endpoint_id)
    return value


def webhooks_router(new_uow: Callable[[], WebhooksUnitOfWork], rules: EndpointRules) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["webhooks"])

    @router.post("/webhook-endpoints", status_code=201, response_model=EndpointWithSecretOut,
                 dependencies=OPERATOR)
    async def post_endpoint(body: EndpointBody, principal: CurrentPrincipal) -> EndpointWithSecretOut:
        """Register an endpoint for the event types it names; the answer shows its secret once.

        A URL whose host is, or resolves to, a loopback, private, link-local, multicast or
        reserved address is refused (422), and checked again before each delivery."""
        try:
            return _with_secret(await register_endpoint(
                new_uow().acting(Actor.of(principal)), rules, body.url, body.event_types,
                body.description))
        except (InvalidEndpointUrl, UnknownEventType) as exc:
            raise _invalid(exc) from exc

    @router.get("/webhook-endpoints", response_model=list[EndpointOut], dependencies=OPERATOR)
    async def get_endpoints() -> list[EndpointOut]:
        """Every endpoint, oldest first, without secrets."""
        return [_out(endpoint) for endpoint in await list_endpoints(new_uow())]

    @router.get(PATH, response_model=EndpointOut, dependencies=OPERATOR, responses=UNKNOWN)
    async def get_endpoint(endpoint_id: str) -> EndpointOut:
        return _out(_found(await read_endpoint(new_uow(), endpoint_id), endpoint_id))

    @router.patch(PATH, response_model=EndpointOut, dependencies=OPERATOR, responses=UNKNOWN)
    async def patch_endpoint(endpoint_id: str, body: EndpointChangeBody,
                             principal: CurrentPrincipal) -> EndpointOut:
        """Change the URL, event types or description; disable or enable the endpoint."""
        change = EndpointChange(url=body.url, description=body.description, enabled=body.enabled,
                                event_types=None if body.event_types is None
                                else tuple(body.event_types))
        try:
            updated = await update_endpoint(new_uow().acting(Actor.of(principal)), rules,
                                            endpoint_id, change)
        except (InvalidEndpointUrl, UnknownEventType) as exc:
            raise _invalid(exc) from exc
        return _out(_found(updated, endpoint_id))

    @router.delete(PATH, status_code=204, dependencies=OPERATOR, responses=UNKNOWN)
    async def delete_webhook_endpoint(endpoint_id: str, principal: CurrentPrincipal) -> Response:
        """Remove the endpoint, its pending deliveries and its log."""
        if not await delete_endpoint(new_uow().acting(Actor.of(principal)), endpoint_id):
            raise _missing(endpoint_id)
        return Response(status_code=204)

    @router.post(PATH + "/secret", response_model=EndpointWithSecretOut, dependencies=OPERATOR,
                 responses=UNKNOWN)
    async def post_secret(endpoint_id: str, principal: CurrentPrincipal) -> EndpointWithSecretOut:
        """A new secret, shown once; the previous one signs beside it for the grace period."""
        rotated = await rotate_secret(new_uow().acting(Actor.of(principal)), rules, endpoint_id)
        return _with_secret(_found(rotated, endpoint_id))

    @router.get(PATH + "/deliveries", response_model=AttemptPageOut, dependencies=OPERATOR,
                responses=UNKNOWN)
    async def get_deliveries(endpoint_id: str,
                             before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
                             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> AttemptPageOut:
        """The delivery log, newest attempt first: status code, latency and error of each."""
        page = _found(await endpoint_attempts(new_uow(), endpoint_id, before=before, limit=limit),
                      endpoint_id)
        return AttemptPageOut(items=[_attempt_out(a) for a in page.attempts],
                              next_before=page.next_cursor)

    return router
