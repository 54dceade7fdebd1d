"""Re-rating runs over HTTP: a corrected price re-prices an open month, allowances replayed in
usage order, only the difference announced; a second run changes nothing; an invoiced month is
refused."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from rating.settings import RatingSettings
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.auth import Role
from tarifa.messaging.catalogue import InvoiceIssued
from tarifa.messaging.tables import outbox
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, handled, open_line, post_usage, put_plan, record

D = Decimal
VOICE = {"type": "voice", "direction": "out", "zone": "national", "first_increment": 60,
         "next_increment": 1}


def _plan(unit_price: str) -> dict[str, Any]:
    return PLAN | {"allowances": [{"type": "voice", "direction": "out", "zone": "national",
                                   "quantity": 120}],
                   "prices": [VOICE | {"unit_price": unit_price}]}


def _call(msisdn: str, key: str, at: str, seconds: int) -> dict[str, Any]:
    return record(msisdn, key, quantity=seconds, started_at=f"2026-05-04T{at}:00+00:00")


async def _run(client: httpx.AsyncClient, secret: str, body: dict[str, Any],
               key: str | None = None) -> httpx.Response:
    headers = bearer(secret) | ({"Idempotency-Key": key} if key else {})
    return await client.post("/v1/rerating-runs", json=body, headers=headers)


async def _get_run(client: httpx.AsyncClient, secret: str, run_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/rerating-runs/{run_id}", headers=bearer(secret))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def _rerated_in_outbox(settings: RatingSettings, account_id: str) -> int:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(outbox).where(
                outbox.c.routing_key == "rating.usage.rerated",
                outbox.c.body["subject"].astext == account_id)) or 0)
    finally:
        await engine.dispose()


async def _rated_line(client: httpx.AsyncClient, settings: RatingSettings,
                      secret: str) -> tuple[str, str]:
    """A line whose later call was rated first, so it took the allowance out of usage order."""
    await client.put("/v1/test/clock?wait=true", json={"now": "2026-05-05T12:00:00+00:00"})
    code = f"fix-{uuid.uuid4().hex[:8]}"
    await put_plan(client, secret, code, _plan("0.0100"))
    account_id, msisdn = await open_line(settings, client, secret, code)
    await post_usage(client, secret, [_call(msisdn, "c3", "12:00", 125)], Role.OPERATOR)
    await post_usage(client, secret, [_call(msisdn, "c1", "10:00", 90),
                                      _call(msisdn, "c2", "11:00", 60)], Role.OPERATOR)
    corrected = await put_plan(client, secret, code, _plan("0.0200"))
    assert (corrected.status_code, corrected.json()["version"]) == (200, 2)
    return account_id, msisdn


async def _usage(client: httpx.AsyncClient, secret: str, msisdn: str) -> dict[str, Any]:
    items = (await client.get(f"/v1/lines/{msisdn}/usage", headers=bearer(secret))).json()["items"]
    return {r["id"]: (r["allowance_used"], D(r["net"]), r["plan_version"]) for r in items}


async def test_a_corrected_price_is_rerated_once_with_allowances_in_usage_order(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    account_id, msisdn = await _rated_line(client, settings, token_signer)
    body = {"from": "2026-05-10", "to": "2026-05-20", "msisdns": [msisdn]}
    async with tap_events(settings.amqp_url, ["rating.usage.rerated"]) as tap:
        started = await _run(client, token_signer, body, key="rerate-1")
        [event] = await tap.wait_for("rating.usage.rerated", account_id=account_id)
    assert started.status_code == 202, started.text
    assert (await _run(client, token_signer, body, key="rerate-1")).json() == started.json()
    run = await _get_run(client, token_signer, started.json()["id"])
    # Before: c3 took 120 s of the allowance (5 s at 0.01/min), c1 and c2 paid in full.
    # After, in usage order at 0.02/min: c1 covered (90 s), c2 30 s covered + 30 s, c3 in full.
    assert await _usage(client, token_signer, msisdn) == {
        "c1": (90, D("0"), 2), "c2": (30, D("0.01"), 2), "c3": (0, D("0.0416666667"), 2)}
    assert (run["status"], run["from"], run["to"], run["records"], run["changed"],
            run["kept"]) == ("completed", "2026-05-10", "2026-05-20", 3, 3, 0)
    assert run["difference"] == {"MDL": {"currency": "MDL", "net": "0.0258333334", "gross": "0.031"}}
    assert (D(event.data["difference_net"]), D(event.data["difference_gross"])) == (
        D("0.0258333334"), D("0.031"))
    [item] = event.data["items"]
    assert (D(item["old_net"]), D(item["new_net"]), D(item["net"]), item["usage_date"]) == (
        D("0.0258333333"), D("0.0516666667"), D("0.0258333334"), "2026-05-04")
    allowances = (await client.get(f"/v1/lines/{msisdn}/allowances",
                                   headers=bearer(token_signer))).json()["allowances"]
    assert [(a["used"], a["remaining"]) for a in allowances] == [(120, 0)]


async def test_a_second_run_changes_nothing(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    account_id, msisdn = await _rated_line(client, settings, token_signer)
    first = await _run(client, token_signer, {"from": "2026-05-01", "to": "2026-05-31"})
    before = await _usage(client, token_signer, msisdn)
    second = await _run(client, token_signer, {"from": "2026-05-01", "to": "2026-05-31"})
    run = await _get_run(client, token_signer, second.json()["id"])
    assert first.json()["id"] != second.json()["id"]
    assert (run["changed"], run["difference"]) == (0, {})
    assert run["records"] >= 3
    assert await _usage(client, token_signer, msisdn) == before
    assert await _rerated_in_outbox(settings, account_id) == 1


async def test_an_invoiced_month_is_refused_and_left_alone(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    account_id, msisdn = await _rated_line(client, settings, token_signer)
    await handled(settings, await publish_event(settings.amqp_url, InvoiceIssued(
        invoice_id=str(uuid.uuid4()), number="F-1", account_id=account_id,
        period_start=date(2026, 5, 1), period_end=date(2026, 5, 31), total_charges=D("0"),
        amount_due=D("0"), due_date=None, currency="MDL")))
    before = await _usage(client, token_signer, msisdn)
    refused = await _run(client, token_signer, {"from": "2026-05-20", "to": "2026-05-21",
                                              "msisdns": [msisdn]})
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "credit notes" in refused.json()["detail"]
    assert await _usage(client, token_signer, msisdn) == before
    assert await _rerated_in_outbox(settings, account_id) == 0


async def test_bad_windows_and_callers_are_refused(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    for body in ({"from": "2026-05-02", "to": "2026-05-01"}, {"from": "0001-01-01", "to": "0001-01-02"},
                 {"from": "2026-01-01", "to": "2027-06-01"}, {"from": "2026-05-01"},
                 {"from": "2026-05-01", "to": "2026-05-02", "msisdns": []}):
        response = await _run(client, token_signer, body)
        assert response.status_code == 422, (body, response.text)
    for role in (Role.PARTNER, Role.SUBSCRIBER):
        response = await client.post("/v1/rerating-runs", headers=bearer(token_signer, role),
                                     json={"from": "2026-05-01", "to": "2026-05-02"})
        assert response.status_code == 403, response.text
    missing = await client.get(f"/v1/rerating-runs/{uuid.uuid4()}", headers=bearer(token_signer))
    assert missing.status_code == 404
