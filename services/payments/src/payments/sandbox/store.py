"""The sandbox's sessions, kept in memory: a sandbox forgets everything when it stops."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

__all__ = ["CHARGE_BEHAVIOUR", "TEST_CARDS", "Outcome", "Session", "SessionStore"]


class Outcome(StrEnum):
    """What a test card does on the hosted page."""

    SUCCESS = "success"
    DECLINE = "decline"
    THREE_DS_FAIL = "3ds_fail"
    CHARGES_DECLINED = "charges_declined"
    CHARGES_TIME_OUT = "charges_time_out"
    CHARGES_NEED_CARDHOLDER = "charges_need_cardholder"

    @property
    def setup_only(self) -> bool:
        """Cards that register fine and behave differently when the merchant charges them."""
        return self in CHARGE_BEHAVIOUR


TEST_CARDS = {
    Outcome.SUCCESS: ("4242 4242 4242 4242", "approved after 3-D Secure"),
    Outcome.DECLINE: ("4000 0000 0000 0002", "declined by the issuer"),
    Outcome.THREE_DS_FAIL: ("4000 0000 0000 3220", "fails the 3-D Secure challenge"),
    Outcome.CHARGES_DECLINED: ("4000 0000 0000 0341", "registers; merchant charges are declined"),
    Outcome.CHARGES_TIME_OUT: ("4000 0000 0000 0119", "registers; merchant charges are taken "
                                                      "but answered too late"),
    Outcome.CHARGES_NEED_CARDHOLDER: ("4000 0027 6000 3184", "registers; merchant charges need "
                                                             "the cardholder"),
}
CHARGE_BEHAVIOUR = {Outcome.CHARGES_DECLINED: "decline", Outcome.CHARGES_TIME_OUT: "timeout",
                    Outcome.CHARGES_NEED_CARDHOLDER: "auth"}
"""The token of a card registered with one of these reads ``tok_<behaviour>_<hex>``."""
_REASONS = {Outcome.DECLINE: "card_declined", Outcome.THREE_DS_FAIL: "3ds_authentication_failed"}


@dataclass
class Session:
    """A hosted page for a payment (``kind="payment"``) or a card registration (``"setup"``)."""

    kind: str
    order_id: str
    return_url: str
    notify_url: str
    amount: Decimal | None = None
    currency: str | None = None
    id: str = field(default_factory=lambda: f"sess_{uuid.uuid4().hex}")
    status: str = "pending"
    reason: str | None = None
    token: str | None = None
    card_last4: str | None = None
    refunds: dict[str, Decimal] = field(default_factory=dict)

    def complete(self, outcome: Outcome) -> bool:
        """Settle the session with the card's outcome; False when it was settled before."""
        if self.status != "pending":
            return False
        if outcome is Outcome.SUCCESS or outcome.setup_only:
            self.status, self.card_last4 = "succeeded", TEST_CARDS[outcome][0][-4:]
            self.token = _token(outcome) if self.kind == "setup" else None
        else:
            self.status, self.reason = "failed", _REASONS[outcome]
        return True

    @property
    def refunded(self) -> Decimal:
        return sum(self.refunds.values(), Decimal(0))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "order_id": self.order_id, "status": self.status,
                "amount": _text(self.amount), "currency": self.currency, "reason": self.reason,
                "refunded": str(self.refunded), "token": self.token, "card_last4": self.card_last4}


def _token(outcome: Outcome) -> str:
    behaviour = CHARGE_BEHAVIOUR.get(outcome)
    return f"tok_{behaviour}_{secrets.token_hex(12)}" if behaviour else f"tok_{secrets.token_hex(12)}"


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


class SessionStore:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def add(self, session: Session) -> Session:
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def card(self, token: str) -> Session | None:
        """The registration that issued ``token``."""
        return next((s for s in self._sessions.values() if s.token == token), None)
