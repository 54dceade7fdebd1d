"""Refunds: partial and full, never more than paid minus refunded, card ones via the gateway (P8)."""

from __future__ import annotations

import httpx
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .world import card_body, gateway_session, open_account, pay_on_page, subscriber

SUCCEEDED, REFUNDED = "payments.payment.succeeded", "payments.refund.succeeded"


async def _paid_by_card(client: httpx.AsyncClient, settings: PaymentsSettings, secret: str,
                        amount: str) -> tuple[str, dict[str, str]]:
    """A card payment of ``amount`` confirmed by the gateway; its id and the account."""
    async with tap_events(settings.amqp_url, [SUCCEEDED]) as tap:
        account_id = await open_account(client, settings.amqp_url, secret)
        payment = (await client.post("/v1/payments", json=card_body(account_id, amount),
                                     headers=subscriber(secret, account_id))).json()
        await pay_on_page(payment["redirect_url"], "success")
        await tap.wait_for(SUCCEEDED, payment_id=payment["id"])
    return account_id, payment


async def test_partial_then_full_refund_and_never_more_than_paid(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner, sandbox: str,
    gateway_secret: str,
) -> None:
    account_id, payment = await _paid_by_card(served, settings, token_signer, "100.00")
    url, operator = f"/v1/payments/{payment['id']}/refunds", bearer(token_signer)
    async with tap_events(settings.amqp_url, [REFUNDED]) as tap:
        partial = await served.post(url, json={"amount": "30.00", "reason": "overpaid"}, headers=operator)
        over = await served.post(url, json={"amount": "70.01", "reason": "too much"}, headers=operator)
        rest = await served.post(url, json={"amount": "70.00", "reason": "closing"}, headers=operator)
        after = await served.post(url, json={"amount": "0.01", "reason": "nothing left"},
                                  headers=operator)
        events = await tap.wait_for(REFUNDED, count=2, payment_id=payment["id"])
    assert [r.status_code for r in (partial, over, rest, after)] == [201, 422, 201, 422]
    assert sorted(e.data["amount"] for e in events) == ["30.00", "70.00"]
    assert {e.data["account_id"] for e in events} == {account_id}
    read = (await served.get(f"/v1/payments/{payment['id']}", headers=operator)).json()
    ref = payment["redirect_url"].rsplit("/", 1)[1]
    assert (read["refunded"], (await gateway_session(sandbox, gateway_secret, ref))["refunded"]) == (
        "100.00", "100.00")


async def test_offline_payment_is_refunded_without_a_gateway_and_keys_repeat_the_answer(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await open_account(served, settings.amqp_url, token_signer)
    paid = (await served.post("/v1/payments/offline", headers=bearer(token_signer, Role.PARTNER), json={
        "account_id": account_id, "amount": "40.00", "currency": "RON", "channel": "cash",
        "reference": "C-1"})).json()
    headers = bearer(token_signer) | {"Idempotency-Key": "refund-1"}
    url = f"/v1/payments/{paid['id']}/refunds"
    first = await served.post(url, json={"amount": "40.00", "reason": "wrong account"}, headers=headers)
    again = await served.post(url, json={"amount": "40.00", "reason": "wrong account"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    read = (await served.get(f"/v1/payments/{paid['id']}", headers=bearer(token_signer))).json()
    assert read["refunded"] == "40.00"


async def test_refunds_are_for_operators_and_known_successful_payments(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await open_account(served, settings.amqp_url, token_signer)
    pending = (await served.post("/v1/payments", json=card_body(account_id, "9.00"),
                                 headers=subscriber(token_signer, account_id))).json()
    body = {"amount": "1.00", "reason": "r"}
    answers = [
        await served.post(f"/v1/payments/{pending['id']}/refunds", json=body),
        await served.post(f"/v1/payments/{pending['id']}/refunds", json=body,
                          headers=subscriber(token_signer, account_id)),
        await served.post("/v1/payments/nope/refunds", json=body, headers=bearer(token_signer)),
        await served.post(f"/v1/payments/{pending['id']}/refunds", json=body,
                          headers=bearer(token_signer)),
    ]
    assert [r.status_code for r in answers] == [401, 403, 404, 422]
    assert {r.headers["content-type"] for r in answers} == {"application/problem+json"}
