"""The payments audit trail over HTTP: an offline payment and its refund with their actors,
before and after and correlation id; a refused refund leaves no row."""

from __future__ import annotations

import httpx
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.audit import audit_rows, correlated
from tarifa.tokens import TokenSigner

from .world import open_account


async def _paid(client: httpx.AsyncClient, settings: PaymentsSettings, secret: str) -> str:
    account_id = await open_account(client, settings.amqp_url, secret)
    paid = await client.post("/v1/payments/offline", headers=bearer(secret, Role.PARTNER), json={
        "account_id": account_id, "amount": "40.00", "currency": "RON", "channel": "cash",
        "reference": "A-1"})
    assert paid.status_code == 201, paid.text
    payment_id: str = paid.json()["id"]
    return payment_id


async def test_a_refund_is_audited_with_its_operator_and_a_refused_one_is_not(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    payment_id = await _paid(served, settings, token_signer)
    correlation_id, header = correlated()
    url, operator = f"/v1/payments/{payment_id}/refunds", bearer(token_signer) | header
    over = await served.post(url, json={"amount": "40.01", "reason": "too much"}, headers=operator)
    assert over.status_code == 422, over.text
    refund = await served.post(url, json={"amount": "15.00", "reason": "overpaid"}, headers=operator)
    assert refund.status_code == 201, refund.text
    registered, refunded = await audit_rows(served, "payment", payment_id)
    assert (registered["action"], registered["actor"]) == (
        "payment.registered", {"subject": "test-partner", "role": "partner"})
    assert registered["after"]["amount"] == "40.00"
    assert (refunded["action"], refunded["actor"]) == (
        "payment.refunded", {"subject": "test-operator", "role": "operator"})
    assert refunded["correlation_id"] == correlation_id
    assert refunded["before"]["payment"]["refunded"] == "0"
    assert refunded["after"]["payment"]["refunded"] == "15.00"
    assert refunded["after"]["refund"]["id"] == refund.json()["id"]


async def test_an_offline_payment_is_audited_once_under_its_correlation_id(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await open_account(served, settings.amqp_url, token_signer)
    correlation_id, header = correlated()
    body = {"account_id": account_id, "amount": "40.00", "currency": "RON", "channel": "cash",
            "reference": "A-2"}
    partner = bearer(token_signer, Role.PARTNER) | header
    first = await served.post("/v1/payments/offline", headers=partner, json=body)
    again = await served.post("/v1/payments/offline", headers=partner, json=body)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    (registered,) = await audit_rows(served, "payment", first.json()["id"])
    assert (registered["action"], registered["correlation_id"]) == (
        "payment.registered", correlation_id)
    assert registered["before"] is None and registered["after"]["reference"] == "A-2"
