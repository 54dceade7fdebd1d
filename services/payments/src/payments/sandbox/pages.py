"""The hosted payment page a payer's browser is sent to, with its simulated 3-D Secure step.

The card never leaves this page: the merchant learns the outcome from the signed webhook or
the status API. The browser is then sent back to the merchant's ``return_url``.
"""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse
from tarifa.problems import Conflict, NotFound

from payments.sandbox.store import TEST_CARDS, Outcome, Session, SessionStore
from payments.sandbox.webhooks import WebhookSender

__all__ = ["pages_router"]


def pages_router(store: SessionStore, sender: WebhookSender) -> APIRouter:
    router = APIRouter(tags=["hosted pages"])

    def found(session_id: str) -> Session:
        session = store.get(session_id)
        if session is None:
            raise NotFound(f"session {session_id} not found")
        return session

    @router.get("/pay/{session_id}", response_class=HTMLResponse)
    async def page(session_id: str) -> str:
        return _page(found(session_id))

    @router.post("/pay/{session_id}/confirm", status_code=303)
    async def confirm(session_id: str, outcome: Annotated[Outcome, Form()]) -> RedirectResponse:
        """The card is entered and 3-D Secure is run: the test card decides the outcome."""
        session = found(session_id)
        if not session.complete(outcome):
            raise Conflict(f"session {session_id} was already completed")
        sender.notify(session)
        return RedirectResponse(_back(session), status_code=303)

    return router


def _back(session: Session) -> str:
    parts = urlsplit(session.return_url)
    extra = urlencode({"order_id": session.order_id, "session_id": session.id})
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def _page(session: Session) -> str:
    what = (f"Pay {escape(str(session.amount))} {escape(session.currency or '')}"
            if session.kind == "payment" else "Register a card")
    cards = "".join(_card(outcome, number, effect, checked=outcome is Outcome.SUCCESS)
                    for outcome, (number, effect) in TEST_CARDS.items()
                    if session.kind == "setup" or not outcome.setup_only)
    return (f"<!doctype html><html><head><title>Sandbox gateway</title></head><body>"
            f"<h1>{what}</h1><p>Order {escape(session.order_id)}. Choose a test card; the "
            f"issuer's 3-D Secure challenge is simulated.</p>"
            f'<form method="post" action="/pay/{escape(session.id)}/confirm">{cards}'
            f'<button type="submit">Pay securely</button></form></body></html>')


def _card(outcome: Outcome, number: str, effect: str, *, checked: bool) -> str:
    mark = " checked" if checked else ""
    return (f'<label><input type="radio" name="outcome" value="{outcome}"{mark}> '
            f"{number} — {escape(effect)}</label><br>")
