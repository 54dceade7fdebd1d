"""Messages ready for a channel: an email (texts, attachments, a stable Message-ID) or an SMS."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Attachment", "OutgoingEmail", "OutgoingSms"]


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    recipient: str
    subject: str
    body: str
    message_id: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    """A text for one phone number; ``reference`` ties the SMSC's answers to the delivery."""

    recipient: str
    text: str
    reference: str
