"""Every invoicing route × every kind of caller: who may call it, before any body is read."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from fastapi import FastAPI
from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.settings import InvoicingSettings
from tarifa.auth import Role
from tarifa.db import prepare_database
from tarifa.messaging.catalogue import AccountOpened
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.events import publish_event
from tarifa.testing.roles import ACCOUNT, ANYONE, OPERATOR, SUBSCRIBERS, Row, Walk
from tarifa.tokens import TokenSigner

from ..conftest import StubRenderer

TABLE = {
    "GET /health/live": Row(ANYONE, 200),
    "GET /health/ready": Row(ANYONE, 200),
    "GET /metrics": Row(ANYONE, 200),
    "GET /v1/audit": Row(OPERATOR, 200),
    "GET /v1/test/clock": Row(ANYONE, 200),
    "PUT /v1/test/clock": Row(ANYONE, 422),
    "GET /v1/accounts/{account_id}/balance": Row(ACCOUNT, 200),
    "GET /v1/accounts/{account_id}/ledger": Row(ACCOUNT, 200),
    "GET /v1/accounts/{account_id}/invoices": Row(ACCOUNT, 200),
    "GET /v1/accounts/{account_id}/statistics": Row(ACCOUNT, 200),
    "POST /v1/accounts/{account_id}/detailed-bills": Row(ACCOUNT, 422),
    "POST /v1/accounts/{account_id}/charges": Row(OPERATOR, 422),
    "GET /v1/invoices/{invoice_id}": Row(SUBSCRIBERS, 404),
    "GET /v1/invoices/{invoice_id}/pdf": Row(SUBSCRIBERS, 404),
    "POST /v1/invoices/{invoice_id}/credit-notes": Row(OPERATOR, 422),
    "GET /v1/credit-notes/{note_id}": Row(SUBSCRIBERS, 404),
    "GET /v1/credit-notes/{note_id}/pdf": Row(SUBSCRIBERS, 404),
    "GET /v1/detailed-bills/{bill_id}": Row(SUBSCRIBERS, 404),
    "GET /v1/detailed-bills/{bill_id}/pdf": Row(SUBSCRIBERS, 404),
    "GET /v1/detailed-bills/{bill_id}/records": Row(SUBSCRIBERS, 404),
    "GET /v1/accounts/{account_id}/detailed-bill-subscription": Row(ACCOUNT, 200),
    "PUT /v1/accounts/{account_id}/detailed-bill-subscription": Row(ACCOUNT, 422),
    "GET /v1/billing-runs": Row(OPERATOR, 200),
    "POST /v1/billing-runs": Row(OPERATOR, 422),
    "GET /v1/billing-runs/{run_id}": Row(OPERATOR, 404),
    "GET /v1/billing-runs/{run_id}/print-batch": Row(OPERATOR, 404),
    "POST /v1/documents/verify": Row(SUBSCRIBERS, 415),  # the malformed body is sent as JSON
}
UNKNOWN = {name: str(uuid.uuid4()) for name in ("invoice_id", "note_id", "bill_id", "run_id")}


async def _open(client: httpx.AsyncClient, settings: InvoicingSettings, secret: str) -> str:
    """An account known to invoicing, as accounts announces it."""
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="UTC", language="ro", bill_delivery={"medium": "ebill", "email": "a@b.md"}))
    for _ in range(200):
        known = await client.get(f"/v1/accounts/{account_id}/balance",
                                 headers=bearer(secret, Role.OPERATOR))
        if known.status_code == 200:
            return account_id
        await asyncio.sleep(0.05)
    raise AssertionError(f"invoicing never learnt the account: {known.text}")


async def test_every_route_answers_each_caller_as_its_row_says(
        settings: InvoicingSettings, renderer: StubRenderer, token_signer: TokenSigner) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    app: FastAPI = build_app(settings, renderer=renderer)
    async with running_client(app) as client:
        walk = Walk(token_signer, await _open(client, settings, token_signer), "another-account",
                    UNKNOWN)
        wrong = await walk.mismatches(app, client, TABLE)
        assert not wrong, "\n".join(wrong)
