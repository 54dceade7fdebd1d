"""What the dispatchers did, on ``/metrics``: each attempt counted by how it left the message.

``tarifa_notification_attempts_total`` counts message attempts per event, channel and the status
the delivery has after it (``sent``, ``failed`` when given up, ``pending`` when it will be
retried, ``not_applicable``); e-bills are those of ``invoicing.invoice.issued`` by email.
``tarifa_webhook_attempts_total`` counts webhook attempts by the status they left.
"""

from __future__ import annotations

from prometheus_client import Counter

from notifications.domain.delivery import Delivery
from notifications.domain.webhook_delivery import WebhookDelivery

__all__ = ["count_attempt", "count_webhook_attempt"]

ATTEMPTS = Counter("tarifa_notification_attempts_total",
                   "Message attempts by event, channel and the status they left the delivery in",
                   ["event", "channel", "status"])
WEBHOOK_ATTEMPTS = Counter("tarifa_webhook_attempts_total",
                           "Webhook attempts by event type and the status they left the delivery in",
                           ["event_type", "status"])


def count_attempt(delivery: Delivery) -> None:
    ATTEMPTS.labels(delivery.event, str(delivery.channel), str(delivery.status)).inc()


def count_webhook_attempt(delivery: WebhookDelivery) -> None:
    WEBHOOK_ATTEMPTS.labels(delivery.event_type, str(delivery.status)).inc()
