"""The events of notifications: messages sent or failed."""

from __future__ import annotations

from tarifa.messaging.catalogue._base import EventData

__all__ = [
    "MessageFailed", "MessageSent",
]


class MessageSent(EventData):
    routing_key = "notifications.message.sent"
    message_id: str
    event_id: str
    channel: str
    account_id: str | None


class MessageFailed(MessageSent):
    routing_key = "notifications.message.failed"
