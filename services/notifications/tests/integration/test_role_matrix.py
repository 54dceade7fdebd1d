"""Every notifications route × every kind of caller: who may call it, before any body is read."""

from __future__ import annotations

from fastapi import FastAPI
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.testing.roles import ANYONE, OPERATOR, SUBSCRIBERS, Row, Walk
from tarifa.tokens import TokenSigner

TABLE = {
    "GET /health/live": Row(ANYONE, 200),
    "GET /health/ready": Row(ANYONE, 200),
    "GET /metrics": Row(ANYONE, 200),
    "GET /v1/audit": Row(OPERATOR, 200),
    "GET /v1/test/clock": Row(ANYONE, 200),
    "PUT /v1/test/clock": Row(ANYONE, 422),
    "GET /v1/notifications": Row(SUBSCRIBERS, 200),  # a subscriber sees its own account's
    "GET /v1/templates/{event}/{channel}/{language}": Row(OPERATOR, 200),
    "PUT /v1/templates/{event}/{channel}/{language}": Row(OPERATOR, 422),
    "POST /v1/webhook-endpoints": Row(OPERATOR, 422),
    "GET /v1/webhook-endpoints": Row(OPERATOR, 200),
    "GET /v1/webhook-endpoints/{endpoint_id}": Row(OPERATOR, 404),  # no such endpoint
    "PATCH /v1/webhook-endpoints/{endpoint_id}": Row(OPERATOR, 422),
    "DELETE /v1/webhook-endpoints/{endpoint_id}": Row(OPERATOR, 404),
    "POST /v1/webhook-endpoints/{endpoint_id}/secret": Row(OPERATOR, 404),
    "GET /v1/webhook-endpoints/{endpoint_id}/deliveries": Row(OPERATOR, 404),
}
TEMPLATE = {"event": "invoicing.invoice.issued", "channel": "email", "language": "ro",
            "endpoint_id": "no-such-endpoint"}


async def test_every_route_answers_each_caller_as_its_row_says(settings: NotificationsSettings,
                                                               token_signer: TokenSigner) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    app: FastAPI = build_app(settings)
    walk = Walk(token_signer, "account-1", "account-2", TEMPLATE)
    async with running_client(app) as client:
        wrong = await walk.mismatches(app, client, TABLE)
        assert not wrong, "\n".join(wrong)
