"""Webhooks against a real HTTP receiver on 127.0.0.1 that checks every signature with the
Standard Webhooks reference library: delivery of the wanted events only, once per event,
retries with growing waits, the delivery log, disabling after failures, secret rotation."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import pytest_asyncio
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from tarifa.db import prepare_database
from tarifa.messaging.catalogue import InvoiceIssued, InvoicePaid
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

ENDPOINTS = "/v1/webhook-endpoints"


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: str
    at: datetime

    @property
    def event_id(self) -> str:
        return str(json.loads(self.body)["id"])


class Receiver:
    """An HTTP server taking POSTs: it answers the statuses queued in ``answers`` in turn, then
    ``default``, and keeps every request with its headers and body."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.default = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()},
                                                  body, datetime.now(UTC)))
                status = receiver.answers.pop(0) if receiver.answers else receiver.default
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/hooks"
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def of(self, event_id: str) -> list[Received]:
        return [r for r in self.received if r.event_id == event_id]

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest_asyncio.fixture
async def webhooks(settings: NotificationsSettings) -> AsyncIterator[httpx.AsyncClient]:
    tuned = settings.model_copy(update={
        "webhook_retry_base": 0.3, "webhook_retry_max": 2.0, "webhook_disable_after": 3,
        "webhook_rotation_grace": 3600.0, "webhook_allow_private": True})  # on 127.0.0.1
    await prepare_database(MIGRATIONS, tuned.dsn)
    async with running_client(build_app(tuned)) as client:
        yield client


def _invoice(account_id: str | None = None) -> InvoiceIssued:
    return InvoiceIssued(
        invoice_id=str(uuid.uuid4()), number="TF-1", account_id=account_id or str(uuid.uuid4()),
        period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
        total_charges=Decimal("10.00"), amount_due=Decimal("12.50"), due_date=date(2026, 6, 16),
        currency="MDL")


async def _register(client: httpx.AsyncClient, signer: TokenSigner, url: str,
                    types: list[str]) -> dict[str, Any]:
    answer = await client.post(ENDPOINTS, headers=bearer(signer),
                               json={"url": url, "event_types": types, "description": "ERP"})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _arrivals(receiver: Receiver, event_id: str, count: int,
                    timeout: float = 30.0) -> list[Received]:
    for _ in range(int(timeout / 0.05)):
        if len(receiver.of(event_id)) >= count:
            return receiver.of(event_id)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(receiver.of(event_id))} of {count} arrivals of {event_id}")


async def _log(client: httpx.AsyncClient, signer: TokenSigner, endpoint_id: str,
               **params: Any) -> dict[str, Any]:
    answer = await client.get(f"{ENDPOINTS}/{endpoint_id}/deliveries", headers=bearer(signer),
                              params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _logged(client: httpx.AsyncClient, signer: TokenSigner, endpoint_id: str,
                  count: int) -> None:
    """Wait until the log holds ``count`` attempts (the receiver hears one before it commits)."""
    for _ in range(200):
        if len((await _log(client, signer, endpoint_id, limit=500))["items"]) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} attempts logged")


async def test_a_wanted_event_arrives_signed_once_and_an_unwanted_one_not(
    webhooks: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    receiver: Receiver,
) -> None:
    endpoint = await _register(webhooks, token_signer, receiver.url, ["invoicing.invoice.issued"])
    assert endpoint["secret"].startswith("whsec_") and endpoint["status"] == "active"
    listed = (await webhooks.get(ENDPOINTS, headers=bearer(token_signer))).json()
    assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]
    unwanted = await publish_event(settings.amqp_url, InvoicePaid(invoice_id="i", account_id="a"))
    issued = _invoice()
    event = await publish_event(settings.amqp_url, issued, event_id=str(uuid.uuid4()))
    await publish_event(settings.amqp_url, issued, event_id=event.id)  # the same event again
    [arrival] = await _arrivals(receiver, event.id, 1)
    document = Webhook(endpoint["secret"]).verify(arrival.body, arrival.headers)
    assert document["type"] == "tarifa.invoicing.invoice.issued" and document["specversion"] == "1.0"
    assert document["data"]["amount_due"] == "12.50" and arrival.headers["webhook-id"] == event.id
    assert arrival.headers["content-type"] == "application/cloudevents+json"
    await asyncio.sleep(1.0)
    assert len(receiver.of(event.id)) == 1 and not receiver.of(unwanted.id)
    await _logged(webhooks, token_signer, endpoint["id"], 1)
    [logged] = (await _log(webhooks, token_signer, endpoint["id"]))["items"]
    assert logged["event_id"] == event.id and logged["status_code"] == 204
    assert logged["attempt"] == 1 and logged["latency_ms"] >= 0 and logged["error"] is None


async def test_failures_are_retried_with_growing_waits_and_logged(
    webhooks: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    receiver: Receiver,
) -> None:
    endpoint = await _register(webhooks, token_signer, receiver.url, ["invoicing.invoice.issued"])
    receiver.answers = [500, 502]
    event = await publish_event(settings.amqp_url, _invoice())
    arrivals = await _arrivals(receiver, event.id, 3)
    first_wait = arrivals[1].at - arrivals[0].at
    second_wait = arrivals[2].at - arrivals[1].at
    assert timedelta(seconds=0.25) < first_wait and timedelta(seconds=0.55) < second_wait
    assert len({a.body for a in arrivals}) == 1  # the same bytes every time
    for arrival in arrivals:
        Webhook(endpoint["secret"]).verify(arrival.body, arrival.headers)
    await _logged(webhooks, token_signer, endpoint["id"], 3)
    page = await _log(webhooks, token_signer, endpoint["id"], limit=2)
    assert [(i["attempt"], i["status_code"]) for i in page["items"]] == [(3, 204), (2, 502)]
    assert page["items"][1]["error"].startswith("HTTP 502")
    older = await _log(webhooks, token_signer, endpoint["id"], limit=2, before=page["next_before"])
    assert [(i["attempt"], i["status_code"]) for i in older["items"]] == [(1, 500)]
    assert older["next_before"] is None
    shown = (await webhooks.get(f"{ENDPOINTS}/{endpoint['id']}", headers=bearer(token_signer))).json()
    assert shown["consecutive_failures"] == 0 and shown["status"] == "active"


async def test_an_endpoint_that_keeps_failing_is_disabled_and_audited_then_enabled_again(
    webhooks: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    receiver: Receiver,
) -> None:
    endpoint = await _register(webhooks, token_signer, receiver.url, ["invoicing.invoice.issued"])
    receiver.default = 503
    event = await publish_event(settings.amqp_url, _invoice())
    await _arrivals(receiver, event.id, 3)
    await asyncio.sleep(2.5)
    assert len(receiver.of(event.id)) == 3  # disabled after the third failure in a row
    url = f"{ENDPOINTS}/{endpoint['id']}"
    shown = (await webhooks.get(url, headers=bearer(token_signer))).json()
    assert shown["status"] == "disabled" and shown["disabled_reason"] == "3 consecutive failed attempts"
    audit = (await webhooks.get("/v1/audit", headers=bearer(token_signer),
                                params={"target_type": "webhook"})).json()
    disabled = [e for e in audit["items"] if e["action"] == "webhook.disabled"]
    assert disabled and disabled[0]["actor"]["subject"] == "notifications.webhooks"
    assert endpoint["secret"] not in json.dumps(audit)
    witness = Receiver()  # an active endpoint wanting the same type: its arrival shows the
    try:                  # event was taken while the first endpoint was still disabled
        await _register(webhooks, token_signer, witness.url, ["invoicing.invoice.issued"])
        later = await publish_event(settings.amqp_url, _invoice())
        await _arrivals(witness, later.id, 1)
    finally:
        witness.close()
    receiver.default = 200
    enabled = await webhooks.patch(url, headers=bearer(token_signer), json={"enabled": True})
    assert enabled.json()["status"] == "active" and enabled.json()["consecutive_failures"] == 0
    await _arrivals(receiver, event.id, 4)  # the waiting delivery goes on
    await asyncio.sleep(1.0)
    assert not receiver.of(later.id)  # published while disabled: not for this endpoint


async def test_after_a_rotation_messages_carry_both_signatures_for_the_grace_period(
    webhooks: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    receiver: Receiver,
) -> None:
    endpoint = await _register(webhooks, token_signer, receiver.url, ["invoicing.invoice.issued"])
    old = endpoint["secret"]
    rotated = await webhooks.post(f"{ENDPOINTS}/{endpoint['id']}/secret", headers=bearer(token_signer))
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new != old and new.startswith("whsec_") and rotated.json()["previous_secret_until"]
    event = await publish_event(settings.amqp_url, _invoice())
    [arrival] = await _arrivals(receiver, event.id, 1)
    assert len(arrival.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(arrival.body, arrival.headers)
    Webhook(new).verify(arrival.body, arrival.headers)
    moved = await webhooks.put("/v1/test/clock?wait=true", json={
        "now": (datetime.now(UTC) + timedelta(hours=2)).isoformat()})
    assert moved.status_code == 200
    after = await publish_event(settings.amqp_url, _invoice())
    [late] = await _arrivals(receiver, after.id, 1)
    Webhook(new).verify(late.body, late.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(late.body, late.headers)


@pytest.mark.parametrize("body", [
    {"url": "ftp://hooks.example.com/", "event_types": ["invoicing.invoice.issued"]},
    {"url": "https://hooks.example.com/\u0007", "event_types": ["invoicing.invoice.issued"]},
    {"url": "https://hooks.example.com/", "event_types": ["invoicing.invoice.lost"]},
    {"url": "https://hooks.example.com/", "event_types": []},
    {"url": "https://hooks.example.com/", "event_types": ["invoicing.invoice.issued"], "x": 1},
])
async def test_bad_endpoints_are_refused_with_422(webhooks: httpx.AsyncClient,
                                                  token_signer: TokenSigner,
                                                  body: dict[str, Any]) -> None:
    answer = await webhooks.post(ENDPOINTS, headers=bearer(token_signer), json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


async def test_changes_and_removal_of_an_endpoint(webhooks: httpx.AsyncClient,
                                                  token_signer: TokenSigner) -> None:
    endpoint = await _register(webhooks, token_signer, "https://hooks.example.com/in",
                               ["invoicing.invoice.issued"])
    url = f"{ENDPOINTS}/{endpoint['id']}"
    changed = await webhooks.patch(url, headers=bearer(token_signer), json={
        "event_types": ["invoicing.invoice.paid", "payments.payment.succeeded"], "enabled": False})
    assert changed.status_code == 200, changed.text
    assert changed.json()["event_types"] == ["invoicing.invoice.paid", "payments.payment.succeeded"]
    assert changed.json()["status"] == "disabled" and "secret" not in changed.json()
    bad = await webhooks.patch(url, headers=bearer(token_signer), json={"url": "gopher://x.md/"})
    assert bad.status_code == 422
    assert (await webhooks.delete(url, headers=bearer(token_signer))).status_code == 204
    assert (await webhooks.get(url, headers=bearer(token_signer))).status_code == 404
    assert (await webhooks.delete(url, headers=bearer(token_signer))).status_code == 404
