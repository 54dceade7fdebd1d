"""A real SMTP server's mailbox (aiosmtpd handler) for the end-to-end tests."""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

__all__ = ["MailBox"]


class MailBox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    async def wait(self, count: int = 1, timeout: float = 60) -> list[EmailMessage]:
        for _ in range(int(timeout * 10)):
            if len(self.messages) >= count:
                return self.messages
            await asyncio.sleep(0.1)
        raise AssertionError(f"expected {count} messages, got {len(self.messages)}")
