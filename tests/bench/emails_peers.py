"""The e-bill email bench's peers: the SMTP server's mailbox and the HTTP server answering as
invoicing (``GET /v1/invoices/{id}/pdf``, bearer token) and accounts (``POST /v1/auth/token``).

Used by ``emails.py``; the PDF is a real signed e-bill from the document engine.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesHeaderParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from invoicing.adapters.pdf import build_renderer
from tarifa.auth import Principal, Role
from tarifa.testing.keys import TEST_SIGNER
from tarifa.testing.modules import beside

SECRET = "bench-notifications-secret"


class MailBox:
    """An aiosmtpd handler counting what it accepts, and the distinct Message-IDs."""

    def __init__(self) -> None:
        self.count, self.message_ids, self.with_pdf = 0, set[str](), 0

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        headers = BytesHeaderParser().parsebytes(envelope.content.partition(b"\r\n\r\n")[0])
        self.message_ids.add(str(headers["Message-ID"]))
        self.with_pdf += b"Content-Type: application/pdf" in envelope.content
        self.count += 1
        return "250 OK"


def signed_pdf() -> bytes:
    """One signed e-bill as the document engine makes it (development CA and TSA)."""
    ebills = beside(__file__, "ebills")

    async def render(folder: str) -> bytes:
        renderer = build_renderer(ebills._Settings(documents_dir=Path(folder), signing_workers=1))
        try:
            return (await renderer.render([ebills._statement(1)]))[0]  # type: ignore[no-any-return]
        finally:
            await renderer.close()

    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(render(folder))


@contextmanager
def invoicing_server(pdf: bytes) -> Iterator[str]:
    """Invoicing's PDF endpoint (bearer token required) and accounts' token endpoint."""
    token = TEST_SIGNER.issue(Principal("notifications", Role.OPERATOR))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real API server

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            form = self.rfile.read(int(self.headers["Content-Length"])).decode()
            known = f"client_secret={SECRET}" in form
            body = {"access_token": token, "token_type": "bearer", "expires_in": 3600}
            self._answer(200 if known else 401, json.dumps(body if known else {}).encode(),
                         "application/json")

        def do_GET(self) -> None:
            if self.headers.get("Authorization") != f"Bearer {token}":
                self._answer(401, b'{"title": "Unauthorized"}', "application/problem+json")
            elif self.path.startswith("/v1/invoices/bench-") and self.path.endswith("/pdf"):
                self._answer(200, pdf, "application/pdf")
            else:
                self._answer(404, b'{"title": "Not Found"}', "application/problem+json")

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
