"""Closed accounts (issue 10) over HTTP and the real broker: once accounts announces the closure,
every payment into the account is refused with 409 ``account-closed`` except one that settles
what its last balance says it owes, less what was paid since; a registry row beyond that stays unmatched as
``account_closed``; its autopay mandate ends, audited, and a redelivered closure counts once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountClosed, BalanceChanged
from tarifa.testing.apps import bearer
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

from .world import card_body, open_account, registered_card, subscriber

HEADER = "reference,account_or_msisdn,amount,currency,paid_at"


def _msisdn() -> str:
    return f"+4076{uuid.uuid4().int % 10**7:07d}"


async def _offline(client: httpx.AsyncClient, secret: TokenSigner, msisdn: str, amount: str,
                   reference: str) -> httpx.Response:
    body = {"msisdn": msisdn, "amount": amount, "currency": "RON", "channel": "cash",
            "reference": reference}
    return await client.post("/v1/payments/offline", json=body, headers=bearer(secret, Role.PARTNER))


async def _until(client: httpx.AsyncClient, secret: TokenSigner, msisdn: str, amount: str,
                 status: int) -> httpx.Response:
    """The offline payment of ``amount`` once it answers ``status`` (the event was consumed)."""
    reference = f"probe-{uuid.uuid4()}"
    for _ in range(200):
        response = await _offline(client, secret, msisdn, amount, reference)
        if response.status_code == status:
            return response
        await asyncio.sleep(0.05)
    raise AssertionError(f"payments never answered {status}: {response.text}")


async def _closed_account(client: httpx.AsyncClient, settings: PaymentsSettings,
                          secret: TokenSigner, msisdn: str) -> str:
    """A postpaid account paying by autopay, closed (the closure told twice) owing 160.00, of
    which 80.00 was paid since invoicing announced it."""
    account_id = await open_account(client, settings.amqp_url, secret, msisdn=msisdn)
    card = await registered_card(client, account_id, subscriber(secret, account_id), "success")
    mandate = await client.put(f"/v1/accounts/{account_id}/autopay", headers=subscriber(
        secret, account_id), json={"payment_method_id": card["id"], "mode": "invoice"})
    assert mandate.status_code == 200, mandate.text
    closed = AccountClosed(account_id=account_id, closed_at=datetime(2026, 6, 30, 21, tzinfo=UTC),
                           closed_on=date(2026, 7, 1), reason="moved abroad")
    event_id = str(uuid.uuid4())
    for _ in range(2):  # a redelivery is handled once
        await publish_event(settings.amqp_url, closed, event_id=event_id)
    await _until(client, secret, msisdn, "1.00", 409)
    await publish_event(settings.amqp_url, BalanceChanged(
        account_id=account_id, balance=Decimal("-160.00"), currency="RON", cause="invoice"))
    await _until(client, secret, msisdn, "80.00", 201)
    return account_id


def _problem(response: httpx.Response) -> tuple[int, str, str]:
    return (response.status_code, response.headers["content-type"],
            response.json()["type"].split("/")[-1])


async def test_a_closed_account_is_paid_only_its_debt_and_its_autopay_ends(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    msisdn = _msisdn()
    account_id = await _closed_account(served, settings, token_signer, msisdn)
    other = await open_account(served, settings.amqp_url, token_signer)
    own = subscriber(token_signer, account_id)
    refused = [
        await _offline(served, token_signer, msisdn, "80.01", f"C-{uuid.uuid4()}"),
        await served.post("/v1/payments", json=card_body(account_id, "100.00"), headers=own),
        await served.post("/v1/payments", json=card_body(account_id, "20.00", purpose="topup"),
                          headers=own),
        await served.post("/v1/payments", json=card_body(account_id, "100.00"),
                          headers=subscriber(token_signer, other)),
    ]
    assert [_problem(r) for r in refused] == [(409, "application/problem+json", "account-closed")] * 4
    settling = await served.post("/v1/payments", json=card_body(account_id, "80.00"), headers=own)
    assert settling.status_code == 201, settling.text
    autopay = await served.get(f"/v1/accounts/{account_id}/autopay", headers=own)
    assert autopay.status_code == 404
    trail = await audit_rows(served, "account", account_id)
    assert [(r["action"], r["after"].get("reason")) for r in trail
            if r["action"] in ("account.closed", "autopay.ended")] == [
        ("account.closed", None), ("autopay.ended", "the account closed")]


async def test_a_registry_row_beyond_the_debt_of_a_closed_account_stays_unmatched(
    served: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    msisdn = _msisdn()
    account_id = await _closed_account(served, settings, token_signer, msisdn)
    tag = uuid.uuid4().hex[:8]
    text = f"{HEADER}\n{tag}-1,{account_id},80.00,RON,\n{tag}-2,{msisdn},500.00,RON,\n"
    response = await served.post("/v1/payment-registries", content=text.encode(), headers=bearer(
        token_signer, Role.PARTNER) | {"Content-Type": "text/csv"})
    assert response.status_code == 201, response.text
    report: dict[str, Any] = response.json()
    assert report["matched"] == 1
    assert [(r["reference"], r["problem"]) for r in report["unmatched"]] == [
        (f"{tag}-2", "account_closed")]
    paid_off = await _offline(served, token_signer, msisdn, "0.01", f"C-{uuid.uuid4()}")
    assert _problem(paid_off) == (409, "application/problem+json", "account-closed")
    assigned = await served.post(
        f"/v1/payment-registries/{report['id']}/rows/2/assignment",
        json={"account_id": account_id}, headers=bearer(token_signer))
    assert _problem(assigned) == (409, "application/problem+json", "account-closed")
