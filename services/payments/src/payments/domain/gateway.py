"""What a card gateway tells the suite: hosted-page sessions and their outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = ["GatewayNotification", "GatewayOutcome", "GatewaySession", "OutcomeKind", "OutcomeStatus"]


class OutcomeKind(StrEnum):
    PAYMENT = "payment"
    SETUP = "setup"


class OutcomeStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class GatewaySession:
    """A hosted payment (or card registration) page opened on the gateway."""

    ref: str
    redirect_url: str


@dataclass(frozen=True, slots=True)
class GatewayOutcome:
    """Where a gateway session stands; ``order_id`` is the suite's payment or method id."""

    ref: str
    kind: OutcomeKind
    order_id: str
    status: OutcomeStatus
    amount: Decimal | None = None
    currency: str | None = None
    reason: str | None = None
    token: str | None = None
    card_last4: str | None = None


@dataclass(frozen=True, slots=True)
class GatewayNotification:
    """A verified notification (webhook): its own id, for deduplication, and the outcome."""

    event_id: str
    outcome: GatewayOutcome
