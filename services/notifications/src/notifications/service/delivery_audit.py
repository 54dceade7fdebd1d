"""What a delivery's new status leaves behind: its ``notifications.message.*`` event and its
audit row (``message.<status>`` about the delivery, under the correlation id of the work that
called for the message)."""

from __future__ import annotations

from typing import Any

from tarifa.audit import Actor, AuditEntry
from tarifa.correlation import correlated
from tarifa.messaging.catalogue import MessageFailed, MessageSent

from notifications.domain.delivery import Delivery, DeliveryStatus
from notifications.service.ports import UnitOfWork

__all__ = ["announce", "audit_status", "status_entry"]


def announce(uow: UnitOfWork, delivery: Delivery) -> None:
    """Emit ``notifications.message.sent`` or ``.failed`` for a delivery that got there.

    The event carries the correlation id of the work that called for the message (a delivery
    planned before it was recorded falls back to the id of the event it answers).
    """
    fields = {"message_id": delivery.id, "event_id": delivery.event_id,
              "channel": str(delivery.channel), "account_id": delivery.account_id}
    with correlated(delivery.correlation_id or delivery.event_id):
        if delivery.status is DeliveryStatus.SENT:
            uow.emit(MessageSent(**fields), subject=delivery.account_id)
        elif delivery.status is DeliveryStatus.FAILED:
            uow.emit(MessageFailed(**fields), subject=delivery.account_id)


def _state(delivery: Delivery | None) -> dict[str, Any] | None:
    if delivery is None:
        return None
    return {"status": delivery.status, "attempts": delivery.attempts,
            "last_error": delivery.last_error, "channel": delivery.channel,
            "recipient": delivery.recipient, "event": delivery.event,
            "event_id": delivery.event_id, "account_id": delivery.account_id,
            "sent_at": delivery.sent_at}


def status_entry(actor: Actor, before: Delivery | None, after: Delivery) -> AuditEntry | None:
    """The audit row of a delivery whose status changed (``before`` None: one recorded as it
    ended up), under the correlation id its events carry; None when the status stayed the same."""
    if before is not None and before.status is after.status:
        return None
    return AuditEntry(actor, f"message.{after.status}", "message", after.id, before=_state(before),
                      after=_state(after), correlation_id=after.correlation_id or after.event_id)


async def audit_status(uow: UnitOfWork, actor: Actor, before: Delivery | None,
                       after: Delivery) -> None:
    """Write the ``status_entry`` of a delivery, if its status changed."""
    if entry := status_entry(actor, before, after):
        await uow.trail.record_all([entry])
