"""Card payments through the sandbox gateway's hosted page, confirmed only by the gateway (P1–P4).

The sandbox runs as its own process; payments is served on a real port so that the gateway's
signed webhooks reach it over HTTP.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .world import (
    RETURN_URL,
    card_body,
    gateway_session,
    open_account,
    pay_on_page,
    settled,
    signed,
    subscriber,
)

SUCCEEDED, FAILED = "payments.payment.succeeded", "payments.payment.failed"


async def test_hosted_page_then_signed_webhook_confirms_the_payment(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner, sandbox: str
) -> None:
    async with tap_events(settings.amqp_url, [SUCCEEDED]) as tap:
        account_id = await open_account(served, settings.amqp_url, token_signer)
        me = subscriber(token_signer, account_id)
        started = await served.post("/v1/payments", json=card_body(account_id, "150.50"), headers=me)
        assert started.status_code == 201, started.text
        payment = started.json()
        assert payment["status"] == "requires_action"
        assert payment["redirect_url"].startswith(f"{sandbox}/pay/")
        back = await pay_on_page(payment["redirect_url"], "success")
        [event] = await tap.wait_for(SUCCEEDED, payment_id=payment["id"])
    assert back.status_code == 303
    assert back.headers["location"].startswith(RETURN_URL + "&order_id=" + payment["id"])
    assert event.data | {"channel": "card", "amount": "150.50", "account_id": account_id,
                         "payer": f"account:{account_id}", "purpose": "advance"} == event.data
    read = (await served.get(f"/v1/payments/{payment['id']}", headers=me)).json()
    assert (read["status"], read["payer"], read["beneficiary"]) == (
        "succeeded", f"account:{account_id}", account_id)


async def test_decline_and_failed_3ds_fail_the_payment_with_the_reason(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    async with tap_events(settings.amqp_url, [FAILED]) as tap:
        account_id = await open_account(served, settings.amqp_url, token_signer)
        me = subscriber(token_signer, account_id)
        reasons = {}
        for outcome in ("decline", "3ds_fail"):
            payment = (await served.post("/v1/payments", json=card_body(account_id, "20.00"),
                                         headers=me)).json()
            await pay_on_page(payment["redirect_url"], outcome)
            [event] = await tap.wait_for(FAILED, payment_id=payment["id"])
            reasons[outcome] = event.data["reason"]
            assert (await settled(served, payment["id"], me))["status"] == "failed"
    assert reasons == {"decline": "card_declined", "3ds_fail": "3ds_authentication_failed"}


async def test_status_api_confirms_when_no_webhook_arrives_and_the_browser_return_does_not(
    make_payments: Callable[..., Awaitable[httpx.AsyncClient]], settings: PaymentsSettings,
    token_signer: TokenSigner,
) -> None:
    deaf = await make_payments(reachable=False)
    async with tap_events(settings.amqp_url, [SUCCEEDED]) as tap:
        account_id = await open_account(deaf, settings.amqp_url, token_signer)
        me = subscriber(token_signer, account_id)
        payment = (await deaf.post("/v1/payments", json=card_body(account_id, "10.00"),
                                   headers=me)).json()
        pending = (await deaf.get(f"/v1/payments/{payment['id']}", headers=me)).json()
        back = await pay_on_page(payment["redirect_url"], "success")
        confirmed = await settled(deaf, payment["id"], me)
        await tap.wait_for(SUCCEEDED, payment_id=payment["id"])
    assert pending["status"] == "requires_action"
    assert back.status_code == 303
    assert confirmed["status"] == "succeeded"


async def test_forged_webhook_is_refused_and_a_replayed_one_applies_once(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner, sandbox: str,
    gateway_secret: str,
) -> None:
    async with tap_events(settings.amqp_url, [SUCCEEDED]) as tap:
        account_id = await open_account(served, settings.amqp_url, token_signer)
        me = subscriber(token_signer, account_id)
        payment = (await served.post("/v1/payments", json=card_body(account_id, "30.00"),
                                     headers=me)).json()
        ref = payment["redirect_url"].rsplit("/", 1)[1]
        forged_data = await gateway_session(sandbox, gateway_secret, ref) | {"status": "succeeded"}
        forged = await _webhook(served, {"id": "evt_forged", "data": forged_data}, "x" * 32)
        unsigned = await served.post("/v1/webhooks/sandbox", json={"id": "e", "data": forged_data})
        await pay_on_page(payment["redirect_url"], "success")
        await tap.wait_for(SUCCEEDED, payment_id=payment["id"])
        real = {"id": f"evt_{uuid.uuid4().hex}", "data": await gateway_session(sandbox, gateway_secret, ref)}
        replies = [await _webhook(served, real, gateway_secret) for _ in range(2)]
        another = await _webhook(served, real | {"id": "evt_other"}, gateway_secret)
        later = (await served.post("/v1/payments/offline", headers=bearer(token_signer, Role.PARTNER),
                                   json={"account_id": account_id, "amount": "1.00", "currency": "RON",
                                         "channel": "cash", "reference": "after"})).json()
        await tap.wait_for(SUCCEEDED, payment_id=later["id"])
    assert forged.status_code == unsigned.status_code == 401
    assert forged.headers["content-type"] == "application/problem+json"
    assert [r.json()["duplicate"] for r in replies] == [False, True]
    assert another.status_code == 200
    assert len([e for e in tap.events if e.data["payment_id"] == payment["id"]]) == 1


async def _webhook(client: httpx.AsyncClient, document: dict[str, object], secret: str) -> httpx.Response:
    body, headers = signed(document, secret)
    return await client.post("/v1/webhooks/sandbox", content=body, headers=headers)


async def test_limits_per_currency_and_purpose(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    ron = await open_account(served, settings.amqp_url, token_signer)
    eur = await open_account(served, settings.amqp_url, token_signer, currency="EUR")
    operator = bearer(token_signer)
    cases = [(card_body(ron, "5000.01"), 422), (card_body(ron, "5000.00"), 201),
             (card_body(eur, "4.99", "EUR", purpose="topup"), 422),
             (card_body(eur, "100.01", "EUR", purpose="topup"), 422),
             (card_body(eur, "5.00", "EUR", purpose="topup"), 201),
             (card_body(eur, "500.00", "EUR"), 201), (card_body(ron, "10.00", "EUR"), 422),
             (card_body(ron, "0.00"), 422), (card_body(ron, "-1.00"), 422),
             (card_body(ron, "1.001"), 422), (card_body(ron, "10.00", purpose="invoice"), 422),
             (card_body(ron, "10.00") | {"return_url": "javascript:alert(1)"}, 422),
             (card_body("nobody", "10.00"), 422)]
    answers = [(await served.post("/v1/payments", json=body, headers=operator)).status_code
               for body, _ in cases]
    assert answers == [status for _, status in cases]
    refused = await served.post("/v1/payments", json=card_body(ron, "5000.01"), headers=operator)
    assert refused.json()["type"] == "https://tarifa.dev/problems/payment-limit"


async def test_paying_for_another_subscriber_by_phone_number_records_payer_and_beneficiary(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    async with tap_events(settings.amqp_url, [SUCCEEDED]) as tap:
        payer = await open_account(served, settings.amqp_url, token_signer)
        msisdn = f"+4072{uuid.uuid4().int % 10**7:07d}"
        beneficiary = await open_account(served, settings.amqp_url, token_signer, msisdn=msisdn)
        me = subscriber(token_signer, payer)
        body = {"msisdn": msisdn, "amount": "25.00", "currency": "RON", "purpose": "advance",
                "return_url": RETURN_URL}
        payment = (await served.post("/v1/payments", json=body, headers=me)).json()
        await pay_on_page(payment["redirect_url"], "success")
        [event] = await tap.wait_for(SUCCEEDED, payment_id=payment["id"])
    assert (event.data["account_id"], event.data["payer"]) == (beneficiary, f"account:{payer}")
    for reader in (me, subscriber(token_signer, beneficiary), bearer(token_signer)):
        read = (await served.get(f"/v1/payments/{payment['id']}", headers=reader)).json()
        assert (read["payer"], read["beneficiary"]) == (f"account:{payer}", beneficiary)
    stranger = subscriber(token_signer, str(uuid.uuid4()))
    assert (await served.get(f"/v1/payments/{payment['id']}", headers=stranger)).status_code == 404


async def test_same_idempotency_key_starts_one_payment(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await open_account(served, settings.amqp_url, token_signer)
    headers = subscriber(token_signer, account_id) | {"Idempotency-Key": "card-1"}
    first = await served.post("/v1/payments", json=card_body(account_id, "12.00"), headers=headers)
    again = await served.post("/v1/payments", json=card_body(account_id, "12.00"), headers=headers)
    other = await served.post("/v1/payments", json=card_body(account_id, "13.00"), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 422


async def test_auth_roles_and_unknowns_answer_problems(
    served: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    body = card_body("a", "10.00")
    answers = {
        "no token": await served.post("/v1/payments", json=body),
        "partner": await served.post("/v1/payments", json=body, headers=bearer(token_signer, Role.PARTNER)),
        "unknown payment": await served.get("/v1/payments/nope", headers=bearer(token_signer)),
        "unknown gateway": await served.post("/v1/webhooks/paypalish", content=b"{}"),
    }
    assert {k: r.status_code for k, r in answers.items()} == {
        "no token": 401, "partner": 403, "unknown payment": 404, "unknown gateway": 404}
    assert {r.headers["content-type"] for r in answers.values()} == {"application/problem+json"}
