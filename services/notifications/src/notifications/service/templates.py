"""Overriding the built-in message templates per event, channel and language."""

from __future__ import annotations

from dataclasses import asdict

from notifications.domain.catalogue import notified_event
from notifications.domain.templates import MessageTemplate, TemplateError, TemplateKey
from notifications.service.ports import UnitOfWork

__all__ = ["read_template", "set_template", "template_for"]


async def set_template(uow: UnitOfWork, key: TemplateKey, template: MessageTemplate) -> MessageTemplate:
    """Store an override and audit it for ``uow.actor`` (the text in effect before, the new one); raises
    ``UnknownEvent`` or ``TemplateError`` and then stores nothing."""
    event = notified_event(key.event)
    if key.channel == "sms" and template.subject is not None:
        raise TemplateError("an SMS has no subject", field="subject")
    if key.channel == "email" and template.subject is None:
        template = MessageTemplate(template.body, event.default(key).subject)
    template.check(event.placeholders)
    async with uow:
        before = await template_for(uow, key)
        await uow.templates.put(key, template)
        await uow.trail.record(uow.actor, "template.changed", "template", _target(key),
                               before=asdict(before), after=asdict(template))
        await uow.commit()
    return template


def _target(key: TemplateKey) -> str:
    return f"{key.event}/{key.channel}/{key.language}"


async def template_for(uow: UnitOfWork, key: TemplateKey) -> MessageTemplate:
    """The override for ``key`` if there is one, else the built-in text (within an open ``uow``)."""
    event = notified_event(key.event)
    found = await uow.templates.get(key)
    return found or event.default(key)


async def read_template(uow: UnitOfWork, key: TemplateKey) -> MessageTemplate:
    async with uow:
        return await template_for(uow, key)
