"""The invoice and detailed bill PDFs, fetched from the invoicing API with the service's own
token from accounts.

The requests go through one aiohttp session (kept-open connections, its HTTP parser in C): an
e-bill's PDF fetch costs about a third of the CPU it took through httpx, which matters when a
billing run's e-bills are mailed at a few hundred a second. The session is opened on first use,
within the process's event loop, and closed at stop. It holds at most ``connections``
connections: invoicing reads each PDF on a database connection of its own, so a batch of
e-bills fetching theirs at once waits here for a free one rather than making invoicing open
(and close again) a database connection per request beyond its pool.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

import aiohttp
from tarifa.client_credentials import TokenUnavailable

from notifications.service.ports import SendFailed

__all__ = ["HttpInvoiceDocuments"]


class HttpInvoiceDocuments:
    """``GET /v1/invoices/{id}/pdf`` and ``/v1/detailed-bills/{id}/pdf`` on invoicing; 404 means
    not rendered yet."""

    def __init__(self, base_url: str, timeout: float, token: Callable[[], Awaitable[str]], *,
                 connections: int = 8) -> None:
        self._base_url, self._token = base_url.rstrip("/"), token
        self._timeout, self._connections = aiohttp.ClientTimeout(total=timeout), connections
        self._session: aiohttp.ClientSession | None = None

    async def invoice_pdf(self, invoice_id: str) -> bytes | None:
        return await self._pdf(f"/v1/invoices/{quote(invoice_id, safe='')}/pdf")

    async def detailed_bill_pdf(self, bill_id: str) -> bytes | None:
        return await self._pdf(f"/v1/detailed-bills/{quote(bill_id, safe='')}/pdf")

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def _opened(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, trust_env=True,
                connector=aiohttp.TCPConnector(limit=self._connections))
        return self._session

    async def _pdf(self, path: str) -> bytes | None:
        try:
            headers = {"Authorization": f"Bearer {await self._token()}", "Accept": "application/pdf"}
            return await self._get(path, headers)
        except TokenUnavailable as exc:
            raise SendFailed(f"no token for invoicing: {exc}") from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise SendFailed(f"invoicing unreachable: {exc!r}") from exc

    async def _get(self, path: str, headers: dict[str, str]) -> bytes | None:
        async with self._opened().get(self._base_url + path, headers=headers) as response:
            if response.status == 404:
                return None
            if response.status != 200:
                raise SendFailed(f"invoicing answered {response.status} for {path}")
            return await response.read()
