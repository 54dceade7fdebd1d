"""The sandbox's merchant API: open sessions, read their status, refund, resend notifications.

Every call carries ``Authorization: Bearer <shared secret>``.
"""

from __future__ import annotations

import hmac
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from tarifa.problems import Conflict, InvalidInput, NotFound, Unauthorized

from payments.sandbox.charges import charges_router
from payments.sandbox.store import Session, SessionStore
from payments.sandbox.webhooks import WebhookSender

__all__ = ["api_router"]

Url = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^https?://")]


class SessionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["payment", "setup"] = "payment"
    order_id: str = Field(min_length=1, max_length=64)
    amount: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=3)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    return_url: Url
    notify_url: Url

    @model_validator(mode="after")
    def priced_payment(self) -> Self:
        if self.kind == "payment" and (self.amount is None or self.currency is None):
            raise ValueError("a payment session needs an amount and a currency")
        return self


class RefundBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refund_id: str = Field(min_length=1, max_length=64)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=3)


def _merchant(secret: str) -> Any:
    def check(request: Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), secret.encode()):
            raise Unauthorized("the merchant key is missing or wrong")
    return Depends(check)


def api_router(store: SessionStore, sender: WebhookSender, public_url: str, secret: str,
               charge_delay: float) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[_merchant(secret)], tags=["merchant API"])

    def found(session_id: str) -> Session:
        session = store.get(session_id)
        if session is None:
            raise NotFound(f"session {session_id} not found")
        return session

    @router.post("/sessions", status_code=201)
    async def open_session(body: SessionBody) -> dict[str, Any]:
        session = store.add(Session(**body.model_dump()))
        return session.as_json() | {"redirect_url": f"{public_url.rstrip('/')}/pay/{session.id}"}

    @router.get("/sessions/{session_id}")
    async def session_status(session_id: str) -> dict[str, Any]:
        return found(session_id).as_json()

    @router.post("/sessions/{session_id}/refunds", status_code=201)
    async def refund(session_id: str, body: RefundBody) -> dict[str, Any]:
        return _refund(found(session_id), body)

    @router.post("/sessions/{session_id}/notifications", status_code=202)
    async def resend(session_id: str) -> dict[str, bool]:
        return {"sent": sender.resend(found(session_id))}

    router.include_router(charges_router(store, charge_delay))
    return router


def _refund(session: Session, body: RefundBody) -> dict[str, Any]:
    """Refund once per ``refund_id``; never more than was paid."""
    if session.kind != "payment" or session.status != "succeeded":
        raise Conflict(f"session {session.id} has no payment to refund")
    if body.refund_id not in session.refunds:
        if session.refunded + body.amount > (session.amount or 0):
            raise InvalidInput(f"refunds would exceed the {session.amount} paid")
        session.refunds[body.refund_id] = body.amount
    return {"id": f"re_{body.refund_id}", "session_id": session.id, "status": "succeeded",
            "amount": str(session.refunds[body.refund_id])}
