"""The MIME form of an email, and its bytes on the wire.

Flattening an attachment with the ``email`` package writes its base64 one 76-character line at
a time, most of the CPU an e-bill costs. ``wire_bytes`` flattens the message with a marker in
each attachment's place and puts the attachment's base64 (encoded at once, in C) there.
An email that needs no quoting beyond its subject is flattened by ``mime_head`` instead of the
``email`` package. ``data_bytes`` is the same message as the SMTP ``DATA`` command carries it:
the small flattened part normalised and dot-stuffed, then the base64 put in (its lines are
CRLF-ended and never start with a dot), so the ~100 KB of an e-bill are not scanned again line
by line.
"""

from __future__ import annotations

import base64
import re
import uuid
from email.message import EmailMessage
from email.utils import formatdate

from aiosmtplib.email import flatten_message

from notifications.adapters.mime_head import plain, written
from notifications.domain.message import Attachment, OutgoingEmail

__all__ = ["data_bytes", "mime_message", "wire_bytes"]

_LINE_END = re.compile(rb"\r\n|\n|\r")
_LEADING_DOT = re.compile(rb"(?m)^\.")


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


def _skeleton(email: OutgoingEmail, sender: str, cte_type: str) -> tuple[bytes, list[str]]:
    """The message flattened for SMTP with a marker in each attachment's place."""
    markers = [f"tarifa-attachment-{uuid.uuid4().hex}" for _ in email.attachments]
    if plain(email, sender):
        return written(email, sender, cte_type, markers), markers
    message = _headed(email, sender)
    if email.attachments:
        message.make_mixed()
    for attachment, marker in zip(email.attachments, markers, strict=True):
        message.attach(_marked_part(attachment, marker))
    return flatten_message(message, cte_type=cte_type), markers


def _spliced(flat: bytes, email: OutgoingEmail, markers: list[str]) -> bytes:
    for attachment, marker in zip(email.attachments, markers, strict=True):
        flat = flat.replace(marker.encode(), _base64_lines(attachment.data), 1)
    return flat


def wire_bytes(email: OutgoingEmail, sender: str, *, cte_type: str = "8bit") -> bytes:
    """``mime_message(email, sender)`` flattened for SMTP (CRLF, ASCII addresses), as
    ``aiosmtplib`` flattens it for a server that takes ``cte_type``."""
    flat, markers = _skeleton(email, sender, cte_type)
    return _spliced(flat, email, markers)


def data_bytes(email: OutgoingEmail, sender: str, *, cte_type: str = "8bit") -> bytes:
    """``wire_bytes`` as the ``DATA`` command sends them (RFC 5321 4.5.2): every line ended by
    CRLF, a leading dot doubled; the terminating ``.`` line is the sender's to add."""
    flat, markers = _skeleton(email, sender, cte_type)
    flat = _LEADING_DOT.sub(b"..", _LINE_END.sub(b"\r\n", flat))
    if not flat.endswith(b"\r\n"):
        flat += b"\r\n"
    return _spliced(flat, email, markers)
