"""Email over SMTP (aiosmtplib): UTF-8 MIME messages with attachments, on kept-open
connections."""

from __future__ import annotations

import asyncio
import contextlib

import aiosmtplib
from aiosmtplib.typing import SMTPStatus

from notifications.adapters.mime import data_bytes, mime_message
from notifications.domain.message import OutgoingEmail
from notifications.service.ports import SendFailed

__all__ = ["SmtpMailer", "mime_message"]


def _ascii(*addresses: str) -> bool:
    return all(address.isascii() for address in addresses)


async def _hand_over(client: aiosmtplib.SMTP, email: OutgoingEmail, sender: str) -> None:
    """Send ``email`` on ``client``: its DATA bytes as they are, or (non-ASCII addresses, which
    need SMTPUTF8) the MIME message as aiosmtplib flattens it."""
    if not _ascii(sender, email.recipient):
        await client.send_message(mime_message(email, sender))
        return
    eight_bit = client.supports_extension("8bitmime")
    data = data_bytes(email, sender, cte_type="8bit" if eight_bit else "7bit")
    options = ["BODY=8BITMIME"] if eight_bit else []
    if client.supports_extension("size"):
        options.insert(0, f"SIZE={len(data)}")
    try:
        await _transaction(client, sender, email.recipient, data, options)
    except aiosmtplib.SMTPResponseException:
        with contextlib.suppress(ConnectionError, aiosmtplib.SMTPResponseException):
            await client.rset()  # the envelope is reset for the next message, as sendmail does
        raise


async def _transaction(client: aiosmtplib.SMTP, sender: str, recipient: str, data: bytes,
                       options: list[str]) -> None:
    """MAIL, RCPT and DATA with ``data`` already in its DATA form (``data_bytes``): written as
    it is, not normalised and dot-stuffed again as ``SMTP.sendmail`` would, line by line."""
    await client.mail(sender, options=options)
    await client.rcpt(recipient)
    started = await client.execute_command(b"DATA")
    if started.code != SMTPStatus.start_input:
        raise aiosmtplib.SMTPDataError(started.code, started.message)
    protocol = client.protocol
    if protocol is None:
        raise aiosmtplib.SMTPServerDisconnected("Connection lost")
    protocol.write(data)
    protocol.write(b".\r\n")
    done = await protocol.read_response(timeout=client.timeout)
    if done.code != SMTPStatus.completed:
        raise aiosmtplib.SMTPDataError(done.code, done.message)


_UNREACHABLE = (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected,
                aiosmtplib.SMTPTimeoutError, OSError, TimeoutError)


def _permanent(exc: aiosmtplib.SMTPException) -> bool:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(refused.code >= 500 for refused in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500


class SmtpMailer:
    """Hands messages to one SMTP server over kept-open connections (at most ``connections``).

    A connection is opened when no idle one is left and kept for the next message; one that
    fails is dropped. A message that meets a connection the server closed while it was idle is
    sent once more on a new connection (the server had not taken it). Refused for good (5xx) is
    permanent, anything else transient.
    """

    def __init__(self, *, host: str, port: int, sender: str, timeout: float,
                 username: str | None = None, password: str | None = None,
                 starttls: bool = False, connections: int = 4) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._username, self._password, self._starttls = username, password, starttls
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[aiosmtplib.SMTP] = []

    async def send(self, email: OutgoingEmail) -> None:
        async with self._slots:
            try:
                await self._send(email)
            except _UNREACHABLE as exc:
                raise SendFailed(f"SMTP server unreachable: {exc}") from exc
            except aiosmtplib.SMTPException as exc:
                raise SendFailed(f"SMTP: {exc}", permanent=_permanent(exc)) from exc

    async def _send(self, email: OutgoingEmail) -> None:
        if self._idle:
            client = self._idle.pop()
            try:
                await self._through(client, email)
                return
            except aiosmtplib.SMTPServerDisconnected:
                pass  # closed while idle: the message was not taken, so it goes on a new one
        await self._through(await self._connect(), email)

    async def _through(self, client: aiosmtplib.SMTP, email: OutgoingEmail) -> None:
        try:
            await _hand_over(client, email, self._sender)
        except BaseException:
            client.close()
            raise
        self._idle.append(client)

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(hostname=self._host, port=self._port, timeout=self._timeout,
                                 start_tls=self._starttls, username=self._username,
                                 password=self._password)
        await client.connect()
        if client.is_ehlo_or_helo_needed:
            await client.ehlo()
        return client

    async def close(self) -> None:
        """Say goodbye on every idle connection (at stop)."""
        idle, self._idle = self._idle, []
        for client in idle:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()
