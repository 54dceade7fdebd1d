"""What the payments integration tests build on: accounts and lines announced by accounts
events, subscribers' tokens, and the walk through the sandbox gateway's hosted page."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
from payments.sandbox.signing import SIGNATURE_HEADER, sign
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened, LineActivated
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event

RETURN_URL = "https://selfcare.example/payments/done?lang=ro"


async def open_account(client: httpx.AsyncClient, amqp_url: str, secret: str, currency: str = "RON",
                       msisdn: str | None = None, payment_mode: str = "postpaid",
                       account_id: str | None = None) -> str:
    """An account (and a line) known to the payments replica."""
    account_id = account_id or str(uuid.uuid4())
    await publish_event(amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode=payment_mode, currency=currency,
        timezone="Europe/Bucharest", language="ro", bill_delivery={"medium": "ebill"}))
    await _until_known(client, secret, {"account_id": account_id}, currency)
    if msisdn:
        await publish_event(amqp_url, LineActivated(
            account_id=account_id, msisdn=msisdn, plan_code="S100", connected_at="2026-01-01T00:00:00Z"))
        await _until_known(client, secret, {"msisdn": msisdn}, currency)
    return account_id


async def _until_known(client: httpx.AsyncClient, secret: str, who: dict[str, str],
                       currency: str) -> None:
    body = who | {"amount": "1.00", "currency": currency, "channel": "cash",
                  "reference": f"probe-{uuid.uuid4()}"}
    for _ in range(200):
        response = await client.post("/v1/payments/offline", json=body,
                                     headers=bearer(secret, Role.PARTNER))
        if response.status_code == 201:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the replica never learnt {who}: {response.text}")


def subscriber(secret: str, account_id: str) -> dict[str, str]:
    return bearer(secret, Role.SUBSCRIBER, account_id=account_id)


def card_body(account_id: str, amount: str, currency: str = "RON", **extra: str) -> dict[str, str]:
    return {"account_id": account_id, "amount": amount, "currency": currency, "purpose": "advance",
            "return_url": RETURN_URL} | extra


async def pay_on_page(redirect_url: str, outcome: str) -> httpx.Response:
    """What the payer's browser does: open the hosted page, pick a test card, get sent back."""
    async with httpx.AsyncClient() as browser:
        page = await browser.get(redirect_url)
        assert page.status_code == 200 and 'name="outcome"' in page.text
        return await browser.post(f"{redirect_url}/confirm", data={"outcome": outcome})


async def settled(client: httpx.AsyncClient, payment_id: str, headers: dict[str, str]) -> dict[str, Any]:
    """The payment once the gateway's confirmation has been applied."""
    for _ in range(200):
        payment: dict[str, Any] = (await client.get(f"/v1/payments/{payment_id}", headers=headers)).json()
        if payment["status"] not in ("requires_action", "processing"):
            return payment
        await asyncio.sleep(0.05)
    raise AssertionError(f"payment {payment_id} was never settled: {payment}")


def signed(document: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """A webhook body and headers as the sandbox gateway signs them."""
    body = json.dumps(document).encode()
    return body, {"Content-Type": "application/json",
                  SIGNATURE_HEADER: sign(secret, body, int(time.time()))}


async def gateway_session(sandbox: str, secret: str, ref: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as merchant:
        response = await merchant.get(f"{sandbox}/v1/sessions/{ref}",
                                      headers={"Authorization": f"Bearer {secret}"})
    response.raise_for_status()
    session: dict[str, Any] = response.json()
    return session


async def registered_card(client: httpx.AsyncClient, account_id: str, headers: dict[str, str],
                          outcome: str) -> dict[str, Any]:
    """A card registered on the sandbox's page with the test card of ``outcome``, once the
    gateway's webhook has settled it."""
    started = await client.post(f"/v1/accounts/{account_id}/payment-methods",
                                json={"return_url": RETURN_URL}, headers=headers)
    assert started.status_code == 201, started.text
    method: dict[str, Any] = started.json()
    await pay_on_page(method["redirect_url"], outcome)
    url = f"/v1/accounts/{account_id}/payment-methods/{method['id']}"
    for _ in range(200):
        method = (await client.get(url, headers=headers)).json()
        if method["status"] != "pending":
            return method
        await asyncio.sleep(0.05)
    raise AssertionError(f"no webhook settled {method}")
