"""A delivery: one message for one event on one channel, and its life until sent or given up.

``pending`` → ``sent`` when the channel accepted it; ``pending`` → ``pending`` (one more attempt,
a later ``next_attempt_at``) after a transient failure; ``pending`` → ``failed`` after a
permanent failure or the last allowed attempt. ``not_applicable`` records an event the account
does not receive on that channel (a paper bill account gets no e-bill email); it never changes.
An SMS the SMSC accepted (``sent``) becomes ``delivered`` or ``undelivered`` when the SMSC's
delivery receipt arrives.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

__all__ = ["Channel", "Delivery", "DeliveryStateError", "DeliveryStatus", "RetryPolicy"]

_MAX_DOUBLINGS = 30


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"


class DeliveryStateError(Exception):
    """A transition the delivery's current status does not allow."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff: ``base`` after the first failure, doubling up to ``ceiling``."""

    max_attempts: int
    base: timedelta
    ceiling: timedelta

    def delay(self, attempts: int) -> timedelta:
        """The wait after ``attempts`` failed attempts."""
        return min(self.base * (1 << min(max(attempts - 1, 0), _MAX_DOUBLINGS)), self.ceiling)


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    account_id: str | None
    event: str
    event_id: str
    channel: Channel
    recipient: str | None
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None = None
    correlation_id: str | None = None
    """The work the delivery is part of; the events announcing it carry it on."""

    @classmethod
    def plan(cls, *, id: str, event: str, event_id: str, account_id: str | None,
             payload: dict[str, Any], now: datetime, channel: Channel = Channel.EMAIL,
             recipient: str | None = None, unreachable: str | None = None,
             correlation_id: str | None = None) -> Delivery:
        """A pending delivery; ``unreachable`` says why the account gets nothing on ``channel``.

        With neither a recipient nor a reason (contact unknown yet) it is resolved when sending.
        """
        delivery = cls(id=id, account_id=account_id, event=event, event_id=event_id,
                       channel=channel, recipient=recipient, payload=payload,
                       status=DeliveryStatus.PENDING, attempts=0, last_error=None,
                       created_at=now, next_attempt_at=now, correlation_id=correlation_id)
        if recipient is None and unreachable is not None:
            return delivery.not_applicable(unreachable)
        return delivery

    def message_id(self, domain: str) -> str:
        """The Message-ID header: the same for every attempt, so receivers can spot a resend."""
        return f"<{self.event_id}.{self.channel}@{domain}>"

    def _require_pending(self) -> None:
        if self.status is not DeliveryStatus.PENDING:
            raise DeliveryStateError(f"delivery {self.id} is {self.status}, not pending")

    def sent(self, recipient: str, now: datetime) -> Delivery:
        self._require_pending()
        return replace(self, status=DeliveryStatus.SENT, recipient=recipient,
                       attempts=self.attempts + 1, sent_at=now, next_attempt_at=None)

    def attempt_failed(self, error: str, now: datetime, policy: RetryPolicy, *,
                       permanent: bool = False) -> Delivery:
        """One more failed attempt: try again after the backoff, or give up."""
        self._require_pending()
        attempts = self.attempts + 1
        if permanent or attempts >= policy.max_attempts:
            return replace(self, status=DeliveryStatus.FAILED, attempts=attempts,
                           last_error=error, next_attempt_at=None)
        return replace(self, attempts=attempts, last_error=error,
                       next_attempt_at=now + policy.delay(attempts))

    def not_applicable(self, reason: str) -> Delivery:
        self._require_pending()
        return replace(self, status=DeliveryStatus.NOT_APPLICABLE, last_error=reason,
                       next_attempt_at=None)

    def receipted(self, delivered: bool, detail: str | None) -> Delivery:
        """The SMSC's delivery receipt of a sent message."""
        if self.status is not DeliveryStatus.SENT:
            raise DeliveryStateError(f"delivery {self.id} is {self.status}, not sent")
        status = DeliveryStatus.DELIVERED if delivered else DeliveryStatus.UNDELIVERED
        return replace(self, status=status, last_error=None if delivered else detail)

    @property
    def finished(self) -> bool:
        return self.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED,
                               DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED)
