"""Profile changes: a subscriber's contact data, an operator's name and kind, each audited with
before and after and announced to the replicas of every account of the customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from accounts.settings import AccountsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .conftest import CUSTOMER

Problem = Callable[[httpx.Response, int], str]
UPDATED = "accounts.account.updated"


async def _customer_with_accounts(client: httpx.AsyncClient, operator: dict[str, str],
                                  *deliveries: dict[str, Any]) -> tuple[str, list[str]]:
    customer = await client.post("/v1/customers", json=CUSTOMER, headers=operator)
    assert customer.status_code == 201, customer.text
    accounts = []
    for delivery in deliveries:
        account = await client.post("/v1/accounts", headers=operator, json={
            "customer_id": customer.json()["id"], "payment_mode": "postpaid", "currency": "MDL",
            "timezone": "Europe/Chisinau", "bill_delivery": delivery})
        assert account.status_code == 201, account.text
        accounts.append(account.json()["id"])
    return customer.json()["id"], accounts


async def _audit(settings: AccountsSettings, target_id: str) -> list[dict[str, Any]]:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT action, actor, actor_role, before, after FROM audit "
                "WHERE target_id = :id ORDER BY id"), {"id": target_id})
            return [dict(row) for row in rows.mappings()]
    finally:
        await engine.dispose()


async def test_a_subscriber_changes_its_contact_data_and_every_account_hears_of_it(
    client: httpx.AsyncClient, operator: dict[str, str], token_signer: TokenSigner,
    settings: AccountsSettings,
) -> None:
    customer_id, (ebill, paper) = await _customer_with_accounts(
        client, operator, {"medium": "ebill"}, {"medium": "paper"})
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=ebill)
    change = {"email": "ion.popescu@mail.md", "phone": "+37369123456",
              "address": "bd. Dacia 10, Chișinău", "language": "ru"}
    async with tap_events(settings.amqp_url, [UPDATED]) as tap:
        response = await client.patch(f"/v1/accounts/{ebill}/profile", json=change, headers=own)
        assert response.status_code == 200, response.text
        updates = [*await tap.wait_for(UPDATED, subject=ebill),
                   *await tap.wait_for(UPDATED, subject=paper)]
    assert response.json() == {"id": customer_id, "kind": "person", "name": "Ion Popescu"} | change
    profile = {"customer_name": "Ion Popescu", "customer_kind": "person"} | change
    by_account = {event.subject: event.data for event in updates}
    assert set(by_account) == {ebill, paper}
    for account_id, data in by_account.items():
        assert {key: data[key] for key in profile} == profile
        assert data["account_id"] == account_id
    assert by_account[ebill]["bill_delivery"]["email"] == "ion.popescu@mail.md"
    assert by_account[paper]["bill_delivery"]["address"] == "bd. Dacia 10, Chișinău"
    read = (await client.get(f"/v1/accounts/{paper}", headers=operator)).json()
    assert read["bill_delivery"]["address"] == "bd. Dacia 10, Chișinău"
    assert (await client.get(f"/v1/accounts/{ebill}/profile", headers=own)).json() == \
        response.json()
    [row] = (await _audit(settings, customer_id))[1:]
    assert (row["action"], row["actor_role"]) == ("customer.updated", "subscriber")
    assert (row["before"]["email"], row["after"]["email"]) == ("ion@example.md",
                                                               "ion.popescu@mail.md")
    assert (row["before"]["language"], row["after"]["language"]) == ("ro", "ru")
    delivery = [r for r in await _audit(settings, paper)
                if r["action"] == "account.bill_delivery_changed"]
    assert delivery[0]["after"]["to"]["address"] == "bd. Dacia 10, Chișinău"


async def test_a_bill_destination_of_its_own_stays_when_the_details_change(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
) -> None:
    _, [account_id] = await _customer_with_accounts(
        client, operator, {"medium": "ebill", "email": "bills@firm.md"})
    async with tap_events(settings.amqp_url, [UPDATED]) as tap:
        response = await client.patch(f"/v1/accounts/{account_id}/profile",
                                      json={"email": "ion@mail.md"}, headers=operator)
        assert response.status_code == 200, response.text
        [update] = await tap.wait_for(UPDATED, account_id=account_id)
    assert update.data.get("bill_delivery") is None
    read = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
    assert read["bill_delivery"]["email"] == "bills@firm.md"


async def test_an_operator_changes_name_and_kind_and_a_subscriber_may_not(
    client: httpx.AsyncClient, operator: dict[str, str], token_signer: TokenSigner,
    settings: AccountsSettings, problem: Problem,
) -> None:
    customer_id, [account_id] = await _customer_with_accounts(client, operator, {"medium": "ebill"})
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    for body in ({"name": "SRL Popescu"}, {"kind": "business"}):
        problem(await client.patch(f"/v1/accounts/{account_id}/profile", json=body,
                                   headers=own), 422)
    problem(await client.patch(f"/v1/customers/{customer_id}", json={"name": "X"},
                               headers=own), 403)
    async with tap_events(settings.amqp_url, [UPDATED]) as tap:
        response = await client.patch(f"/v1/customers/{customer_id}", headers=operator,
                                      json={"name": "Popescu SRL", "kind": "business"})
        assert response.status_code == 200, response.text
        [update] = await tap.wait_for(UPDATED, account_id=account_id)
    assert (update.data["customer_name"], update.data["customer_kind"]) == ("Popescu SRL",
                                                                           "business")
    assert update.data["email"] == "ion@example.md"
    row = (await _audit(settings, customer_id))[-1]
    assert (row["action"], row["actor_role"]) == ("customer.updated", "operator")
    assert (row["before"]["name"], row["after"]["name"]) == ("Ion Popescu", "Popescu SRL")
    assert (row["before"]["kind"], row["after"]["kind"]) == ("person", "business")


async def test_an_unchanged_profile_is_neither_audited_nor_announced(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
) -> None:
    customer_id, [account_id] = await _customer_with_accounts(client, operator, {"medium": "ebill"})
    async with tap_events(settings.amqp_url, [UPDATED]) as tap:
        same = await client.patch(f"/v1/accounts/{account_id}/profile", headers=operator,
                                  json={"email": CUSTOMER["email"], "language": "ro"})
        assert same.status_code == 200, same.text
        changed = await client.patch(f"/v1/accounts/{account_id}/profile", headers=operator,
                                     json={"phone": None})
        [update] = await tap.wait_for(UPDATED, account_id=account_id)
    assert changed.json()["phone"] is None and update.data["phone"] is None
    actions = [row["action"] for row in await _audit(settings, customer_id)]
    assert actions == ["customer.created", "customer.updated"]


@pytest.mark.parametrize("body", [
    {"email": "not-an-email"}, {"email": "ion@mail.md\u0000"}, {"phone": "069123456"},
    {"phone": "+0123456789"}, {"phone": "+3736912345678901"}, {"language": "de"},
    {"language": None}, {"address": "str. 1\u001b[2J"}, {"address": ""}, {"email": 42},
    {"colour": "red"},
])
async def test_bad_contact_data_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    problem: Problem, body: dict[str, Any],
) -> None:
    customer_id, [account_id] = await _customer_with_accounts(client, operator, {"medium": "ebill"})
    problem(await client.patch(f"/v1/accounts/{account_id}/profile", json=body,
                               headers=operator), 422)
    problem(await client.patch(f"/v1/customers/{customer_id}", json=body, headers=operator), 422)
    problem(await client.patch(f"/v1/customers/{customer_id}", json={"name": " "},
                               headers=operator), 422)
    problem(await client.patch(f"/v1/customers/{customer_id}", json={"kind": "robot"},
                               headers=operator), 422)
    read = (await client.get(f"/v1/customers/{customer_id}", headers=operator)).json()
    assert read == {"id": customer_id, **CUSTOMER}
    assert [row["action"] for row in await _audit(settings, customer_id)] == ["customer.created"]


async def test_unknown_customers_and_other_accounts_are_not_found(
    client: httpx.AsyncClient, operator: dict[str, str], token_signer: TokenSigner,
    problem: Problem,
) -> None:
    _, [mine] = await _customer_with_accounts(client, operator, {"medium": "ebill"})
    other = bearer(token_signer, Role.SUBSCRIBER, account_id="another")
    problem(await client.patch(f"/v1/accounts/{mine}/profile", json={"language": "en"},
                               headers=other), 404)
    problem(await client.patch("/v1/customers/nobody", json={"name": "X"}, headers=operator), 404)
    problem(await client.patch("/v1/accounts/nobody/profile", json={"language": "en"},
                               headers=operator), 404)
