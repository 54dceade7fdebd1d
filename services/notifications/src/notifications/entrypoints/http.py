"""The notifications HTTP API: deliveries and templates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Principal, Role, allow
from tarifa.problems import InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from notifications.domain.catalogue import UnknownEvent
from notifications.domain.delivery import Delivery
from notifications.domain.templates import MessageTemplate, TemplateError, TemplateKey
from notifications.entrypoints.schemas import (
    ChannelName,
    DeliveryOut,
    Language,
    TemplateBody,
    TemplateOut,
)
from notifications.service.deliveries import list_deliveries
from notifications.service.ports import UnitOfWork
from notifications.service.templates import read_template, set_template

__all__ = ["notifications_router"]

AccountFilter = Annotated[str | None, Query(min_length=1, max_length=64)]
EventFilter = Annotated[str | None, Query(min_length=1, max_length=200,
                                          examples=["invoicing.invoice.issued"])]
Limit = Annotated[int, Query(ge=1, le=500)]
OPERATOR = [allow(Role.OPERATOR)]


def _out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id, account_id=delivery.account_id, event=delivery.event,
        event_id=delivery.event_id, channel=delivery.channel, recipient=delivery.recipient,
        status=delivery.status, attempts=delivery.attempts, last_error=delivery.last_error,
        created_at=delivery.created_at, sent_at=delivery.sent_at)


def _visible_account(principal: Principal, account_id: str | None) -> str | None:
    """Operators see every account; a subscriber only its own."""
    if principal.role is Role.SUBSCRIBER:
        account_id = account_id or principal.account_id or ""
        principal.require_account(account_id)
    return account_id


def _template_out(key: TemplateKey, template: MessageTemplate) -> TemplateOut:
    return TemplateOut(event=key.event, channel=key.channel, language=key.language,
                       subject=template.subject, body=template.body)


def notifications_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["notifications"])

    @router.get("/notifications", response_model=list[DeliveryOut],
                dependencies=[allow(Role.OPERATOR, Role.SUBSCRIBER)],
                responses={404: {"description": "another subscriber's account"}})
    async def get_notifications(principal: CurrentPrincipal, account_id: AccountFilter = None,
                                event: EventFilter = None, limit: Limit = 100) -> list[DeliveryOut]:
        """Deliveries, newest first, with their channel, status and attempts."""
        visible = _visible_account(principal, account_id)
        found = await list_deliveries(new_uow(), account_id=visible, event=event, limit=limit)
        return [_out(delivery) for delivery in found]

    @router.put("/templates/{event}/{channel}/{language}", response_model=TemplateOut,
                dependencies=OPERATOR)
    async def put_template(event: str, channel: ChannelName, language: Language,
                           body: TemplateBody, principal: CurrentPrincipal) -> TemplateOut:
        """Override the built-in text of an event's message on a channel in a language."""
        key = TemplateKey(event, channel, language)
        try:
            stored = await set_template(new_uow().acting(Actor.of(principal)), key,
                                        MessageTemplate(body.body, body.subject))
        except UnknownEvent as exc:
            raise NotFound(str(exc), slug="unknown-event") from exc
        except TemplateError as exc:
            raise InvalidInput(str(exc), slug="invalid-template",
                               errors=[{"field": exc.field, "message": str(exc)}]) from exc
        return _template_out(key, stored)

    @router.get("/templates/{event}/{channel}/{language}", response_model=TemplateOut,
                dependencies=OPERATOR)
    async def get_template(event: str, channel: ChannelName, language: Language) -> TemplateOut:
        """The text in use: the override if there is one, else the built-in one."""
        key = TemplateKey(event, channel, language)
        try:
            return _template_out(key, await read_template(new_uow(), key))
        except UnknownEvent as exc:
            raise NotFound(str(exc), slug="unknown-event") from exc

    return router
