"""Card registration on the sandbox gateway (token by webhook, the outcome announced once) and
autopay mandates (P6)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from payments.settings import PaymentsSettings
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .world import RETURN_URL, open_account, pay_on_page, subscriber


async def _registered(client: httpx.AsyncClient, account_id: str, headers: dict[str, str],
                      outcome: str) -> dict[str, Any]:
    started = await client.post(f"/v1/accounts/{account_id}/payment-methods",
                                json={"return_url": RETURN_URL}, headers=headers)
    assert started.status_code == 201, started.text
    method = started.json()
    await pay_on_page(method["redirect_url"], outcome)
    url = f"/v1/accounts/{account_id}/payment-methods/{method['id']}"
    for _ in range(200):
        method = (await client.get(url, headers=headers)).json()
        if method["status"] != "pending":
            return method
        await asyncio.sleep(0.05)
    raise AssertionError(f"no webhook settled {method}")


async def test_registered_card_carries_autopay(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await open_account(served, settings.amqp_url, token_signer, payment_mode="prepaid")
    me = subscriber(token_signer, account_id)
    card = await _registered(served, account_id, me, "success")
    refused = await _registered(served, account_id, me, "decline")
    url = f"/v1/accounts/{account_id}/autopay"
    invoice = await served.put(url, json={"payment_method_id": card["id"], "mode": "invoice"},
                               headers=me)
    threshold = await served.put(url, headers=me, json={
        "payment_method_id": card["id"], "mode": "threshold", "threshold": "20.00", "amount": "50.00"})
    bad = [await served.put(url, json=body, headers=me) for body in (
        {"payment_method_id": card["id"], "mode": "threshold"},
        {"payment_method_id": refused["id"], "mode": "invoice"},
        {"payment_method_id": "nope", "mode": "invoice"},
        {"payment_method_id": card["id"], "mode": "threshold", "threshold": "1.001", "amount": "5"})]
    stored = (await served.get(url, headers=me)).json()
    assert (card["status"], card["card_last4"], refused["status"]) == ("active", "4242", "failed")
    assert (invoice.status_code, invoice.json()["type"].split("/")[-1]) == (
        422, "autopay-mode-unsuitable")  # invoices are postpaid's
    assert threshold.status_code == 200
    assert [r.status_code for r in bad] == [422, 422, 422, 422]
    assert (stored["mode"], stored["threshold"], stored["amount"]) == ("threshold", "20.00", "50.00")


async def test_a_subscriber_reaches_only_its_own_cards(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await open_account(served, settings.amqp_url, token_signer)
    stranger = subscriber(token_signer, str(uuid.uuid4()))
    body = {"return_url": RETURN_URL}
    answers = [
        await served.post(f"/v1/accounts/{account_id}/payment-methods", json=body, headers=stranger),
        await served.put(f"/v1/accounts/{account_id}/autopay", headers=stranger,
                         json={"payment_method_id": "x", "mode": "invoice"}),
        await served.post(f"/v1/accounts/{account_id}/payment-methods", json=body),
        await served.post("/v1/accounts/nobody/payment-methods", json=body,
                          headers=subscriber(token_signer, "nobody")),
    ]
    assert [r.status_code for r in answers] == [404, 404, 401, 404]


async def test_a_settled_registration_is_announced_once(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    keys = ["payments.payment_method.activated", "payments.payment_method.failed"]
    account_id = await open_account(served, settings.amqp_url, token_signer)
    me = subscriber(token_signer, account_id)
    async with tap_events(settings.amqp_url, keys) as tap:
        card = await _registered(served, account_id, me, "success")
        refused = await _registered(served, account_id, me, "decline")
        await tap.wait_for(keys[1], subject=account_id)
        await asyncio.sleep(1.0)
    seen = [(e.routing_key, e.data) for e in tap.events if e.subject == account_id]
    common = {"account_id": account_id, "gateway": "sandbox"}
    assert seen == [
        (keys[0], common | {"payment_method_id": card["id"], "status": "active",
                            "card_last4": "4242"}),
        (keys[1], common | {"payment_method_id": refused["id"], "status": "failed",
                            "card_last4": None}),
    ]
