"""What the webhook use cases need from the outside world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from notifications.domain.webhook_delivery import AttemptOutcome, WebhookAttempt, WebhookDelivery
from notifications.domain.webhooks import WebhookEndpoint
from notifications.service.ports import UnitOfWork

__all__ = ["AddressResolver", "AttemptPage", "EndpointRepository", "OutgoingWebhook",
           "WebhookDeliveryRepository", "WebhookPoster", "WebhooksUnitOfWork"]


@dataclass(frozen=True, slots=True)
class OutgoingWebhook:
    url: str
    headers: dict[str, str]
    body: str
    address: str | None = None
    """The address the URL's host was vetted at, connected to instead of resolving it again
    (so a name cannot resolve elsewhere between the check and the POST); None: resolve."""


@dataclass(frozen=True, slots=True)
class AttemptPage:
    attempts: list[WebhookAttempt]
    next_cursor: int | None
    """The ``before`` of the next (older) page; None on the last page."""


class WebhookPoster(Protocol):
    async def post(self, webhook: OutgoingWebhook) -> AttemptOutcome:
        """POST the webhook; the outcome says what came back (never raises for the endpoint's
        faults: refused connections, timeouts and error statuses are outcomes)."""


class AddressResolver(Protocol):
    async def addresses(self, host: str, port: int) -> list[str]:
        """The IP addresses ``host`` resolves to now; ``OSError`` when it does not resolve."""


class EndpointRepository(Protocol):
    async def add(self, endpoint: WebhookEndpoint) -> None: ...

    async def get(self, endpoint_id: str, *, lock: bool = False) -> WebhookEndpoint | None: ...

    async def all(self) -> list[WebhookEndpoint]: ...

    async def wanting(self, event_type: str) -> list[WebhookEndpoint]:
        """The active endpoints subscribed to ``event_type``."""

    async def wanted_types(self) -> set[str]:
        """The event types at least one active endpoint is subscribed to."""

    async def save(self, endpoint: WebhookEndpoint) -> None: ...

    async def delete(self, endpoint_id: str) -> None:
        """Remove the endpoint with its deliveries and their log."""


class WebhookDeliveryRepository(Protocol):
    async def add(self, delivery: WebhookDelivery) -> bool:
        """Store a new delivery; False when the endpoint has one for the event already."""

    async def next_due(self, now: datetime) -> WebhookDelivery | None:
        """The pending delivery of an active endpoint due first, locked (others skip it)."""

    async def save(self, delivery: WebhookDelivery) -> None: ...

    async def log(self, attempt: WebhookAttempt) -> None: ...

    async def attempts(self, endpoint_id: str, *, before: int | None, limit: int) -> AttemptPage:
        """The endpoint's attempts, newest first, older than the cursor ``before``."""


class WebhooksUnitOfWork(UnitOfWork, Protocol):
    @property
    def endpoints(self) -> EndpointRepository: ...

    @property
    def webhook_deliveries(self) -> WebhookDeliveryRepository: ...
