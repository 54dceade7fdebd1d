"""The invoice and detailed bill PDFs, fetched from the invoicing API with the service's own
token from accounts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

import httpx
from tarifa.client_credentials import TokenUnavailable

from notifications.service.ports import SendFailed

__all__ = ["HttpInvoiceDocuments"]


class HttpInvoiceDocuments:
    """``GET /v1/invoices/{id}/pdf`` and ``/v1/detailed-bills/{id}/pdf`` on invoicing; 404 means
    not rendered yet."""

    def __init__(self, client: httpx.AsyncClient, token: Callable[[], Awaitable[str]]) -> None:
        self._client, self._token = client, token

    async def invoice_pdf(self, invoice_id: str) -> bytes | None:
        return await self._pdf(f"/v1/invoices/{quote(invoice_id, safe='')}/pdf")

    async def detailed_bill_pdf(self, bill_id: str) -> bytes | None:
        return await self._pdf(f"/v1/detailed-bills/{quote(bill_id, safe='')}/pdf")

    async def _pdf(self, path: str) -> bytes | None:
        try:
            response = await self._client.get(
                path,
                headers={"Authorization": f"Bearer {await self._token()}",
                         "Accept": "application/pdf"})
        except TokenUnavailable as exc:
            raise SendFailed(f"no token for invoicing: {exc}") from exc
        except httpx.HTTPError as exc:
            raise SendFailed(f"invoicing unreachable: {exc!r}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise SendFailed(f"invoicing answered {response.status_code} for {path}")
        return response.content
