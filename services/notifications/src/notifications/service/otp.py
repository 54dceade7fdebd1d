"""Sending one-time codes at once, and keeping the delivery without the code.

The code lives only in memory while it is being sent: the delivery row records the number, the
language and the expiry. A code the SMSC does not take is tried again after the usual backoff
while it is still valid; once it expired it is never sent. The row is written after the attempts
(checked first, so a redelivered message is not sent twice), with its audit row by the consumer.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tarifa import correlation
from tarifa.audit import Actor
from tarifa.clock import Clock

from notifications.domain.delivery import Channel, Delivery, DeliveryStatus, RetryPolicy
from notifications.domain.message import OutgoingSms
from notifications.domain.otp import EVENT, OneTimeCode
from notifications.domain.templates import TemplateKey
from notifications.service.delivery_audit import announce, audit_status
from notifications.service.ports import SendFailed, SmsSender, UnitOfWork
from notifications.service.templates import template_for

__all__ = ["CodeSending", "send_code"]

EXPIRED = "the code expired before it could be sent"


@dataclass(frozen=True, slots=True)
class CodeSending:
    sms: SmsSender
    policy: RetryPolicy
    clock: Clock
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)


def _planned(message_id: str, code: OneTimeCode, sending: CodeSending) -> Delivery:
    payload = {"msisdn": code.msisdn, "language": code.speaks,
               "expires_at": code.expires_at.isoformat()}
    return Delivery.plan(id=str(uuid.uuid4()), event=EVENT, event_id=message_id, account_id=None,
                         payload=payload, now=sending.clock.now(), channel=Channel.SMS,
                         recipient=code.msisdn, correlation_id=correlation.current())


async def _text(uow: UnitOfWork, message_id: str, code: OneTimeCode,
                sending: CodeSending) -> str | None:
    """The SMS text; None when this message was handled already."""
    async with uow:
        if await uow.deliveries.exists(message_id, Channel.SMS):
            return None
        template = await template_for(uow, TemplateKey(EVENT, Channel.SMS, code.speaks))
    return template.render(code.values(sending.clock.now())).body


async def _attempts(delivery: Delivery, code: OneTimeCode, text: str,
                    sending: CodeSending) -> Delivery:
    while delivery.status is DeliveryStatus.PENDING:
        if code.expired(sending.clock.now()):
            return delivery.attempt_failed(EXPIRED, sending.clock.now(), sending.policy,
                                           permanent=True)
        try:
            await sending.sms.send(OutgoingSms(code.msisdn, text, delivery.id))
            return delivery.sent(code.msisdn, sending.clock.now())
        except SendFailed as exc:
            delivery = delivery.attempt_failed(str(exc), sending.clock.now(), sending.policy,
                                               permanent=exc.permanent)
        if delivery.next_attempt_at is not None:
            await sending.sleep(sending.policy.delay(delivery.attempts).total_seconds())
    return delivery


async def send_code(new_uow: Callable[[], UnitOfWork], sending: CodeSending, consumer: str,
                    message_id: str, code: OneTimeCode) -> Delivery | None:
    """Send ``code`` unless this message was handled before; the delivery as recorded."""
    delivery = _planned(message_id, code, sending)
    if code.expired(sending.clock.now()):
        delivery = delivery.attempt_failed(EXPIRED, sending.clock.now(), sending.policy,
                                           permanent=True)
    else:
        text = await _text(new_uow(), message_id, code, sending)
        if text is None:
            return None
        delivery = await _attempts(delivery, code, text, sending)
    uow = new_uow()
    async with uow:
        if not await uow.first_time(consumer, message_id) or not await uow.deliveries.add(delivery):
            return None
        announce(uow, delivery)
        await audit_status(uow, Actor.system(consumer), None, delivery)
        await uow.commit()
    return delivery
