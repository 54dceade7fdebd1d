"""Email over SMTP (aiosmtplib): UTF-8 MIME messages with attachments, on kept-open
connections."""

from __future__ import annotations

import asyncio
import contextlib
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from notifications.domain.message import OutgoingEmail
from notifications.service.ports import SendFailed

__all__ = ["SmtpMailer", "mime_message"]


def mime_message(email: OutgoingEmail, sender: str) -> EmailMessage:
    """The MIME form of ``email``: non-ASCII headers RFC 2047-encoded, text in UTF-8."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.recipient
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = email.message_id
    message.set_content(email.body, charset="utf-8")
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                               filename=attachment.filename)
    return message


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
        message = mime_message(email, self._sender)
        async with self._slots:
            try:
                await self._send(message)
            except _UNREACHABLE as exc:
                raise SendFailed(f"SMTP server unreachable: {exc}") from exc
            except aiosmtplib.SMTPException as exc:
                raise SendFailed(f"SMTP: {exc}", permanent=_permanent(exc)) from exc

    async def _send(self, message: EmailMessage) -> None:
        if self._idle:
            client = self._idle.pop()
            try:
                await self._through(client, message)
                return
            except aiosmtplib.SMTPServerDisconnected:
                pass  # closed while idle: the message was not taken, so it goes on a new one
        await self._through(await self._connect(), message)

    async def _through(self, client: aiosmtplib.SMTP, message: EmailMessage) -> None:
        try:
            await client.send_message(message)
        except BaseException:
            client.close()
            raise
        self._idle.append(client)

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(hostname=self._host, port=self._port, timeout=self._timeout,
                                 start_tls=self._starttls, username=self._username,
                                 password=self._password)
        await client.connect()
        return client

    async def close(self) -> None:
        """Say goodbye on every idle connection (at stop)."""
        idle, self._idle = self._idle, []
        for client in idle:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()
