"""Signed webhook delivery with retries, as a gateway does it: at least once, maybe more."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from datetime import UTC, datetime

import httpx

from payments.sandbox.settings import GatewaySettings
from payments.sandbox.signing import SIGNATURE_HEADER, sign
from payments.sandbox.store import Session

__all__ = ["WebhookSender"]

log = logging.getLogger("payments.sandbox")


class WebhookSender:
    """Sends each settled session's notification in the background; can send it again."""

    def __init__(self, settings: GatewaySettings, client: httpx.AsyncClient) -> None:
        self._settings, self._client = settings, client
        self._tasks: set[asyncio.Task[bool]] = set()
        self._last: dict[str, bytes] = {}

    def notify(self, session: Session) -> None:
        """Build the session's notification and deliver it in the background."""
        body = json.dumps({
            "id": f"evt_{uuid.uuid4().hex}", "type": f"session.{session.status}",
            "created": datetime.now(UTC).isoformat(), "data": session.as_json(),
        }).encode()
        self._last[session.id] = body
        self._start(session.notify_url, body)

    def resend(self, session: Session) -> bool:
        """Deliver the session's last notification again, with the same event id."""
        body = self._last.get(session.id)
        if body is not None:
            self._start(session.notify_url, body)
        return body is not None

    def _start(self, url: str, body: bytes) -> None:
        task = asyncio.create_task(self._deliver(url, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, url: str, body: bytes) -> bool:
        delay = self._settings.webhook_backoff
        for _attempt in range(self._settings.webhook_attempts):
            if await self._post(url, body):
                return True
            await asyncio.sleep(delay)
            delay *= 2
        log.warning("webhook_undelivered url=%s", url)
        return False

    async def _post(self, url: str, body: bytes) -> bool:
        secret = self._settings.webhook_secret.get_secret_value()
        headers = {"Content-Type": "application/json",
                   SIGNATURE_HEADER: sign(secret, body, int(time.time()))}
        try:
            response = await self._client.post(url, content=body, headers=headers,
                                               timeout=self._settings.webhook_timeout)
        except httpx.HTTPError:
            return False
        return response.is_success

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
