"""POSTing webhooks with httpx: the endpoint's faults become outcomes, never exceptions.

Redirects are not followed (a signed message goes only where it was registered to go), and
only the first bytes of an answer are kept for the log. A webhook with a vetted address is sent
to that address, the URL's host named in ``Host`` and (https) in TLS's SNI and certificate check,
so the name is not resolved a second time. The client should not take proxies from the
environment (``trust_env=False``): a proxy would resolve the name itself.
"""

from __future__ import annotations

import ipaddress
import time
from typing import Any

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
            response = await self._client.send(_request(self._client, webhook),
                                               follow_redirects=False)
        except httpx.HTTPError as exc:
            return AttemptOutcome(None, _since(started), f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS])
        error = None if response.is_success else f"HTTP {response.status_code}: {response.text}"
        return AttemptOutcome(response.status_code, _since(started),
                              error[:_ERROR_CHARS] if error else None)


def _request(client: httpx.AsyncClient, webhook: OutgoingWebhook) -> httpx.Request:
    url, extensions = httpx.URL(webhook.url), dict[str, Any]()
    headers = {**webhook.headers, "user-agent": _USER_AGENT, "host": url.netloc.decode("ascii")}
    if webhook.address is not None:
        if url.scheme == "https":
            extensions["sni_hostname"] = url.host
        url = url.copy_with(host=_bare(webhook.address))
    return client.build_request("POST", url, content=webhook.body.encode(), headers=headers,
                                extensions=extensions)


def _bare(address: str) -> str:
    """The address as a URL's host takes it (no IPv6 zone: the URL form cannot carry it)."""
    return str(ipaddress.ip_address(address.split("%", 1)[0]))


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
