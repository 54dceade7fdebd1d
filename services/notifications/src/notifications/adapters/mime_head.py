"""The flattened form of a plain email written directly, without the ``email`` package.

Building and folding headers through the ``email`` package's header registry costs about 2 ms
of CPU a message, the most of what is left of an e-bill's. An email whose addresses, Message-ID,
attachment names and types need no quoting or encoding (``plain``: every e-bill, its filename
made safe beforehand) is written here as that package writes it: the same headers in the same
order, the subject as RFC 2047 encoded words when it is not short printable ASCII, the text in
UTF-8 (7bit or 8bit when its lines are short, else base64), each attachment's place marked for
its base64. Any other email is left to the ``email`` package.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Sequence
from email.utils import formatdate

from notifications.domain.message import Attachment, OutgoingEmail

__all__ = ["plain", "written"]

_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
_MESSAGE_ID = re.compile(r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]+>")
_FILENAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CONTENT_TYPE = re.compile(r"[a-z0-9.+-]+/[a-z0-9.+-]+")
_SHORT_LINE = 78
_WORD_BYTES = 39
"""UTF-8 bytes per encoded word: 52 base64 characters, 64 with ``=?utf-8?b?...?=``, so even the
first line (``Subject: `` and a word) stays within 78 characters."""


def plain(email: OutgoingEmail, sender: str) -> bool:
    """Whether ``written`` can write ``email``."""
    return (all(_ADDRESS.fullmatch(address) for address in (sender, email.recipient))
            and email.subject.isprintable()
            and _MESSAGE_ID.fullmatch(email.message_id) is not None
            and all(_FILENAME.fullmatch(a.filename) and _CONTENT_TYPE.fullmatch(a.content_type)
                    for a in email.attachments))


def _subject(subject: str) -> str:
    if (subject.isascii() and "=?" not in subject
            and len(subject) + 9 <= _SHORT_LINE and subject == subject.strip()):
        return subject
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(chunk).decode()}?="
                        for chunk in _chunks(subject))


def _chunks(text: str) -> list[bytes]:
    """``text`` in UTF-8, cut between characters into pieces of at most ``_WORD_BYTES``."""
    chunks, current = [], b""
    for char in text:
        encoded = char.encode()
        if len(current) + len(encoded) > _WORD_BYTES:
            chunks.append(current)
            current = b""
        current += encoded
    return [*chunks, current] if current or not chunks else chunks


def _text(body: str, cte_type: str) -> tuple[str, bytes]:
    """The transfer encoding of the text and its bytes on the wire, every line ended by CRLF.

    Text that cannot go as it is (long lines, or 8bit where only 7bit is taken) is base64 of
    the text with its lines ended by LF, as the ``email`` package encodes it."""
    lines = body.encode().splitlines()
    content = b"".join(line + b"\r\n" for line in lines) or b"\r\n"
    if max((len(line) for line in lines), default=0) <= _SHORT_LINE:
        if content.isascii():
            return "7bit", content
        if cte_type == "8bit":
            return "8bit", content
    return "base64", _base64(content.replace(b"\r\n", b"\n"))


def _base64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _head(email: OutgoingEmail, sender: str) -> str:
    return (f"From: {sender}\r\nTo: {email.recipient}\r\nSubject: {_subject(email.subject)}\r\n"
            f"Date: {formatdate(usegmt=True).removesuffix('GMT')}+0000\r\n"
            f"Message-ID: {email.message_id}\r\nMIME-Version: 1.0\r\n")


def _text_part(body: str, cte_type: str) -> tuple[bytes, bytes]:
    encoding, content = _text(body, cte_type)
    return (f'Content-Type: text/plain; charset="utf-8"\r\n'
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n").encode(), content


def _attachment_part(attachment: Attachment, marker: str) -> bytes:
    return (f"Content-Type: {attachment.content_type}\r\nContent-Transfer-Encoding: base64\r\n"
            f'Content-Disposition: attachment; filename="{attachment.filename}"\r\n\r\n'
            f"{marker}").encode()


def _mixed(head: bytes, parts: Sequence[bytes], boundary: str) -> bytes:
    """``head`` of a multipart/mixed message and its ``parts``, each ended without a newline."""
    delimiter = f"--{boundary}\r\n".encode()
    return b"".join([head, f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
                     .encode(), *(delimiter + part + b"\r\n" for part in parts),
                     f"--{boundary}--\r\n".encode()])


def written(email: OutgoingEmail, sender: str, cte_type: str, markers: Sequence[str]) -> bytes:
    """The flattened ``email`` (a ``plain`` one), each attachment's base64 replaced by its
    marker, as ``aiosmtplib.email.flatten_message`` gives it for ``cte_type``."""
    head = _head(email, sender).encode()
    headers, content = _text_part(email.body, cte_type)
    if not email.attachments:
        return head + headers + content
    parts = [_attachment_part(a, m) for a, m in zip(email.attachments, markers, strict=True)]
    return _mixed(head, [headers + content, *parts], f"==tarifa{uuid.uuid4().hex[:24]}==")
