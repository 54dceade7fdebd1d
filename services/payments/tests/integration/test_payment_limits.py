"""``GET /v1/payment-limits``: the bounds of each kind of payment per currency, for operators
and subscribers, and card payments refused outside the very bounds it publishes."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import httpx
import pytest
from payments.settings import LimitSetting, PaymentsSettings
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

from ..conftest import MakeServed
from .world import card_body, subscriber

KINDS = {"invoice", "advance", "topup", "another"}


async def _mdl_account(client: httpx.AsyncClient, amqp_url: str, signer: TokenSigner) -> str:
    """An MDL account known to the replica, probed with a payment reference of its own."""
    account_id = str(uuid.uuid4())
    await publish_event(amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language="ro", bill_delivery={"medium": "ebill"}))
    body = {"account_id": account_id, "amount": "1.00", "currency": "MDL", "channel": "cash",
            "reference": f"probe-{account_id}"}
    for _ in range(200):
        answer = await client.post("/v1/payments/offline", json=body,
                                   headers=bearer(signer, Role.PARTNER))
        if answer.status_code == 201:
            return account_id
        await asyncio.sleep(0.05)
    raise AssertionError(answer.text)


@pytest.mark.parametrize("currency", ["RON", "MDL", "BYN", "RUB", "EUR"])
async def test_each_default_currency_has_bounds_per_kind(
    client: httpx.AsyncClient, token_signer: TokenSigner, currency: str
) -> None:
    answer = await client.get("/v1/payment-limits", params={"currency": currency},
                              headers=subscriber(token_signer, "account-1"))
    assert answer.status_code == 200, answer.text
    limits = answer.json()
    assert limits["currency"] == currency and set(limits) - {"currency"} == KINDS
    assert all(0 < float(limits[k]["min"]) < float(limits[k]["max"]) for k in KINDS)


async def test_the_policy_figures_are_published(client: httpx.AsyncClient,
                                                token_signer: TokenSigner) -> None:
    ron = (await client.get("/v1/payment-limits?currency=RON", headers=bearer(token_signer))).json()
    eur = (await client.get("/v1/payment-limits?currency=EUR", headers=bearer(token_signer))).json()
    assert ron["advance"]["max"] == "5000.00"
    assert eur["topup"] == {"min": "5.00", "max": "100.00"}


@pytest.mark.parametrize(("currency", "status", "slug"), [
    ("GBP", 404, "unknown-limit-currency"), ("ZZZ", 422, "invalid-input"),
    ("mdl", 422, "invalid-input"), ("M\u0000L", 422, "invalid-input"), ("", 422, "invalid-input")])
async def test_a_currency_without_limits_or_no_currency_is_a_problem(
    client: httpx.AsyncClient, token_signer: TokenSigner, currency: str, status: int, slug: str
) -> None:
    answer = await client.get("/v1/payment-limits", params={"currency": currency},
                              headers=bearer(token_signer))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"].endswith(f"/{slug}")


@pytest.mark.parametrize(("role", "status"), [
    (Role.OPERATOR, 200), (Role.SUBSCRIBER, 200), (Role.PARTNER, 403), (None, 401)])
async def test_operators_and_subscribers_read_the_limits(
    client: httpx.AsyncClient, token_signer: TokenSigner, role: Role | None, status: int
) -> None:
    headers = {} if role is None else bearer(token_signer, role, account_id="account-1")
    answer = await client.get("/v1/payment-limits?currency=MDL", headers=headers)
    assert answer.status_code == status, answer.text


async def test_an_operators_override_is_published_and_enforced(
    make_payments: MakeServed, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    served = await make_payments(
        limits={"MDL": {"advance": LimitSetting(min=Decimal("7.00"), max=Decimal("70.00"))}})
    limits = (await served.get("/v1/payment-limits?currency=MDL",
                               headers=bearer(token_signer))).json()
    assert limits["advance"] == {"min": "7.00", "max": "70.00"}
    account = await _mdl_account(served, settings.amqp_url, token_signer)
    me = subscriber(token_signer, account)
    answers = [(await served.post("/v1/payments", json=card_body(account, amount, "MDL"),
                                  headers=me)).status_code
               for amount in ("6.99", "7.00", "70.00", "70.01")]
    assert answers == [422, 201, 201, 422]


async def test_paying_for_another_account_stops_at_its_published_bound(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    limits = (await served.get("/v1/payment-limits?currency=MDL",
                               headers=bearer(token_signer))).json()
    above = f"{float(limits['another']['max']) + 0.01:.2f}"
    mine = await _mdl_account(served, settings.amqp_url, token_signer)
    theirs = await _mdl_account(served, settings.amqp_url, token_signer)
    me = subscriber(token_signer, mine)
    for_them = await served.post("/v1/payments", json=card_body(theirs, above, "MDL"), headers=me)
    for_me = await served.post("/v1/payments", json=card_body(mine, above, "MDL"), headers=me)
    assert (for_them.status_code, for_me.status_code) == (422, 201), for_them.text
    assert for_them.json()["type"].endswith("/payment-limit")
