"""A local RFC 3161 time-stamping authority over HTTP, for development and tests.

``python -m invoicing.adapters.pdf.tsa [PORT]`` serves the development TSA of
``INVOICING_DOCUMENTS_DIR`` (made at first start) at ``http://127.0.0.1:PORT/`` (default 8318);
point ``INVOICING_TSA_URL`` at it to sign through the same HTTP client as with an accredited TSA.
Requests are parsed and answers built by pyHanko's ``DummyTimeStamper`` (asn1crypto structures).
"""

from __future__ import annotations

import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import tsp
from pyhanko.sign.timestamps import DummyTimeStamper

from ._dev_ca import ensure_dev_authority
from .config import DEFAULT_DOCUMENTS_DIR
from .credentials import dev_timestamper

__all__ = ["LocalTsa", "main"]

_MAX_REQUEST = 64 * 1024


class LocalTsa:
    """An HTTP TSA on 127.0.0.1 answering with ``timestamper``; ``port=0`` picks a free port."""

    def __init__(self, timestamper: DummyTimeStamper, port: int = 0) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(timestamper))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def start(self) -> LocalTsa:
        self._thread.start()
        return self

    def serve(self) -> None:
        """Serve in the calling thread until interrupted."""
        try:
            self._server.serve_forever()
        except KeyboardInterrupt:
            self._server.server_close()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(timestamper: DummyTimeStamper) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            query = self.headers.get("Content-Type") == "application/timestamp-query"
            if not query or not 0 < length <= _MAX_REQUEST:
                self.send_error(400, "expected an application/timestamp-query body")
                return
            try:
                with lock:
                    request = tsp.TimeStampReq.load(self.rfile.read(length))
                    answer = timestamper.request_tsa_response(request).dump()
            except (ValueError, TypeError, KeyError):  # asn1crypto's parse errors of a malformed query
                self.send_error(400, "malformed time-stamp query")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            """Silent: one line per timestamp would drown the service's own logs."""

    return Handler


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(os.environ.get("INVOICING_DOCUMENTS_DIR") or DEFAULT_DOCUMENTS_DIR)
    timestamper = dev_timestamper(ensure_dev_authority(folder / "dev-signing"))
    tsa = LocalTsa(timestamper, int(args[0]) if args else 8318)
    print(f"development TSA at {tsa.url}", flush=True)
    tsa.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
