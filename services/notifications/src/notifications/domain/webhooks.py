"""A webhook endpoint: where an outside system wants the events of the types it names.

An endpoint is ``active`` or ``disabled``: an operator disables it, or the dispatcher does after
the policy's number of consecutive failed attempts; an operator enables it again. Its secrets
sign every message; after a rotation the previous secret keeps signing beside the new one until
its grace period ends, so the receiver can switch without losing a message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["EndpointStatus", "SigningSecret", "WebhookEndpoint"]


class EndpointStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class SigningSecret:
    value: str
    expires_at: datetime | None = None
    """When a rotated-out secret stops signing; None for the current one."""

    def signs_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    id: str
    url: str
    event_types: tuple[str, ...]
    description: str | None
    status: EndpointStatus
    secrets: tuple[SigningSecret, ...]
    created_at: datetime
    consecutive_failures: int = 0
    disabled_reason: str | None = None

    def wants(self, event_type: str) -> bool:
        return self.status is EndpointStatus.ACTIVE and event_type in self.event_types

    def signing_keys(self, now: datetime) -> tuple[str, ...]:
        """The secrets that sign a message sent ``now``: the current one first."""
        return tuple(secret.value for secret in self.secrets if secret.signs_at(now))

    def rotated(self, secret: str, now: datetime, grace: timedelta) -> WebhookEndpoint:
        """``secret`` becomes current; the current one signs beside it for ``grace``."""
        kept = tuple(SigningSecret(old.value, old.expires_at or now + grace)
                     for old in self.secrets if old.signs_at(now) and grace > timedelta(0))
        return replace(self, secrets=(SigningSecret(secret), *kept[:1]))

    def enabled(self) -> WebhookEndpoint:
        return replace(self, status=EndpointStatus.ACTIVE, consecutive_failures=0,
                       disabled_reason=None)

    def disabled(self, reason: str) -> WebhookEndpoint:
        return replace(self, status=EndpointStatus.DISABLED, disabled_reason=reason)

    def answered(self) -> WebhookEndpoint:
        """An attempt the endpoint accepted: the failure count starts over."""
        return replace(self, consecutive_failures=0)

    def failed(self, disable_after: int) -> WebhookEndpoint:
        """One more failed attempt; disabled when ``disable_after`` failed in a row."""
        failures = self.consecutive_failures + 1
        endpoint = replace(self, consecutive_failures=failures)
        if failures >= disable_after and self.status is EndpointStatus.ACTIVE:
            return endpoint.disabled(f"{failures} consecutive failed attempts")
        return endpoint
