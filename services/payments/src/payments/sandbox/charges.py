"""Merchant-initiated charges of a stored card token, without the cardholder (autopay).

``POST /v1/charges`` charges a token once per merchant ``order_id`` (a repeated order answers
the first charge); ``GET /v1/charges/{order_id}`` tells how a charge stands, so a merchant
whose call timed out learns whether the card was charged. The card a token was registered with
decides: ``tok_decline_…`` is declined, ``tok_auth_…`` needs the cardholder
(``requires_action``), ``tok_timeout_…`` is charged but answered only after
``GATEWAY_CHARGE_DELAY`` seconds; any other token of a registered card is charged.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from tarifa.problems import InvalidInput, NotFound

from payments.sandbox.store import SessionStore

__all__ = ["charges_router"]

_OUTCOMES = {"decline": ("failed", "card_declined"),
             "auth": ("requires_action", "authentication_required")}


class ChargeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_id: str = Field(min_length=1, max_length=64)
    token: str = Field(min_length=1, max_length=200)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=3)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


@dataclass
class Charge:
    order_id: str
    token: str
    amount: Decimal
    currency: str
    status: str
    reason: str | None = None
    id: str = field(default_factory=lambda: f"ch_{uuid.uuid4().hex}")

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": "charge", "order_id": self.order_id, "status": self.status,
                "amount": str(self.amount), "currency": self.currency, "reason": self.reason,
                "token": self.token}


def _behaviour(token: str) -> str:
    return token.split("_")[1] if token.count("_") >= 2 else "charge"


def _charge(body: ChargeBody) -> Charge:
    status, reason = _OUTCOMES.get(_behaviour(body.token), ("succeeded", None))
    return Charge(order_id=body.order_id, token=body.token, amount=body.amount,
                  currency=body.currency, status=status, reason=reason)


def charges_router(store: SessionStore, delay: float) -> APIRouter:
    """The charge routes; the merchant key check comes from the API router they join."""
    router = APIRouter()
    charges: dict[str, Charge] = {}

    @router.post("/charges", status_code=201)
    async def charge(body: ChargeBody) -> dict[str, Any]:
        if store.card(body.token) is None:
            raise InvalidInput("the token is not one of a registered card")
        made = charges.setdefault(body.order_id, _charge(body))
        if _behaviour(made.token) == "timeout":
            await asyncio.sleep(delay)
        return made.as_json()

    @router.get("/charges/{order_id}")
    async def charge_status(order_id: str) -> dict[str, Any]:
        made = charges.get(order_id)
        if made is None:
            raise NotFound(f"no charge for order {order_id}")
        return made.as_json()

    return router
