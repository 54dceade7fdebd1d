"""Detailed bills from rating's records, across two real services: rating served by uvicorn on
its own database, invoicing reading it over HTTP with its own token, both on the real broker.

Each record is a row (time, number, type, quantity, zone or country, price); the monthly
detailed bill by email is made once per month at its fee; free online records cost nothing.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.settings import InvoicingSettings
from pydantic import SecretStr
from rating.bootstrap import MIGRATIONS as RATING_MIGRATIONS
from rating.bootstrap import build_app as build_rating
from rating.settings import RatingSettings
from tarifa.auth import Principal, Role
from tarifa.db import prepare_database
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from ..conftest import StubRenderer
from .world import balance_becomes, eventually, open_account, operator, set_clock, subscriber

SECRET = "invoicing-secret"
PLAN = {"name": "Smart", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "0",
        "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
        "allowances": [], "prices": [
            {"type": "voice", "direction": "out", "zone": "*", "unit_price": "0.60",
             "first_increment": 60, "next_increment": 1},
            {"type": "voice", "direction": "in", "zone": "*", "unit_price": "0"},
            {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
            {"type": "data", "direction": "*", "zone": "*", "unit_price": "5.00", "unit": "MiB"}]}


class TokenServer:
    """``POST /v1/auth/token`` in accounts' stead: an operator token for the right secret."""

    def __init__(self, signer: TokenSigner) -> None:
        token = signer.issue(Principal("invoicing", Role.OPERATOR))

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = self.rfile.read(int(self.headers["Content-Length"])).decode()
                known = f"client_secret={SECRET}" in form
                body = json.dumps({"access_token": token, "token_type": "bearer",
                                   "expires_in": 3600} if known else {}).encode()
                self.send_response(200 if known else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@asynccontextmanager
async def _serving(settings: RatingSettings) -> AsyncIterator[str]:
    """Rating served by uvicorn in this event loop; its base URL."""
    await prepare_database(RATING_MIGRATIONS, settings.dsn)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(build_rating(settings), log_config=None,
                                           access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
def tokens(token_signer: TokenSigner) -> Iterator[TokenServer]:
    server = TokenServer(token_signer)
    yield server
    server.close()


@pytest_asyncio.fixture
async def rating(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                 token_signer: TokenSigner) -> AsyncIterator[httpx.AsyncClient]:
    settings = RatingSettings(database_url=await make_database("rating"), amqp_url=amqp_url,
                              jwt_public_key=token_signer.public_pem(), test_mode=True,
                              relay_interval=0.05, late_usage_days=60)
    async with _serving(settings) as url, httpx.AsyncClient(base_url=url) as client:
        answer = await client.put("/v1/plans/smart", json=PLAN, headers=bearer(token_signer))
        assert answer.status_code in (200, 201), answer.text
        yield client


@pytest.fixture
def overrides() -> dict[str, Any]:
    """Settings a test changes (by parametrizing ``overrides``)."""
    return {}


@pytest_asyncio.fixture
async def client(settings: InvoicingSettings, renderer: StubRenderer, tokens: TokenServer,
                 rating: httpx.AsyncClient,
                 overrides: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    """Invoicing reading rating's records."""
    wired = settings.model_copy(update={"rating_url": str(rating.base_url).rstrip("/"),
                                        "accounts_url": tokens.url,
                                        "client_secret": SecretStr(SECRET)} | overrides)
    await prepare_database(MIGRATIONS, wired.dsn)
    async with running_client(build_app(wired, renderer=renderer)) as served:
        yield served


async def _line(settings: InvoicingSettings, rating: httpx.AsyncClient,
                client: httpx.AsyncClient, signer: TokenSigner) -> tuple[str, str]:
    """An account and its line, known to invoicing and to rating."""
    account_id, msisdn = await open_account(settings, client)
    await eventually(lambda: rating.get(f"/v1/lines/{msisdn}/allowances",
                                        headers=bearer(signer)),
                     lambda r: r.status_code == 200)
    return account_id, msisdn


def _record(msisdn: str, record_id: str, started_at: str, **fields: Any) -> dict[str, Any]:
    return {"id": record_id, "msisdn": msisdn, "type": "voice", "direction": "out",
            "started_at": started_at, "quantity": 90} | fields


async def _rate(rating: httpx.AsyncClient, signer: TokenSigner, msisdn: str) -> None:
    """November: two outgoing calls (one abroad), an SMS, an incoming call; one call in October."""
    records = [
        _record(msisdn, f"{msisdn}-1", "2026-11-03T08:15:00+00:00", other_party="37322123456"),
        _record(msisdn, f"{msisdn}-2", "2026-11-20T19:05:30+00:00", other_party="40721000111",
                roaming_country="RO", quantity=30),
        _record(msisdn, f"{msisdn}-3", "2026-11-04T10:00:00+00:00", type="sms", quantity=1,
                other_party="37369999888"),
        _record(msisdn, f"{msisdn}-4", "2026-11-05T10:00:00+00:00", direction="in",
                other_party="37369111222"),
        _record(msisdn, f"{msisdn}-5", "2026-10-31T10:00:00+00:00", other_party="37322000000")]
    clock = await rating.put("/v1/test/clock?wait=true", json={"now": "2026-11-21T00:00:00+00:00"})
    assert clock.status_code == 200, clock.text
    answer = await rating.post("/v1/usage", json={"records": records},
                               headers=bearer(signer, Role.MEDIATION))
    assert answer.json()["accepted"] == len(records), answer.text


async def _ledger_fees(client: httpx.AsyncClient, account_id: str) -> list[dict[str, Any]]:
    ledger = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    return [row for row in ledger if row["type"] == "detailed_bill"]


async def test_the_monthly_detailed_bill_lists_each_outgoing_record_and_is_made_once(
    client: httpx.AsyncClient, settings: InvoicingSettings, rating: httpx.AsyncClient,
    renderer: StubRenderer, token_signer: TokenSigner,
) -> None:
    await set_clock(client, "2026-11-02T09:00:00+00:00")
    account_id, msisdn = await _line(settings, rating, client, token_signer)
    url = f"/v1/accounts/{account_id}/detailed-bill-subscription"
    off = await client.get(url, headers=subscriber(account_id))
    assert (off.status_code, off.json()["active"]) == (200, False)
    on = await client.put(url, json={"active": True}, headers=subscriber(account_id))
    assert (on.status_code, on.json()["active"], on.json()["direction"]) == (200, True, "out")
    await _rate(rating, token_signer, msisdn)
    keys = ["invoicing.monthly_detailed_bill.ready"]
    async with tap_events(settings.amqp_url, keys) as tap:
        await set_clock(client, "2026-12-01T06:00:00+00:00")
        [ready] = await tap.wait_for(keys[0], account_id=account_id)
        await set_clock(client, "2026-12-02T06:00:00+00:00")
        await asyncio.sleep(1.0)
        assert len([e for e in tap.events if e.data["account_id"] == account_id]) == 1
    assert (ready.data["month"], ready.data["from_date"], ready.data["to_date"]) == (
        "2026-11", "2026-11-01", "2026-11-30")
    bill_id = ready.data["document_id"]
    bill = (await client.get(f"/v1/detailed-bills/{bill_id}", headers=subscriber(account_id))
            ).json()
    assert (bill["status"], bill["records"], bill["fee"], bill["direction"]) == (
        "ready", 3, "50.00", "out")
    [document] = [s for s in renderer.statements if s.invoice_id == bill_id]
    assert [(line.record.other_party if line.record else None, line.type, line.quantity,
             line.gross) for line in document.lines] == [
        ("37322123456", "voice", Decimal(90), Decimal("1.08")),
        ("37369999888", "sms", Decimal(1), Decimal("0.60")),
        ("40721000111", "voice", Decimal(30), Decimal("0.72"))]
    assert document.total_charges == Decimal("2.40") and document.language == "ro"
    rows = (await client.get(f"/v1/detailed-bills/{bill_id}/records",
                             headers=subscriber(account_id))).json()
    assert rows["language"] == "ro"
    assert [(r["other_party"], r["roaming_country"], r["zone"], r["gross"])
            for r in rows["items"]][2] == ("40721000111", "RO", "roaming", "0.72")
    assert rows["items"][0]["started_at"] == "2026-11-03T08:15:00+00:00"
    [fee] = await _ledger_fees(client, account_id)
    assert (fee["amount"], fee["net"], fee["vat"]) == ("-50.00", "41.67", "8.33")
    [switched] = await audit_rows(client, "detailed_bill_subscription", account_id)
    assert (switched["action"], switched["actor"]["role"]) == (
        "detailed_bill_subscription.changed", "subscriber")
    [requested] = await audit_rows(client, "detailed_bill", bill_id)
    assert (requested["action"], requested["actor"]) == (
        "detailed_bill.requested", {"subject": "invoicing.monthly-detailed-bills",
                                    "role": "system"})


async def test_a_month_that_ended_before_subscribing_is_not_mailed_and_off_means_none(
    client: httpx.AsyncClient, settings: InvoicingSettings, rating: httpx.AsyncClient,
    token_signer: TokenSigner,
) -> None:
    await set_clock(client, "2026-12-01T09:00:00+00:00")
    late, _ = await _line(settings, rating, client, token_signer)
    switched_off, _ = await _line(settings, rating, client, token_signer)
    for account_id in (late, switched_off):
        answer = await client.put(f"/v1/accounts/{account_id}/detailed-bill-subscription",
                                  json={"active": True}, headers=operator())
        assert answer.status_code == 200
    off = await client.put(f"/v1/accounts/{switched_off}/detailed-bill-subscription",
                           json={"active": False}, headers=subscriber(switched_off))
    assert off.json()["active"] is False
    async with tap_events(settings.amqp_url, ["invoicing.monthly_detailed_bill.ready"]) as tap:
        await set_clock(client, "2026-12-02T09:00:00+00:00")
        await set_clock(client, "2027-01-01T09:00:00+00:00")
        [ready] = await tap.wait_for("invoicing.monthly_detailed_bill.ready", account_id=late)
        await asyncio.sleep(1.0)
    assert ready.data["month"] == "2026-12"
    assert {e.data["account_id"] for e in tap.events} & {switched_off} == set()
    assert await _ledger_fees(client, switched_off) == []
    refused = await client.put(f"/v1/accounts/{late}/detailed-bill-subscription",
                               json={"active": "yes please"}, headers=operator())
    assert refused.status_code == 422
    assert (await client.put("/v1/accounts/nobody/detailed-bill-subscription",
                             json={"active": True}, headers=operator())).status_code == 404
    other = await client.get(f"/v1/accounts/{late}/detailed-bill-subscription",
                             headers=subscriber(switched_off))
    assert other.status_code == 404


@pytest.mark.parametrize("overrides", [{"detailed_bill_free_online": True}])
async def test_free_online_records_on_request_list_each_record_and_charge_nothing(
    client: httpx.AsyncClient, settings: InvoicingSettings, rating: httpx.AsyncClient,
    renderer: StubRenderer, token_signer: TokenSigner, overrides: dict[str, Any],
) -> None:
    await set_clock(client, "2026-12-01T09:00:00+00:00")
    account_id, msisdn = await _line(settings, rating, client, token_signer)
    await _rate(rating, token_signer, msisdn)
    started = await client.post(f"/v1/accounts/{account_id}/detailed-bills", headers=operator(),
                                json={"from": "2026-11-01", "to": "2026-11-30", "direction": "in"})
    assert started.status_code == 202, started.text
    bill = await eventually(
        lambda: client.get(f"/v1/detailed-bills/{started.json()['id']}", headers=operator()),
        lambda r: r.json()["status"] == "ready")
    assert (bill.json()["records"], bill.json()["fee"]) == (1, "0.00")
    [document] = [s for s in renderer.statements if s.invoice_id == started.json()["id"]]
    [line] = document.lines
    assert line.record is not None and line.record.other_party == "37369111222"
    assert await _ledger_fees(client, account_id) == []
    await balance_becomes(client, account_id, "-3.48")  # the five records' prices, no fee


@pytest.mark.parametrize("overrides", [{"rating_url": "http://127.0.0.1:9"}])
async def test_while_rating_cannot_be_read_the_bill_waits_and_nothing_is_charged(
    client: httpx.AsyncClient, settings: InvoicingSettings, rating: httpx.AsyncClient,
    token_signer: TokenSigner, overrides: dict[str, Any],
) -> None:
    await set_clock(client, "2026-12-01T09:00:00+00:00")
    account_id, _msisdn = await _line(settings, rating, client, token_signer)
    started = await client.post(f"/v1/accounts/{account_id}/detailed-bills", headers=operator(),
                                json={"from": "2026-11-01", "to": "2026-11-30", "direction": "out"})
    assert started.status_code == 202, started.text
    await asyncio.sleep(1.0)  # the background attempt fails on the closed port
    bill = await client.get(f"/v1/detailed-bills/{started.json()['id']}", headers=operator())
    assert (bill.json()["status"], bill.json()["document"]) == ("pending", None)
    assert await _ledger_fees(client, account_id) == []
    rows = await client.get(f"/v1/detailed-bills/{started.json()['id']}/records",
                            headers=operator())
    assert rows.status_code == 404
