"""Customers and accounts on the real PostgreSQL and RabbitMQ."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from accounts.settings import AccountsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

NewAccount = Callable[..., Awaitable[str]]


async def _customer(client: httpx.AsyncClient, operator: dict[str, str],
                    body: dict[str, str]) -> str:
    response = await client.post("/v1/customers", json=body, headers=operator)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_a_customer_is_created_and_read_back(
    client: httpx.AsyncClient, operator: dict[str, str], person: dict[str, str]
) -> None:
    created = await client.post("/v1/customers", json=person, headers=operator)
    assert created.status_code == 201
    read = await client.get(f"/v1/customers/{created.json()['id']}", headers=operator)
    assert read.status_code == 200
    assert read.json() == created.json()
    assert {k: read.json()[k] for k in person} == person


async def test_an_account_opens_for_a_customer_and_is_announced(
    client: httpx.AsyncClient, operator: dict[str, str], person: dict[str, str], settings: AccountsSettings
) -> None:
    customer_id = await _customer(client, operator, person)
    body = {"customer_id": customer_id, "payment_mode": "postpaid", "currency": "MDL",
            "timezone": "Europe/Chisinau", "bill_delivery": {"medium": "ebill"}}
    async with tap_events(settings.amqp_url, ["accounts.account.opened"]) as tap:
        created = await client.post("/v1/accounts", json=body, headers=operator)
        assert created.status_code == 201, created.text
        account_id = created.json()["id"]
        [event] = await tap.wait_for("accounts.account.opened", account_id=account_id)
    read = await client.get(f"/v1/accounts/{account_id}", headers=operator)
    assert read.json() == created.json()
    assert read.json()["balance"] == "0.00" and read.json()["status"] == "active"
    assert read.json()["promised_payment"] is None and read.json()["suspension"] is None
    assert read.json()["bill_delivery"]["email"] == person["email"]
    assert event.subject == account_id
    assert {k: event.data[k] for k in ("customer_id", "currency", "timezone", "language",
                                       "email", "phone", "address")} == {
        "customer_id": customer_id, "currency": "MDL", "timezone": "Europe/Chisinau",
        "language": "ro", "email": person["email"], "phone": person["phone"],
        "address": person["address"]}
    assert event.data["customer_name"] == person["name"]
    assert event.data["bill_delivery"]["medium"] == "ebill"


async def test_paper_bills_go_to_the_customer_address_unless_another_is_given(
    client: httpx.AsyncClient, operator: dict[str, str], person: dict[str, str], new_account: NewAccount
) -> None:
    own = await new_account(bill_delivery={"medium": "paper"})
    other = await new_account(bill_delivery={"medium": "paper", "address": "Bălți, str. Independenței 5"})
    delivery = [(await client.get(f"/v1/accounts/{a}", headers=operator)).json()["bill_delivery"]
                for a in (own, other)]
    assert [d["address"] for d in delivery] == [person["address"], "Bălți, str. Independenței 5"]


@pytest.mark.parametrize("change", [
    {"currency": "EURO"}, {"currency": "eur"}, {"currency": "12A"},
    {"timezone": "Mars/Olympus"}, {"timezone": "../../etc/passwd"}, {"timezone": ""},
    {"customer_id": "nobody"}, {"payment_mode": "credit"},
    {"bill_delivery": {"medium": "fax"}}, {"bill_delivery": {"medium": "ebill", "email": "x"}},
])
async def test_bad_accounts_are_refused_as_problems(
    client: httpx.AsyncClient, operator: dict[str, str], person: dict[str, str], change: dict[str, Any]
) -> None:
    customer_id = await _customer(client, operator, person)
    body = {"customer_id": customer_id, "payment_mode": "prepaid", "currency": "EUR",
            "timezone": "Europe/Bucharest", "bill_delivery": {"medium": "ebill"}} | change
    response = await client.post("/v1/accounts", json=body, headers=operator)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].startswith("https://tarifa.dev/problems/")


async def test_an_ebill_without_any_email_is_refused(
    client: httpx.AsyncClient, operator: dict[str, str], person: dict[str, str]
) -> None:
    customer = {k: v for k, v in person.items() if k != "email"}
    created = await client.post("/v1/customers", json=customer, headers=operator)
    body = {"customer_id": created.json()["id"], "payment_mode": "prepaid", "currency": "EUR",
            "timezone": "Europe/Bucharest", "bill_delivery": {"medium": "ebill"}}
    response = await client.post("/v1/accounts", json=body, headers=operator)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "bill_delivery.email"


@pytest.mark.parametrize("change", [
    {"kind": "robot"}, {"language": "de"}, {"email": "not-an-email"}, {"phone": "12"},
    {"phone": "+0123456789"}, {"name": ""}, {"unknown": "field"},
])
async def test_bad_customers_are_refused_as_problems(
    client: httpx.AsyncClient, operator: dict[str, str], person: dict[str, str], change: dict[str, Any]
) -> None:
    response = await client.post("/v1/customers", json=person | change, headers=operator)
    assert response.status_code == 422, change
    assert response.headers["content-type"] == "application/problem+json"


async def test_calls_need_a_token_and_the_right_role(client: httpx.AsyncClient, token_signer: TokenSigner,
                                                     person: dict[str, str]) -> None:
    assert (await client.post("/v1/customers", json=person)).status_code == 401
    assert (await client.get("/v1/accounts/a")).status_code == 401
    partner = bearer(token_signer, Role.PARTNER)
    response = await client.post("/v1/customers", json=person, headers=partner)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_subscriber_reads_only_its_own_account(
    client: httpx.AsyncClient, token_signer: TokenSigner, new_account: NewAccount
) -> None:
    mine, theirs = await new_account(), await new_account()
    subscriber = bearer(token_signer, Role.SUBSCRIBER, account_id=mine)
    assert (await client.get(f"/v1/accounts/{mine}", headers=subscriber)).status_code == 200
    for path in (f"/v1/accounts/{theirs}", f"/v1/accounts/{theirs}/lines"):
        response = await client.get(path, headers=subscriber)
        assert response.status_code == 404, path
    assert (await client.get("/v1/accounts/nobody", headers=bearer(token_signer))).status_code == 404
