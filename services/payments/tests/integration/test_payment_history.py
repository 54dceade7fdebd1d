"""An account's payment history: every channel and status, newest first, a page at a time, with
what it paid for other accounts and what was refunded."""

from __future__ import annotations

import asyncio
import base64
import uuid
from typing import Any

import httpx
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

from .world import card_body, pay_on_page, settled, subscriber


async def _account(client: httpx.AsyncClient, settings: PaymentsSettings, signer: TokenSigner) -> str:
    """An MDL account the payments replica knows, with no payment yet."""
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language="ro", bill_delivery={"medium": "ebill"}))
    for _ in range(200):
        if (await _history(client, signer, account_id)).status_code == 200:
            return account_id
        await asyncio.sleep(0.05)
    raise AssertionError(f"payments never learnt account {account_id}")


async def _history(client: httpx.AsyncClient, signer: TokenSigner, account_id: str,
                   headers: dict[str, str] | None = None, **params: Any) -> httpx.Response:
    return await client.get(f"/v1/accounts/{account_id}/payments", params=params,
                            headers=headers or bearer(signer, Role.OPERATOR))


async def _offline(client: httpx.AsyncClient, signer: TokenSigner, account_id: str, amount: str,
                   channel: str, role: Role = Role.PARTNER) -> dict[str, Any]:
    body = {"account_id": account_id, "amount": amount, "currency": "MDL", "channel": channel,
            "reference": f"{channel}-{uuid.uuid4().hex[:8]}"}
    response = await client.post("/v1/payments/offline", json=body, headers=bearer(signer, role))
    assert response.status_code == 201, response.text
    paid: dict[str, Any] = response.json()
    return paid


async def _refund(client: httpx.AsyncClient, signer: TokenSigner, payment_id: str, amount: str) -> None:
    response = await client.post(f"/v1/payments/{payment_id}/refunds", headers=bearer(
        signer, Role.OPERATOR), json={"amount": amount, "reason": "paid twice"})
    assert response.status_code == 201, response.text


async def _registry(client: httpx.AsyncClient, signer: TokenSigner, account_id: str) -> None:
    text = ("reference,account_or_msisdn,amount,currency,paid_at\n"
            f"reg-{uuid.uuid4().hex[:8]},{account_id},40.00,MDL,2026-02-03T10:00:00+02:00\n")
    response = await client.post("/v1/payment-registries", content=text.encode(), headers=bearer(
        signer, Role.PARTNER) | {"Content-Type": "text/csv"})
    assert response.status_code == 201 and response.json()["matched"] == 1, response.text


async def _all_pages(client: httpx.AsyncClient, signer: TokenSigner, account_id: str,
                     limit: int) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await _history(client, signer, account_id, **params)
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages


def _cursor(instant: str, payment_id: str) -> str:
    return base64.urlsafe_b64encode(f"{instant}|{payment_id}".encode()).decode()


async def test_every_channel_newest_first_with_refunds_and_payers(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await _account(client, settings, token_signer)
    cash = await _offline(client, token_signer, account_id, "100.00", "cash")
    bank = await _offline(client, token_signer, account_id, "25.50", "bank", Role.OPERATOR)
    await _registry(client, token_signer, account_id)
    await _refund(client, token_signer, cash["id"], "10.00")
    await _refund(client, token_signer, cash["id"], "5.00")
    items = (await _history(client, token_signer, account_id)).json()["items"]
    assert [(i["channel"], i["amount"], i["status"]) for i in items] == [
        ("registry", "40.00", "succeeded"), ("bank", "25.50", "succeeded"),
        ("cash", "100.00", "succeeded")]
    assert [i["id"] for i in items][1:] == [bank["id"], cash["id"]]
    assert (items[2]["refunded"], items[2]["refunds"]) == ("15.00", 2)
    assert (items[1]["refunded"], items[1]["refunds"]) == ("0.00", 0)
    assert all(i["beneficiary"] == account_id and not i["for_another"] for i in items)
    assert all(i["currency"] == "MDL" and i["created_at"] for i in items)
    assert items[1]["payer"].startswith("operator:") and items[2]["payer"].startswith("partner:")


async def test_pages_follow_each_other_without_gaps_or_repeats(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await _account(client, settings, token_signer)
    paid = [(await _offline(client, token_signer, account_id, f"{n}.00", "cash"))["id"]
            for n in range(1, 6)]
    pages = await _all_pages(client, token_signer, account_id, limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [item["id"] for page in pages for item in page] == paid[::-1]
    assert len(await _all_pages(client, token_signer, account_id, limit=5)) == 1


async def test_a_subscriber_sees_what_it_paid_for_another_account_and_the_card_statuses(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    mine = await _account(served, settings, token_signer)
    theirs = await _account(served, settings, token_signer)
    me = subscriber(token_signer, mine)
    for_them = (await served.post("/v1/payments", json=card_body(theirs, "30.00", "MDL"),
                                  headers=me)).json()
    await pay_on_page(for_them["redirect_url"], "success")
    await settled(served, for_them["id"], me)
    pending = (await served.post("/v1/payments", json=card_body(mine, "12.00", "MDL"),
                                 headers=me)).json()
    own = (await _history(served, token_signer, mine, headers=me)).json()["items"]
    assert [(i["id"], i["status"], i["for_another"], i["beneficiary"]) for i in own] == [
        (pending["id"], "requires_action", False, mine), (for_them["id"], "succeeded", True, theirs)]
    assert {i["payer"] for i in own} == {f"account:{mine}"} and own[1]["channel"] == "card"
    received = (await _history(served, token_signer, theirs)).json()["items"]
    assert [(i["id"], i["payer"], i["for_another"]) for i in received] == [
        (for_them["id"], f"account:{mine}", False)]


async def test_other_subscribers_unknown_accounts_and_bad_pages_are_problems(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await _account(client, settings, token_signer)
    other = subscriber(token_signer, str(uuid.uuid4()))
    refused = await _history(client, token_signer, account_id, headers=other)
    unknown = await _history(client, token_signer, str(uuid.uuid4()))
    assert (refused.status_code, unknown.status_code) == (404, 404)
    assert unknown.headers["content-type"] == "application/problem+json"
    for params in ({"limit": 0}, {"limit": 101}, {"cursor": "not-a-cursor"},
                   {"cursor": _cursor("no-time", "id")}, {"cursor": _cursor("2026-02-03", "id")},
                   {"cursor": _cursor("0001-01-01T00:00:00+14:00", "id")},
                   {"cursor": _cursor("2026-02-03T10:00:00+00:00", "")}, {"cursor": "x" * 401}):
        response = await _history(client, token_signer, account_id, **params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
