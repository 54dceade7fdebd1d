"""Every payments route × every kind of caller: who may call it, before any body is read."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from payments.bootstrap import MIGRATIONS, build_app
from payments.settings import PaymentsSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.testing.roles import (
    ACCOUNT,
    ANYONE,
    CHANNELS,
    OPERATOR,
    SUBSCRIBERS,
    Caller,
    Row,
    Walk,
)
from tarifa.tokens import TokenSigner

TABLE = {
    "GET /health/live": Row(ANYONE, 200),
    "GET /health/ready": Row(ANYONE, 200),
    "GET /metrics": Row(ANYONE, 200),
    "GET /v1/audit": Row(OPERATOR, 200),
    "GET /v1/test/clock": Row(ANYONE, 200),
    "PUT /v1/test/clock": Row(ANYONE, 422),
    "POST /v1/payments": Row(SUBSCRIBERS, 422),
    "GET /v1/payments/{payment_id}": Row(SUBSCRIBERS | {Caller.PARTNER}, 404),
    "POST /v1/payments/offline": Row(CHANNELS, 422),
    "POST /v1/payments/{payment_id}/refunds": Row(OPERATOR, 422),
    "POST /v1/payment-registries": Row(CHANNELS, 422),
    "GET /v1/payment-registries/{registry_id}": Row(CHANNELS, 404),
    "GET /v1/payment-registries/{registry_id}/rows": Row(CHANNELS, 404),
    "POST /v1/payment-registries/{registry_id}/rows/{row}/assignment": Row(OPERATOR, 422),
    "POST /v1/payment-registries/{registry_id}/rows/{row}/rejection": Row(OPERATOR, 422),
    "GET /v1/payment-registry-rows": Row(CHANNELS, 200),
    "POST /v1/webhooks/{gateway}": Row(ANYONE, 404),
    "POST /v1/accounts/{account_id}/payment-methods": Row(ACCOUNT, 422),
    "GET /v1/accounts/{account_id}/payment-methods/{method_id}": Row(ACCOUNT, 404),
    "PUT /v1/accounts/{account_id}/autopay": Row(ACCOUNT, 422),
    "GET /v1/accounts/{account_id}/autopay": Row(ACCOUNT, 404),
    "DELETE /v1/accounts/{account_id}/autopay": Row(ACCOUNT, 204),
    "GET /v1/accounts/{account_id}/payments": Row(ACCOUNT, 404),
    "GET /v1/payment-limits": Row(SUBSCRIBERS, 422),
}
UNKNOWN = {"payment_id": str(uuid.uuid4()), "registry_id": str(uuid.uuid4()), "row": "1",
           "method_id": str(uuid.uuid4()), "gateway": "no-such-gateway"}


async def test_every_route_answers_each_caller_as_its_row_says(settings: PaymentsSettings,
                                                               token_signer: TokenSigner) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    app: FastAPI = build_app(settings)
    walk = Walk(token_signer, "account-1", "account-2", UNKNOWN)
    async with running_client(app) as client:
        wrong = await walk.mismatches(app, client, TABLE)
        assert not wrong, "\n".join(wrong)
