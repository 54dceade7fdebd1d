"""Email over SMTP (aiosmtplib): UTF-8 MIME messages with attachments."""

from __future__ import annotations

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
    """Hands messages to one SMTP server; refused for good (5xx) is permanent, else transient."""

    def __init__(self, *, host: str, port: int, sender: str, timeout: float,
                 username: str | None = None, password: str | None = None,
                 starttls: bool = False) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._username, self._password, self._starttls = username, password, starttls

    async def send(self, email: OutgoingEmail) -> None:
        try:
            await aiosmtplib.send(
                mime_message(email, self._sender), hostname=self._host, port=self._port,
                timeout=self._timeout, username=self._username, password=self._password,
                start_tls=self._starttls)
        except _UNREACHABLE as exc:
            raise SendFailed(f"SMTP server unreachable: {exc}") from exc
        except aiosmtplib.SMTPException as exc:
            raise SendFailed(f"SMTP: {exc}", permanent=_permanent(exc)) from exc
