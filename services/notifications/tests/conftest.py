"""Fixtures of the notifications tests: a fresh database, a real SMTP server (aiosmtpd), a real
SMSC speaking SMPP over TCP (the simulator), a real HTTP server standing in for the invoicing
PDF endpoint and accounts' token endpoint, and the app on the run's vhost."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from notifications.adapters.smsc_simulator import SmscSimulator
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from pydantic import SecretStr
from tarifa.auth import Principal, Role
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.testing.keys import TEST_SIGNER
from tarifa.tokens import TokenSigner

CLIENT_SECRET = "notifications-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailBox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, recipient: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == recipient]


class SmtpServer:
    """A real SMTP server on a fixed free port, started when a test wants it up."""

    def __init__(self) -> None:
        self.port, self.mailbox = free_port(), MailBox()
        self._controller: Controller | None = None

    def start(self) -> MailBox:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self.mailbox

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class InvoicingServer:
    """A real HTTP server answering ``GET /v1/invoices/{id}/pdf`` from ``documents`` (else 404),
    and, in accounts' stead, ``POST /v1/auth/token`` for the service's own API client."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.authorizations: list[str] = []
        self.issued_token = TEST_SIGNER.issue(Principal("notifications", Role.OPERATOR))
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                known = form.get("client_secret") == [CLIENT_SECRET]
                body = json.dumps({"access_token": server.issued_token, "token_type": "bearer",
                                   "expires_in": 3600} if known else {}).encode()
                self.send_response(200 if known else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                server.authorizations.append(self.headers.get("Authorization", ""))
                invoice_id = self.path.removeprefix("/v1/invoices/").removesuffix("/pdf")
                body = server.documents.get(invoice_id)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/pdf" if body else "application/json")
                self.send_header("Content-Length", str(len(body or b"{}")))
                self.end_headers()
                self.wfile.write(body or b"{}")

            def log_message(self, *_args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp: SmtpServer) -> MailBox:
    return smtp.start()


@pytest.fixture
def invoicing() -> Iterator[InvoicingServer]:
    server = InvoicingServer()
    yield server
    server.close()


@pytest_asyncio.fixture
async def smsc() -> AsyncIterator[SmscSimulator]:
    """The SMSC simulator on a fixed free port, not started: a test starts it when it wants."""
    simulator = SmscSimulator(port=free_port())
    yield simulator
    await simulator.stop()


@pytest_asyncio.fixture
async def settings(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                   token_signer: TokenSigner, smtp: SmtpServer, smsc: SmscSimulator,
                   invoicing: InvoicingServer) -> NotificationsSettings:
    url = await make_database("notifications")
    return NotificationsSettings(
        database_url=url, amqp_url=amqp_url, jwt_public_key=token_signer.public_pem(), test_mode=True,
        relay_interval=0.05, smtp_port=smtp.port, invoicing_url=invoicing.url,
        accounts_url=invoicing.url, client_secret=SecretStr(CLIENT_SECRET),
        smpp_port=smsc.port, smpp_reconnect_interval=0.1, smpp_timeout=2.0,
        send_retry_base=0.05, send_retry_max=0.2, send_max_attempts=1000, dispatch_interval=0.05)


@pytest_asyncio.fixture
async def client(settings: NotificationsSettings) -> AsyncIterator[httpx.AsyncClient]:
    await prepare_database(MIGRATIONS, settings.dsn)
    async with running_client(build_app(settings)) as client:
        yield client
