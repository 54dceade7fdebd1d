"""The MIME form of an email, and its bytes on the wire.

Flattening an attachment with the ``email`` package writes its base64 one 76-character line at
a time, most of the CPU an e-bill costs. ``wire_bytes`` flattens the message with a marker in
each attachment's place and puts the attachment's base64 (encoded at once, in C) there.
"""

from __future__ import annotations

import base64
import uuid
from email.message import EmailMessage
from email.utils import formatdate

from aiosmtplib.email import flatten_message

from notifications.domain.message import Attachment, OutgoingEmail

__all__ = ["mime_message", "wire_bytes"]


def _headed(email: OutgoingEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.recipient
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = email.message_id
    message.set_content(email.body, charset="utf-8")
    return message


def mime_message(email: OutgoingEmail, sender: str) -> EmailMessage:
    """The MIME form of ``email``: non-ASCII headers RFC 2047-encoded, text in UTF-8."""
    message = _headed(email, sender)
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                               filename=attachment.filename)
    return message


def _marked_part(attachment: Attachment, marker: str) -> EmailMessage:
    part = EmailMessage()
    part["Content-Type"] = attachment.content_type
    part["Content-Transfer-Encoding"] = "base64"
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    part.set_payload(marker)
    return part


def _base64_lines(data: bytes) -> bytes:
    return base64.encodebytes(data).rstrip(b"\n").replace(b"\n", b"\r\n")


def wire_bytes(email: OutgoingEmail, sender: str, *, cte_type: str = "8bit") -> bytes:
    """``mime_message(email, sender)`` flattened for SMTP (CRLF, ASCII addresses), as
    ``aiosmtplib`` flattens it for a server that takes ``cte_type``."""
    message = _headed(email, sender)
    markers = [f"tarifa-attachment-{uuid.uuid4().hex}" for _ in email.attachments]
    if email.attachments:
        message.make_mixed()
    for attachment, marker in zip(email.attachments, markers, strict=True):
        message.attach(_marked_part(attachment, marker))
    flat = flatten_message(message, cte_type=cte_type)
    for attachment, marker in zip(email.attachments, markers, strict=True):
        flat = flat.replace(marker.encode(), _base64_lines(attachment.data), 1)
    return flat
