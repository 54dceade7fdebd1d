"""A local mail catcher: an SMTP server (aiosmtpd) keeping every message, and a small web page.

Each message is also saved as ``<n>.eml`` in a folder, so they can be opened after the catcher
stops. The page lists them (``/``) and shows one (``/<n>``) with its text and attachments' names;
``/<n>.eml`` is the raw message.

Usage: ``python deploy/local/mailcatcher.py [--smtp-port 1025] [--http-port 1080] [--dir DIR]``.
"""

from __future__ import annotations

import argparse
import html
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

__all__ = ["MailCatcher"]


class MailCatcher:
    """aiosmtpd's handler and the web page over the same list of messages."""

    def __init__(self, folder: Path, smtp_port: int, http_port: int) -> None:
        self.folder, self.smtp_port, self.http_port = folder, smtp_port, http_port
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._smtp = Controller(self, hostname="127.0.0.1", port=smtp_port)
        self._http = ThreadingHTTPServer(("127.0.0.1", http_port), _page_handler(self))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append(parsed)
            (self.folder / f"{len(self.messages)}.eml").write_bytes(envelope.content)
        return "250 OK"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._smtp.start()
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._smtp.stop()
        self._http.shutdown()
        self._http.server_close()

    def listing(self) -> str:
        rows = "".join(
            f"<tr><td><a href='/{n}'>{n}</a></td><td>{_e(m['To'])}</td><td>{_e(m['Subject'])}</td>"
            f"<td>{len(list(m.iter_attachments()))}</td></tr>"
            for n, m in enumerate(self.messages, start=1))
        return _html("Tarifa mail catcher", f"<p>{len(self.messages)} messages</p><table>"
                     f"<tr><th>#</th><th>To</th><th>Subject</th><th>Attachments</th></tr>{rows}</table>")

    def message(self, number: int) -> str:
        message = self.messages[number - 1]
        body = message.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        files = ", ".join(_e(a.get_filename()) for a in message.iter_attachments())
        return _html(_e(message["Subject"]), f"<p>To {_e(message['To'])} · from "
                     f"{_e(message['From'])} · <a href='/{number}.eml'>raw</a></p>"
                     f"<p>Attachments: {files or 'none'}</p><pre>{_e(text)}</pre>")


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _html(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{title}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .6em;"
            f"text-align:left}}</style><h1>{title}</h1>{body}</html>")


def _page_handler(catcher: MailCatcher) -> type[BaseHTTPRequestHandler]:
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = self.path.strip("/")
            if name.endswith(".eml") and (catcher.folder / name).is_file():
                return self._send(200, (catcher.folder / name).read_bytes(), "message/rfc822")
            if name.isdigit() and 0 < int(name) <= len(catcher.messages):
                return self._send(200, catcher.message(int(name)).encode(), "text/html")
            if name == "":
                return self._send(200, catcher.listing().encode(), "text/html")
            return self._send(404, b"no such message", "text/plain")

        def _send(self, status: int, content: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=1080)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    options = parser.parse_args()
    catcher = MailCatcher(options.dir, options.smtp_port, options.http_port)
    catcher.start()
    print(f"SMTP on 127.0.0.1:{options.smtp_port}, messages on {catcher.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        catcher.stop()


if __name__ == "__main__":
    main()
