"""Sending due deliveries: a batch of attempts per call, recorded in one transaction.

The delivery rows stay locked (``FOR UPDATE SKIP LOCKED``) while their attempts run, so replicas
never send the same delivery at once. Each one's new status and ``notifications.message.*``
event commit together once the batch's messages were handed over, with its audit row
(``message.<status>`` about the delivery, by ``notifications.dispatcher``, under the correlation
id of the work that called for the message); an attempt that leaves it pending is not audited.

The one window left: the channel accepted messages of a batch and the process died (or the
database failed) before the commit. Those deliveries are then still pending and are sent again
later; an email carries the same ``Message-ID`` (derived from the event id and channel), so mail
clients and archives downstream can recognise and drop the second copy.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tarifa.audit import Actor

from notifications.domain.catalogue import UnknownEvent, notified_event
from notifications.domain.contact import Contact
from notifications.domain.delivery import Channel, Delivery, RetryPolicy
from notifications.domain.message import Attachment, OutgoingEmail, OutgoingSms
from notifications.domain.routing import INVOICE_ISSUED, MONTHLY_DETAILED_BILL, route
from notifications.domain.templates import MessageTemplate, RenderedMessage, TemplateKey
from notifications.service.delivery_audit import announce, status_entry
from notifications.service.ports import InvoiceDocuments, Mailer, SendFailed, SmsSender, UnitOfWork
from notifications.service.templates import template_for

__all__ = ["DISPATCHER", "Sending", "deliver_due", "deliver_next"]

DISPATCHER = Actor.system("notifications.dispatcher")
"""The actor of the attempts the dispatcher makes."""

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Sending:
    """The channels and documents an attempt uses, and how often to try."""

    mailer: Mailer
    documents: InvoiceDocuments
    policy: RetryPolicy
    mail_domain: str
    sms: SmsSender


async def deliver_due(uow: UnitOfWork, sending: Sending, limit: int) -> list[Delivery]:
    """Attempt up to ``limit`` due deliveries at once, recorded in one transaction; the
    deliveries as they are now (none when none is due).

    What each needs is read first, then every message goes out at once (the mailer bounds its
    connections); an unexpected error of one attempt is raised once the others are recorded,
    and that delivery stays as it was."""
    async with uow:
        due = await uow.deliveries.next_due(uow.clock.now(), limit)
        plans = await _plans(uow, sending, due)
        outcomes = await asyncio.gather(*(_outcome(uow, sending, delivery, plan)
                                          for delivery, plan in zip(due, plans, strict=True)),
                                        return_exceptions=True)
        await _record(uow, [(delivery, outcome) for delivery, outcome
                            in zip(due, outcomes, strict=True) if isinstance(outcome, Delivery)])
        await uow.commit()
    _raise_first(outcomes)
    return [outcome for outcome in outcomes if isinstance(outcome, Delivery)]


async def deliver_next(uow: UnitOfWork, sending: Sending) -> Delivery | None:
    """Attempt the delivery due first and return it as it is now; None when none is due."""
    attempted = await deliver_due(uow, sending, 1)
    return attempted[0] if attempted else None


def _raise_first(outcomes: Sequence[Delivery | BaseException]) -> None:
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


async def _record(uow: UnitOfWork, done: list[tuple[Delivery, Delivery]]) -> None:
    """Save the attempted deliveries as they are now, announce and audit them, each in one go."""
    await uow.deliveries.save_all([outcome for _, outcome in done])
    for _, outcome in done:
        announce(uow, outcome)
    await uow.trail.record_all([entry for before, outcome in done
                                if (entry := status_entry(DISPATCHER, before, outcome))])


Planned = Delivery | tuple[str, RenderedMessage]
"""What an attempt sends (the recipient and the message), or its outcome if it sends nothing."""


async def _plans(uow: UnitOfWork, sending: Sending, due: list[Delivery]) -> list[Planned]:
    """What each of ``due`` sends, their contacts read in one query, each template once."""
    contacts = await uow.contacts.get_many({d.account_id for d in due if d.account_id})
    templates: dict[TemplateKey, MessageTemplate] = {}
    return [await _plan(uow, sending, delivery, contacts.get(delivery.account_id or ""), templates)
            for delivery in due]


async def _plan(uow: UnitOfWork, sending: Sending, delivery: Delivery, contact: Contact | None,
                templates: dict[TemplateKey, MessageTemplate]) -> Planned:
    target = route(contact, delivery.channel, delivery.event) if contact else None
    if target is not None and target.recipient is None:
        return delivery.not_applicable(target.reason)
    try:
        if contact is None or target is None or target.recipient is None:
            raise SendFailed(f"no contact details known yet for account {delivery.account_id}")
        return target.recipient, await _render(uow, delivery, contact, templates)
    except SendFailed as exc:
        return delivery.attempt_failed(str(exc), uow.clock.now(), sending.policy,
                                       permanent=exc.permanent)


async def _outcome(uow: UnitOfWork, sending: Sending, delivery: Delivery, plan: Planned) -> Delivery:
    if isinstance(plan, Delivery):
        return plan
    recipient, message = plan
    try:
        await _send(sending, delivery, recipient, message)
    except SendFailed as exc:
        return delivery.attempt_failed(str(exc), uow.clock.now(), sending.policy,
                                       permanent=exc.permanent)
    return delivery.sent(recipient, uow.clock.now())


async def _render(uow: UnitOfWork, delivery: Delivery, contact: Contact,
                  templates: dict[TemplateKey, MessageTemplate]) -> RenderedMessage:
    language = contact.speaks
    key = TemplateKey(delivery.event, delivery.channel, language)
    try:
        template = templates.get(key) or await template_for(uow, key)
    except UnknownEvent as exc:
        raise SendFailed(str(exc), permanent=True) from exc
    templates[key] = template
    try:
        return template.render(notified_event(delivery.event).values(delivery.payload, contact,
                                                                     language))
    except (KeyError, TypeError, ValueError) as exc:
        # A payload the template cannot use fails this delivery alone, with the reason on its
        # row; left to raise, it would stop every pass at the delivery that is due first.
        raise SendFailed(f"the message cannot be rendered: {exc!r}", permanent=True) from exc


async def _send(sending: Sending, delivery: Delivery, recipient: str,
                message: RenderedMessage) -> None:
    if delivery.channel is Channel.SMS:
        await sending.sms.send(OutgoingSms(recipient, message.body, delivery.id))
        return
    attachments = await _attachments(sending, delivery)
    await sending.mailer.send(OutgoingEmail(
        recipient=recipient, subject=message.subject or "", body=message.body,
        message_id=delivery.message_id(sending.mail_domain), attachments=attachments))


async def _attachments(sending: Sending, delivery: Delivery) -> tuple[Attachment, ...]:
    """The invoice's PDF on an e-bill, the detailed bill's on the monthly one, else none."""
    if delivery.event == INVOICE_ISSUED:
        return (await _invoice_pdf(sending, delivery),)
    if delivery.event == MONTHLY_DETAILED_BILL:
        return (await _detailed_bill_pdf(sending, delivery),)
    return ()


async def _detailed_bill_pdf(sending: Sending, delivery: Delivery) -> Attachment:
    data = await sending.documents.detailed_bill_pdf(str(delivery.payload["document_id"]))
    if data is None:
        raise SendFailed("the detailed bill PDF is not available yet")
    month = _UNSAFE_FILENAME.sub("-", str(delivery.payload["month"])).strip("-")
    return Attachment(f"detailed-bill-{month or 'month'}.pdf", "application/pdf", data)


async def _invoice_pdf(sending: Sending, delivery: Delivery) -> Attachment:
    data = await sending.documents.invoice_pdf(str(delivery.payload["invoice_id"]))
    if data is None:
        raise SendFailed("the invoice PDF is not available yet")
    name = _UNSAFE_FILENAME.sub("-", str(delivery.payload["number"])).strip("-") or "invoice"
    return Attachment(f"{name}.pdf", "application/pdf", data)
