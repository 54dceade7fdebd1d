"""Every rating route × every kind of caller: who may call it, before any body is read."""

from __future__ import annotations

from fastapi import FastAPI
from rating.bootstrap import MIGRATIONS, build_app
from rating.settings import RatingSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.testing.roles import ACCOUNT, ANYONE, INGEST, OPERATOR, SUBSCRIBERS, Row, Walk
from tarifa.tokens import TokenSigner

TABLE = {
    "GET /health/live": Row(ANYONE, 200),
    "GET /health/ready": Row(ANYONE, 200),
    "GET /metrics": Row(ANYONE, 200),
    "GET /v1/audit": Row(OPERATOR, 200),
    "GET /v1/test/clock": Row(ANYONE, 200),
    "PUT /v1/test/clock": Row(ANYONE, 422),
    "PUT /v1/plans/{code}": Row(OPERATOR, 422),
    "GET /v1/plans/{code}": Row(SUBSCRIBERS, 404),
    "POST /v1/usage": Row(INGEST, 422),
    "GET /v1/lines/{msisdn}/allowances": Row(SUBSCRIBERS, 404),
    "GET /v1/lines/{msisdn}/usage": Row(SUBSCRIBERS, 404),
    "GET /v1/lines/{msisdn}/fees": Row(SUBSCRIBERS, 404),
    "PUT /v1/packages/{code}": Row(OPERATOR, 422),
    "GET /v1/packages": Row(SUBSCRIBERS, 200),
    "POST /v1/lines/{msisdn}/packages": Row(SUBSCRIBERS, 422),
    "GET /v1/lines/{msisdn}/packages": Row(SUBSCRIBERS, 404),
    "DELETE /v1/lines/{msisdn}/packages/{code}": Row(SUBSCRIBERS, 404),
    "GET /v1/accounts/{account_id}/usage": Row(ACCOUNT, 422),
    "POST /v1/rerating-runs": Row(OPERATOR, 422),
    "GET /v1/rerating-runs/{run_id}": Row(OPERATOR, 404),
    "GET /v1/usage/rejections": Row(INGEST, 200),
}


async def test_every_route_answers_each_caller_as_its_row_says(settings: RatingSettings,
                                                               token_signer: TokenSigner) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    app: FastAPI = build_app(settings)
    walk = Walk(token_signer, "account-1", "account-2",
                {"code": "smart-100", "msisdn": "37369000001", "run_id": "no-such-run"})
    async with running_client(app) as client:
        wrong = await walk.mismatches(app, client, TABLE)
        assert not wrong, "\n".join(wrong)
