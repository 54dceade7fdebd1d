"""One event on its way to one endpoint, and the log of its attempts.

``pending`` → ``succeeded`` when the endpoint answered 2xx; ``pending`` → ``pending`` with a later
``next_attempt_at`` after a failure (exponential backoff); ``pending`` → ``failed`` when the next
attempt would fall outside the retry window (a day after the event by default). The body is the
event's CloudEvents JSON as first stored, so every attempt sends and signs the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["AttemptOutcome", "WebhookAttempt", "WebhookDelivery", "WebhookPolicy",
           "WebhookStatus"]

_MAX_DOUBLINGS = 30


class WebhookStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class WebhookPolicy:
    """Backoff from ``base`` doubling up to ``ceiling``, within ``window`` of the event."""

    base: timedelta
    ceiling: timedelta
    window: timedelta
    disable_after: int

    def delay(self, attempts: int) -> timedelta:
        """The wait after ``attempts`` failed attempts."""
        return min(self.base * (1 << min(max(attempts - 1, 0), _MAX_DOUBLINGS)), self.ceiling)


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """What one POST got: the status code (None without an answer), its latency, an error."""

    status_code: int | None
    latency_ms: int
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    delivery_id: str
    endpoint_id: str
    event_id: str
    event_type: str
    number: int
    at: datetime
    outcome: AttemptOutcome


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    body: str
    status: WebhookStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None

    @classmethod
    def plan(cls, *, id: str, endpoint_id: str, event_id: str, event_type: str, body: str,
             now: datetime) -> WebhookDelivery:
        return cls(id=id, endpoint_id=endpoint_id, event_id=event_id, event_type=event_type,
                   body=body, status=WebhookStatus.PENDING, attempts=0, created_at=now,
                   next_attempt_at=now)

    def attempted(self, outcome: AttemptOutcome, now: datetime, policy: WebhookPolicy
                  ) -> WebhookDelivery:
        """The delivery after one more attempt with ``outcome``."""
        attempts = self.attempts + 1
        if outcome.accepted:
            return replace(self, status=WebhookStatus.SUCCEEDED, attempts=attempts,
                           next_attempt_at=None)
        retry_at = now + policy.delay(attempts)
        if retry_at > self.created_at + policy.window:
            return replace(self, status=WebhookStatus.FAILED, attempts=attempts,
                           next_attempt_at=None)
        return replace(self, attempts=attempts, next_attempt_at=retry_at)

    def record(self, outcome: AttemptOutcome, at: datetime) -> WebhookAttempt:
        """The log row of the attempt that made this delivery's ``attempts``."""
        return WebhookAttempt(self.id, self.endpoint_id, self.event_id, self.event_type,
                              self.attempts, at, outcome)
