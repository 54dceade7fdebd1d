"""Autopay modes fit how the account pays (P6): ``invoice`` for postpaid accounts, ``threshold``
for prepaid ones, checked when the mandate is set and when accounts announces a new mode."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from payments.settings import PaymentsSettings
from tarifa.messaging.catalogue import AccountUpdated
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

from .world import open_account, registered_card, subscriber

THRESHOLD = {"mode": "threshold", "threshold": "20.00", "amount": "50.00"}


async def _card(client: httpx.AsyncClient, settings: PaymentsSettings, secret: TokenSigner,
                payment_mode: str) -> tuple[str, str]:
    account_id = await open_account(client, settings.amqp_url, secret, payment_mode=payment_mode)
    method = await registered_card(client, account_id, subscriber(secret, account_id), "success")
    return account_id, method["id"]


async def _put(client: httpx.AsyncClient, secret: TokenSigner, account_id: str, method_id: str,
               **mode: str) -> httpx.Response:
    return await client.put(f"/v1/accounts/{account_id}/autopay", headers=subscriber(secret, account_id),
                            json={"payment_method_id": method_id} | mode)


async def _mandate_status(client: httpx.AsyncClient, secret: TokenSigner, account_id: str) -> int:
    response = await client.get(f"/v1/accounts/{account_id}/autopay",
                                headers=subscriber(secret, account_id))
    return response.status_code


async def test_each_mode_is_refused_for_the_accounts_it_does_not_fit(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    prepaid, prepaid_card = await _card(served, settings, token_signer, "prepaid")
    postpaid, postpaid_card = await _card(served, settings, token_signer, "postpaid")
    refused = [await _put(served, token_signer, prepaid, prepaid_card, mode="invoice"),
               await _put(served, token_signer, postpaid, postpaid_card, **THRESHOLD)]
    assert [(r.status_code, r.headers["content-type"], r.json()["type"].split("/")[-1])
            for r in refused] == [(422, "application/problem+json", "autopay-mode-unsuitable")] * 2
    assert [await _mandate_status(served, token_signer, a) for a in (prepaid, postpaid)] == [404, 404]
    accepted = [await _put(served, token_signer, prepaid, prepaid_card, **THRESHOLD),
                await _put(served, token_signer, postpaid, postpaid_card, mode="invoice")]
    assert [r.status_code for r in accepted] == [200, 200]


async def _until_ended(client: httpx.AsyncClient, secret: TokenSigner, account_id: str) -> None:
    for _ in range(100):
        if await _mandate_status(client, secret, account_id) == 404:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the autopay of {account_id} did not end")


async def test_a_mandate_ends_when_the_account_changes_to_the_other_payment_mode(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    postpaid, card = await _card(served, settings, token_signer, "postpaid")
    kept, kept_card = await _card(served, settings, token_signer, "prepaid")
    assert (await _put(served, token_signer, postpaid, card, mode="invoice")).status_code == 200
    assert (await _put(served, token_signer, kept, kept_card, **THRESHOLD)).status_code == 200
    await publish_event(settings.amqp_url, AccountUpdated.model_validate(
        {"account_id": kept, "customer_name": "Ion Popescu", "payment_mode": "prepaid"}))
    changed = AccountUpdated.model_validate({"account_id": postpaid, "payment_mode": "prepaid"})
    event_id = str(uuid.uuid4())
    for _ in range(2):  # a redelivery is handled once
        await publish_event(settings.amqp_url, changed, event_id=event_id)
    await _until_ended(served, token_signer, postpaid)
    assert await _mandate_status(served, token_signer, kept) == 200
    ended = [r for r in await audit_rows(served, "account", postpaid) if r["action"] == "autopay.ended"]
    assert [(r["before"]["mode"], r["after"]["reason"]) for r in ended] == [
        ("invoice", "the account became prepaid")]
    now_prepaid = await _put(served, token_signer, postpaid, card, mode="invoice")
    assert now_prepaid.status_code == 422
    assert (await _put(served, token_signer, postpaid, card, **THRESHOLD)).status_code == 200
