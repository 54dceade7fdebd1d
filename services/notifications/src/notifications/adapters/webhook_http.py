"""POSTing webhooks with httpx: the endpoint's faults become outcomes, never exceptions.

Redirects are not followed (a signed message goes only where it was registered to go), and
only the first bytes of an answer are kept for the log.
"""

from __future__ import annotations

import time

import httpx

from notifications.domain.webhook_delivery import AttemptOutcome
from notifications.service.webhook_ports import OutgoingWebhook

__all__ = ["HttpWebhookPoster"]

_USER_AGENT = "Tarifa-Webhooks/1"
_ERROR_CHARS = 300


class HttpWebhookPoster:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def post(self, webhook: OutgoingWebhook) -> AttemptOutcome:
        started = time.perf_counter()
        try:
            response = await self._client.post(
                webhook.url, content=webhook.body.encode(),
                headers={**webhook.headers, "user-agent": _USER_AGENT}, follow_redirects=False)
        except httpx.HTTPError as exc:
            return AttemptOutcome(None, _since(started), f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS])
        error = None if response.is_success else f"HTTP {response.status_code}: {response.text}"
        return AttemptOutcome(response.status_code, _since(started),
                              error[:_ERROR_CHARS] if error else None)


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
