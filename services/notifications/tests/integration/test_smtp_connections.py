"""The mailer keeps its SMTP connections open from one message to the next, against a real
SMTP server (aiosmtpd), and gets over a connection the server dropped while it was idle."""

from __future__ import annotations

import asyncio
from typing import Any

from notifications.adapters.smtp import SmtpMailer
from notifications.domain.message import OutgoingEmail

from ..conftest import MailBox, SmtpServer


class CountingMailBox(MailBox):
    """Counts the sessions (one EHLO per connection) besides keeping the messages."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions = 0

    async def handle_EHLO(self, _server: Any, session: Any, _envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses


def _email(n: int) -> OutgoingEmail:
    return OutgoingEmail(f"client{n}@example.md", f"Factura {n}", "Suma de plată: 1.00 MDL",
                         f"<message-{n}@tarifa.local>")


def _mailer(server: SmtpServer, connections: int) -> SmtpMailer:
    return SmtpMailer(host="127.0.0.1", port=server.port, sender="billing@tarifa.local",
                      timeout=5, connections=connections)


async def test_messages_share_a_few_kept_open_connections() -> None:
    server = SmtpServer()
    server.mailbox = box = CountingMailBox()
    server.start()
    mailer = _mailer(server, connections=2)
    try:
        await asyncio.gather(*(mailer.send(_email(n)) for n in range(30)))
    finally:
        await mailer.close()
        server.stop()
    assert sorted(m["Subject"] for m in box.messages) == sorted(f"Factura {n}" for n in range(30))
    assert box.sessions == 2


async def test_a_connection_dropped_while_idle_is_replaced_and_the_message_sent_once() -> None:
    server = SmtpServer()
    box = server.start()
    mailer = _mailer(server, connections=1)
    try:
        await mailer.send(_email(1))
        server.stop()  # the server goes away with the mailer's connection
        server.start()
        await mailer.send(_email(2))
    finally:
        await mailer.close()
        server.stop()
    assert [m["Subject"] for m in box.messages] == ["Factura 1", "Factura 2"]
