"""Offline payments registered by a partner, on the real PostgreSQL and RabbitMQ."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner


async def _open_account(settings: PaymentsSettings, client: httpx.AsyncClient) -> str:
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language="ro", bill_delivery={"medium": "ebill"}))
    return account_id


async def _pay(client: httpx.AsyncClient, secret: str, body: dict[str, str],
               key: str | None = None) -> httpx.Response:
    headers = bearer(secret, Role.PARTNER) | ({"Idempotency-Key": key} if key else {})
    return await client.post("/v1/payments/offline", json=body, headers=headers)


async def _until_known(client: httpx.AsyncClient, secret: str, body: dict[str, str]) -> httpx.Response:
    for _ in range(100):
        response = await _pay(client, secret, body, key=str(uuid.uuid4()))
        if response.status_code != 422:
            return response
        await asyncio.sleep(0.1)
    return response


async def test_payment_is_recorded_and_announced_once_per_key(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    async with tap_events(settings.amqp_url, ["payments.payment.succeeded"]) as tap:
        account_id = await _open_account(settings, client)
        probe = {"account_id": account_id, "amount": "1.00", "currency": "MDL",
                 "channel": "cash", "reference": "probe"}
        assert (await _until_known(client, token_signer, probe)).status_code == 201
        body = probe | {"amount": "150.50", "reference": "R-1"}
        first = await _pay(client, token_signer, body, key="k-1")
        again = await _pay(client, token_signer, body, key="k-1")
        other = await _pay(client, token_signer, body | {"amount": "2.00"}, key="k-1")
        events = await tap.wait_for("payments.payment.succeeded", count=2, account_id=account_id)
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json()
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert sorted(e.data["amount"] for e in events) == ["1.00", "150.50"]
    assert first.json()["payer"].startswith("partner:")


async def test_wrong_currency_unknown_account_and_bad_amounts_change_nothing(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await _open_account(settings, client)
    probe = {"account_id": account_id, "amount": "1.00", "currency": "MDL",
             "channel": "cash", "reference": "probe"}
    assert (await _until_known(client, token_signer, probe)).status_code == 201
    for bad in ({"currency": "EUR"}, {"amount": "-5.00"}, {"amount": "1.001"},
                {"amount": "0"}, {"account_id": "nobody"}, {"channel": "registry"}):
        response = await _pay(client, token_signer, probe | bad)
        assert response.status_code == 422, bad
        assert response.json()["type"].startswith("https://tarifa.dev/problems/")


async def test_token_and_role_are_required(client: httpx.AsyncClient, token_signer: TokenSigner) -> None:
    body = {"account_id": "a", "amount": "1.00", "currency": "MDL", "channel": "cash",
            "reference": "r"}
    assert (await client.post("/v1/payments/offline", json=body)).status_code == 401
    subscriber = bearer(token_signer, Role.SUBSCRIBER, account_id="a")
    response = await client.post("/v1/payments/offline", json=body, headers=subscriber)
    assert response.status_code == 403


async def test_the_same_channel_reference_books_one_payment_without_an_idempotency_key(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    async with tap_events(settings.amqp_url, ["payments.payment.succeeded"]) as tap:
        account_id = await _open_account(settings, client)
        probe = {"account_id": account_id, "amount": "1.00", "currency": "MDL",
                 "channel": "cash", "reference": f"probe-{uuid.uuid4()}"}
        assert (await _until_known(client, token_signer, probe)).status_code == 201
        other = await _open_account(settings, client)
        assert (await _until_known(client, token_signer, probe | {
            "account_id": other, "reference": f"probe-{uuid.uuid4()}"})).status_code == 201
        body = probe | {"amount": "250.00", "reference": "CASH-0001"}
        racing = await asyncio.gather(*(_pay(client, token_signer, body) for _ in range(3)))
        again = await _pay(client, token_signer, body)
        conflicts = [await _pay(client, token_signer, body | change) for change in (
            {"amount": "25.00"}, {"account_id": other})]
        by_bank = await _pay(client, token_signer, body | {"channel": "bank"})
        events = await tap.wait_for("payments.payment.succeeded", count=3, account_id=account_id)
    first = next(r for r in racing if r.status_code == 201).json()
    assert sorted(r.status_code for r in racing) == [200, 200, 201]
    assert {r.json()["id"] for r in [*racing, again]} == {first["id"]}
    assert again.status_code == 200 and again.json() == first
    assert [(r.status_code, r.headers["content-type"], r.json()["type"].split("/")[-1])
            for r in conflicts] == [(409, "application/problem+json", "payment-reference-taken")] * 2
    assert by_bank.status_code == 201 and by_bank.json()["id"] != first["id"]
    assert sorted((e.data["amount"], e.data["channel"]) for e in events) == [
        ("1.00", "cash"), ("250.00", "bank"), ("250.00", "cash")]
    page = await client.get(f"/v1/accounts/{account_id}/payments", headers=bearer(token_signer))
    assert sorted(p["amount"] for p in page.json()["items"]) == ["1.00", "250.00", "250.00"]
