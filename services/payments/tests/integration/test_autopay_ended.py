"""An autopay mandate set up or changed is announced as ``payments.autopay.set``; one that ends
is announced once as ``payments.autopay.ended`` (real
PostgreSQL, RabbitMQ and the sandbox gateway): when the account closes, when its payment mode
changes so the mandate no longer fits, and when its holder switches autopay off
(``DELETE /v1/accounts/{id}/autopay``); a redelivered event or a repeated DELETE announces
nothing again. A charge still waiting for its attempt is cancelled with the mandate, so no
card is tried and no failure told for it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from payments.settings import PaymentsSettings
from tarifa.messaging.catalogue import AccountClosed, AccountUpdated, EventData, InvoiceIssued
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import EventTap, publish_event, tap_events
from tarifa.tokens import TokenSigner

from .world import open_account, registered_card, subscriber

ENDED = "payments.autopay.ended"
MakeServed = Callable[..., Awaitable[httpx.AsyncClient]]


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


async def _scheduled(client: httpx.AsyncClient) -> str:
    """The id of the one charge put on the schedule, once it is."""
    for _ in range(100):
        rows = await audit_rows(client, "autopay_charge")
        if rows:
            return str(rows[0]["target_id"])
        await asyncio.sleep(0.1)
    raise AssertionError("no autopay charge was scheduled")


async def test_a_charge_waiting_for_its_attempt_is_cancelled_with_the_mandate(
    make_payments: MakeServed, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    served = await make_payments(autopay_days_before_due=3)
    account_id, _card = await _with_mandate(served, settings, token_signer, "postpaid",
                                            {"mode": "invoice"})
    due = datetime.now(UTC).date() + timedelta(days=10)
    keys = [ENDED, "payments.autopay.failed", "payments.payment.succeeded"]
    async with tap_events(settings.amqp_url, keys) as tap:
        await publish_event(settings.amqp_url, InvoiceIssued(
            invoice_id=str(uuid.uuid4()), number="TF-1", account_id=account_id,
            period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
            total_charges=Decimal("30.00"), amount_due=Decimal("30.00"), due_date=due,
            currency="RON"), subject=account_id)
        charge_id = await _scheduled(served)
        deleted = await served.delete(f"/v1/accounts/{account_id}/autopay",
                                      headers=subscriber(token_signer, account_id))
        await _once(tap, account_id)
        moved = await served.put("/v1/test/clock?wait=true", json={"now": datetime.combine(
            due, datetime.min.time(), tzinfo=UTC).isoformat()})
        await asyncio.sleep(1.5)
    assert (deleted.status_code, moved.status_code) == (204, 200)
    assert [e.routing_key for e in tap.events if e.subject == account_id] == [ENDED]
    trail = await audit_rows(served, "autopay_charge", charge_id)
    assert [(r["action"], r["after"]["status"], r["after"].get("reason")) for r in trail] == [
        ("autopay.scheduled", "scheduled", None), ("autopay.cancelled", "cancelled",
                                                   "autopay_ended")]


async def test_setting_up_and_changing_autopay_is_announced_each_time(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    keys = ["payments.autopay.set"]
    async with tap_events(settings.amqp_url, keys) as tap:
        account_id, card = await _with_mandate(
            served, settings, token_signer, "prepaid",
            {"mode": "threshold", "threshold": "20.00", "amount": "50.00"})
        changed = await served.put(f"/v1/accounts/{account_id}/autopay", json={
            "payment_method_id": card, "mode": "threshold", "threshold": "10.00",
            "amount": "25.5"}, headers=subscriber(token_signer, account_id))
        events = await tap.wait_for("payments.autopay.set", subject=account_id, count=2)
    assert changed.status_code == 200, changed.text
    seen = [{k: v for k, v in e.data.items() if k != "set_at"} for e in events]
    common = {"account_id": account_id, "mode": "threshold", "payment_method_id": card}
    assert seen == [common | {"threshold": "20.00", "amount": "50.00", "replaced": False},
                    common | {"threshold": "10.00", "amount": "25.50", "replaced": True}]
    assert datetime.fromisoformat(events[1].data["set_at"]) == datetime.fromisoformat(
        changed.json()["updated_at"])
