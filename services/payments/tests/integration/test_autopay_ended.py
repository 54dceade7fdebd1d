"""An autopay mandate that ends is announced once as ``payments.autopay.ended`` (real
PostgreSQL, RabbitMQ and the sandbox gateway): when the account closes, when its payment mode
changes so the mandate no longer fits, and when its holder switches autopay off
(``DELETE /v1/accounts/{id}/autopay``); a redelivered event or a repeated DELETE announces
nothing again."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from payments.settings import PaymentsSettings
from tarifa.messaging.catalogue import AccountClosed, AccountUpdated, EventData
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import EventTap, publish_event, tap_events
from tarifa.tokens import TokenSigner

from .world import open_account, registered_card, subscriber

ENDED = "payments.autopay.ended"


async def _with_mandate(client: httpx.AsyncClient, settings: PaymentsSettings,
                        secret: TokenSigner, payment_mode: str,
                        body: dict[str, str]) -> tuple[str, str]:
    account_id = await open_account(client, settings.amqp_url, secret, payment_mode=payment_mode)
    own = subscriber(secret, account_id)
    card = await registered_card(client, account_id, own, "success")
    put = await client.put(f"/v1/accounts/{account_id}/autopay", headers=own,
                           json={"payment_method_id": card["id"]} | body)
    assert put.status_code == 200, put.text
    return account_id, str(card["id"])


async def _twice(settings: PaymentsSettings, data: EventData) -> None:
    """The same event delivered twice, as a broker may do."""
    event_id = str(uuid.uuid4())
    for _ in range(2):
        await publish_event(settings.amqp_url, data, event_id=event_id)


async def _once(tap: EventTap, account_id: str) -> dict[str, Any]:
    """The one ``payments.autopay.ended`` of the account, after a while for a second to show."""
    events = await tap.wait_for(ENDED, subject=account_id)
    await asyncio.sleep(1.0)
    events = [e for e in tap.events if e.routing_key == ENDED and e.subject == account_id]
    assert len(events) == 1, events
    data: dict[str, Any] = events[0].data
    assert datetime.fromisoformat(data.pop("ended_at")).tzinfo is not None
    return data


async def test_a_closed_account_announces_its_autopay_ended_once(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    async with tap_events(settings.amqp_url, [ENDED]) as tap:
        account_id, card = await _with_mandate(served, settings, token_signer, "postpaid",
                                               {"mode": "invoice"})
        await _twice(settings, AccountClosed(
            account_id=account_id, closed_at=datetime(2026, 6, 30, 21, tzinfo=UTC),
            closed_on=date(2026, 7, 1), reason="moved abroad"))
        data = await _once(tap, account_id)
    assert data == {"account_id": account_id, "mode": "invoice", "reason": "account_closed",
                    "payment_method_id": card, "payment_mode": None}
    ended = [r for r in await audit_rows(served, "account", account_id)
             if r["action"] == "autopay.ended"]
    assert [(r["after"]["reason"], r["after"]["code"]) for r in ended] == [
        ("the account closed", "account_closed")]


async def test_a_mandate_the_new_payment_mode_does_not_fit_is_announced_ended_once(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    async with tap_events(settings.amqp_url, [ENDED]) as tap:
        account_id, card = await _with_mandate(
            served, settings, token_signer, "prepaid",
            {"mode": "threshold", "threshold": "20.00", "amount": "50.00"})
        await _twice(settings, AccountUpdated.model_validate(
            {"account_id": account_id, "payment_mode": "postpaid"}))
        data = await _once(tap, account_id)
    assert data == {"account_id": account_id, "mode": "threshold", "reason": "mode_unsuitable",
                    "payment_method_id": card, "payment_mode": "postpaid"}


async def test_switching_autopay_off_is_announced_once_as_cancelled(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    async with tap_events(settings.amqp_url, [ENDED]) as tap:
        account_id, card = await _with_mandate(served, settings, token_signer, "postpaid",
                                               {"mode": "invoice"})
        own = subscriber(token_signer, account_id)
        deleted = [await served.delete(f"/v1/accounts/{account_id}/autopay", headers=own)
                   for _ in range(2)]
        data = await _once(tap, account_id)
    assert [r.status_code for r in deleted] == [204, 204]
    assert (await served.get(f"/v1/accounts/{account_id}/autopay", headers=own)).status_code == 404
    assert data == {"account_id": account_id, "mode": "invoice", "reason": "cancelled",
                    "payment_method_id": card, "payment_mode": None}
    ended = [r for r in await audit_rows(served, "account", account_id)
             if r["action"] == "autopay.ended"]
    assert [(r["actor"], r["after"]["code"]) for r in ended] == [
        ({"subject": "test-subscriber", "role": "subscriber"}, "cancelled")]
