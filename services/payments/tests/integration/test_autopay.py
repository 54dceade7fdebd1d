"""Autopay (P6) against the sandbox gateway over real HTTP, with PostgreSQL and RabbitMQ:
invoices paid on issue, threshold top-ups once per fall, the retry schedule of a declining
card, and a timed-out charge settled from the gateway's status and never charged twice."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from payments.settings import PaymentsSettings
from tarifa.messaging.catalogue import BalanceChanged, InvoiceIssued, InvoicePaid
from tarifa.testing.apps import bearer
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import EventTap, publish_event, tap_events
from tarifa.testing.keys import TEST_SIGNER
from tarifa.tokens import TokenSigner

from .world import open_account, registered_card, subscriber

MakeServed = Callable[..., Awaitable[httpx.AsyncClient]]
EVENTS = ["payments.payment.succeeded", "payments.autopay.failed"]


async def _mandate(client: httpx.AsyncClient, secret: TokenSigner, amqp_url: str, card: str,
                   **mode: str) -> str:
    kind = "prepaid" if mode.get("mode") == "threshold" else "postpaid"
    account_id = await open_account(client, amqp_url, secret, payment_mode=kind)
    me = subscriber(secret, account_id)
    method = await registered_card(client, account_id, me, card)
    body = {"payment_method_id": method["id"], "mode": "invoice"} | mode
    answer = await client.put(f"/v1/accounts/{account_id}/autopay", json=body, headers=me)
    assert answer.status_code == 200, answer.text
    return account_id


def _invoice(account_id: str, due: date, amount: str = "69.60",
             invoice_id: str | None = None) -> InvoiceIssued:
    invoice_id = invoice_id or str(uuid.uuid4())
    return InvoiceIssued(
        invoice_id=invoice_id, number=f"TF-{invoice_id[:6]}", account_id=account_id,
        period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
        total_charges=Decimal(amount), amount_due=Decimal(amount), due_date=due, currency="RON")


async def _charges(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    return await audit_rows(client, "autopay_charge")


async def _scheduled(client: httpx.AsyncClient, count: int) -> None:
    """Wait for ``count`` scheduled charges (read while they are written: items, not totals)."""
    query = {"target_type": "autopay_charge", "action": "autopay.scheduled", "limit": "500"}
    for _ in range(100):
        page = await client.get("/v1/audit", params=query, headers=bearer(TEST_SIGNER))
        if len([r for r in page.json()["items"] if r["action"] == "autopay.scheduled"]) >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {count} autopay charges were scheduled")


async def _settled(tap: EventTap, account_id: str, count: int = 1) -> list[dict[str, Any]]:
    await tap.wait_for("payments.payment.succeeded", subject=account_id, count=count)
    await asyncio.sleep(0.6)
    return [e.data for e in tap.events
            if e.routing_key == "payments.payment.succeeded" and e.subject == account_id]


async def test_a_new_invoice_is_paid_once_on_issue(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await _mandate(served, token_signer, settings.amqp_url, "success")
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        invoice = _invoice(account_id, date.today() + timedelta(days=14))
        issued = await publish_event(settings.amqp_url, invoice, subject=account_id)
        await publish_event(settings.amqp_url, invoice, subject=account_id, event_id=issued.id)
        await publish_event(settings.amqp_url, invoice, subject=account_id)
        [paid] = await _settled(tap, account_id)
    assert (paid["amount"], paid["currency"], paid["invoice_id"]) == (
        "69.60", "RON", invoice.invoice_id)
    assert (paid["purpose"], paid["channel"], paid["payer"]) == (
        "invoice", "card", f"account:{account_id}")
    payment = (await served.get(f"/v1/payments/{paid['payment_id']}",
                                headers=bearer(token_signer))).json()
    assert (payment["status"], payment["amount"]) == ("succeeded", "69.60")
    rows = await _charges(served)
    assert [r["action"] for r in rows] == ["autopay.scheduled", "autopay.attempted",
                                           "autopay.succeeded"]
    assert rows[2]["after"]["payment_id"] == paid["payment_id"]
    assert not [e for e in tap.events if e.routing_key == "payments.autopay.failed"]


async def test_a_prepaid_account_is_topped_up_once_per_fall_below_the_threshold(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await _mandate(served, token_signer, settings.amqp_url, "success",
                                mode="threshold", threshold="20.00", amount="50.00")
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        for balance in ("30.00", "15.00", "10.00", "4.50"):
            await publish_event(settings.amqp_url, BalanceChanged(
                account_id=account_id, balance=Decimal(balance), currency="RON", cause="usage"))
        first = await _settled(tap, account_id)
        for balance in ("64.50", "19.99", "12.00"):
            await publish_event(settings.amqp_url, BalanceChanged(
                account_id=account_id, balance=Decimal(balance), currency="RON", cause="usage"))
        both = await _settled(tap, account_id, count=2)
    assert len(first) == 1 and len(both) == 2
    assert [(p["amount"], p["purpose"], p["invoice_id"]) for p in both] == [
        ("50.00", "topup", None), ("50.00", "topup", None)]
    assert [r["action"] for r in await _charges(served)].count("autopay.attempted") == 2


async def _move(client: httpx.AsyncClient, to: datetime) -> None:
    moved = await client.put("/v1/test/clock?wait=true", json={"now": to.isoformat()})
    assert moved.status_code == 200, moved.text


async def test_a_declined_card_is_tried_on_the_schedule_until_the_due_date_and_told(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await _mandate(served, token_signer, settings.amqp_url, "charges_declined")
    due = datetime.now(UTC).date() + timedelta(days=9)
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        await publish_event(settings.amqp_url, _invoice(account_id, due), subject=account_id)
        failures = [(await tap.wait_for("payments.autopay.failed", subject=account_id))[0].data]
        while failures[-1]["next_attempt_at"] is not None:
            at = datetime.fromisoformat(failures[-1]["next_attempt_at"])
            await _move(served, at + timedelta(seconds=1))
            seen = await tap.wait_for("payments.autopay.failed", subject=account_id,
                                      count=len(failures) + 1)
            failures.append(seen[-1].data)
    assert [f["attempt"] for f in failures] == [1, 2, 3, 4]
    assert {(f["reason"], f["amount"], f["currency"]) for f in failures} == {
        ("card_declined", "69.60", "RON")}
    nexts = [datetime.fromisoformat(f["next_attempt_at"]) for f in failures[:3]]
    assert round((nexts[1] - nexts[0]) / timedelta(days=1)) == 3
    assert nexts[2] == datetime.combine(due, datetime.min.time(), tzinfo=UTC)
    assert failures[3]["next_attempt_at"] is None
    assert not [e for e in tap.events if e.routing_key == "payments.payment.succeeded"
                and e.subject == account_id]
    actions = [r["action"] for r in await _charges(served)]
    assert actions.count("autopay.attempted") == actions.count("autopay.failed") == 4


async def _charge_at_gateway(sandbox: str, secret: str, order_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as merchant:
        answer = await merchant.get(f"{sandbox}/v1/charges/{order_id}",
                                    headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200, answer.text
    charge: dict[str, Any] = answer.json()
    return charge


async def test_a_timed_out_charge_is_settled_from_the_gateway_and_never_charged_twice(
    make_payments: MakeServed, settings: PaymentsSettings, token_signer: TokenSigner,
    sandbox: str, gateway_secret: str,
) -> None:
    served = await make_payments(gateway_timeout=1.0, autopay_interval=0.3)
    account_id = await _mandate(served, token_signer, settings.amqp_url, "charges_time_out")
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        await publish_event(settings.amqp_url, _invoice(account_id, date.today() + timedelta(
            days=14)), subject=account_id)
        [paid] = await _settled(tap, account_id)
        await _move(served, datetime.now(UTC) + timedelta(days=2))
        again = await _settled(tap, account_id)
    rows = await _charges(served)
    attempted = [r for r in rows if r["action"] == "autopay.attempted"]
    assert [r["action"] for r in rows] == ["autopay.scheduled", "autopay.attempted",
                                           "autopay.succeeded"]
    assert attempted[0]["after"]["status"] == "unknown"
    charge = await _charge_at_gateway(sandbox, gateway_secret, attempted[0]["after"]["order_id"])
    assert (charge["status"], charge["amount"]) == ("succeeded", "69.60")
    assert again == [paid] and paid["amount"] == "69.60"
    assert not [e for e in tap.events if e.routing_key == "payments.autopay.failed"]


async def test_a_card_that_needs_its_holder_is_not_tried_again(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await _mandate(served, token_signer, settings.amqp_url,
                                "charges_need_cardholder")
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        invoice = _invoice(account_id, date.today() + timedelta(days=14))
        await publish_event(settings.amqp_url, invoice, subject=account_id)
        [failed] = await tap.wait_for("payments.autopay.failed", subject=account_id)
        await _move(served, datetime.now(UTC) + timedelta(days=3))
        await asyncio.sleep(0.6)
    assert (failed.data["attempt"], failed.data["reason"], failed.data["next_attempt_at"]) == (
        1, "authentication_required", None)
    assert failed.data["invoice_id"] == invoice.invoice_id
    assert len([e for e in tap.events if e.subject == account_id]) == 1
    actions = [r["action"] for r in await _charges(served)]
    assert actions == ["autopay.scheduled", "autopay.attempted", "autopay.failed"]


async def test_an_invoice_is_paid_days_before_its_due_date_unless_paid_before(
    make_payments: MakeServed, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    served = await make_payments(autopay_days_before_due=3)
    account_id = await _mandate(served, token_signer, settings.amqp_url, "success")
    due = datetime.now(UTC).date() + timedelta(days=10)
    paid_otherwise, left = _invoice(account_id, due, "12.00"), _invoice(account_id, due, "30.00")
    async with tap_events(settings.amqp_url, EVENTS) as tap:
        for invoice in (paid_otherwise, left):
            await publish_event(settings.amqp_url, invoice, subject=account_id)
        await _scheduled(served, 2)
        await publish_event(settings.amqp_url, InvoicePaid(
            invoice_id=paid_otherwise.invoice_id, account_id=account_id), subject=account_id)
        await asyncio.sleep(1)
        early = [e for e in tap.events if e.subject == account_id]
        await _move(served, datetime.combine(due - timedelta(days=3), datetime.min.time(),
                                             tzinfo=UTC) + timedelta(minutes=1))
        [paid] = await _settled(tap, account_id)
    assert early == []
    assert (paid["invoice_id"], paid["amount"]) == (left.invoice_id, "30.00")
    actions = [r["action"] for r in await _charges(served)]
    assert sorted(actions) == ["autopay.attempted", "autopay.cancelled", "autopay.scheduled",
                               "autopay.scheduled", "autopay.succeeded"]
