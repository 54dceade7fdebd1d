"""The webhook address guard on the real service: addresses of the suite's own network refused
at registration with problem+json and nothing stored; an endpoint registered while private
targets were allowed is checked again before each attempt and sent nothing; the loop resolver."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from notifications.adapters.resolver import LoopResolver
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from tarifa.db import prepare_database
from tarifa.messaging.catalogue import InvoicePaid
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

ENDPOINTS = "/v1/webhook-endpoints"
TYPES = ["invoicing.invoice.paid"]
REFUSED = ["http://127.0.0.1:9/in", "http://localhost/in", "http://[::1]/in",
           "http://[::ffff:127.0.0.1]/in", "http://2130706433/in", "http://0177.0.0.1/in",
           "http://10.0.0.1/in", "http://192.168.10.10/in", "http://169.254.169.254/latest",
           "http://[fe80::1]/in", "http://224.0.0.1/in", "http://0.0.0.0/in",
           "http://unresolvable.invalid/in"]


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 answering 204 and keeping the body of each POST."""
    bodies: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", bodies
    server.shutdown()
    server.server_close()


def _tuned(settings: NotificationsSettings, *, allow_private: bool) -> NotificationsSettings:
    return settings.model_copy(update={"webhook_allow_private": allow_private,
                                       "webhook_retry_base": 0.2, "webhook_retry_max": 0.5})


async def _register(client: httpx.AsyncClient, signer: TokenSigner, url: str) -> httpx.Response:
    return await client.post(ENDPOINTS, headers=bearer(signer),
                             json={"url": url, "event_types": TYPES})


async def test_private_targets_are_refused_at_registration_and_nothing_is_stored(
    settings: NotificationsSettings, token_signer: TokenSigner,
) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(_tuned(settings, allow_private=False))) as client:
        answers = [await _register(client, token_signer, url) for url in REFUSED]
        listed = (await client.get(ENDPOINTS, headers=bearer(token_signer))).json()
    for url, answer in zip(REFUSED, answers, strict=True):
        assert answer.status_code == 422, (url, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["errors"][0]["field"] == "url", url
    assert "resolves to" not in answers[0].json()["detail"]
    assert "does not resolve" in answers[-1].json()["detail"]
    assert listed == []


async def test_a_change_to_a_private_target_is_refused_and_the_endpoint_keeps_its_url(
    settings: NotificationsSettings, token_signer: TokenSigner, receiver: tuple[str, list[str]],
) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(_tuned(settings, allow_private=True))) as client:
        endpoint = (await _register(client, token_signer, receiver[0])).json()
    async with running_client(build_app(_tuned(settings, allow_private=False))) as client:
        path = f"{ENDPOINTS}/{endpoint['id']}"
        refused = await client.patch(path, headers=bearer(token_signer),
                                     json={"url": "http://[::ffff:10.1.1.1]/x"})
        shown = (await client.get(path, headers=bearer(token_signer))).json()
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "url"
    assert shown["url"] == receiver[0]


async def _attempts(client: httpx.AsyncClient, signer: TokenSigner,
                    endpoint_id: str) -> list[dict[str, Any]]:
    for _ in range(200):
        answer = await client.get(f"{ENDPOINTS}/{endpoint_id}/deliveries", headers=bearer(signer))
        items: list[dict[str, Any]] = answer.json()["items"]
        if items:
            return items
        await asyncio.sleep(0.05)
    raise AssertionError("no attempt logged")


async def test_an_endpoint_on_a_private_address_is_checked_again_at_delivery_and_sent_nothing(
    settings: NotificationsSettings, token_signer: TokenSigner, receiver: tuple[str, list[str]],
) -> None:
    url, bodies = receiver
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(_tuned(settings, allow_private=True))) as client:
        endpoint = (await _register(client, token_signer, url)).json()
    async with running_client(build_app(_tuned(settings, allow_private=False))) as client:
        event = await publish_event(settings.amqp_url, InvoicePaid(invoice_id="i", account_id="a"))
        [attempt, *_] = await _attempts(client, token_signer, endpoint["id"])
    assert attempt["event_id"] == event.id and attempt["status_code"] is None
    assert attempt["error"].startswith("not sent: the URL's address 127.0.0.1 is loopback")
    assert bodies == []


async def test_the_loop_resolver_answers_a_names_addresses_and_refuses_an_unknown_one() -> None:
    addresses = await LoopResolver().addresses("localhost", 80)
    assert "127.0.0.1" in addresses or "::1" in addresses
    assert await LoopResolver().addresses("203.0.113.5", 443) == ["203.0.113.5"]
    with pytest.raises(OSError):
        await LoopResolver().addresses("unresolvable.invalid", 80)
