"""Rating's rated records of an account, read page by page over its HTTP API with the service's
own token (``GET /v1/accounts/{id}/usage``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
from tarifa.client_credentials import TokenUnavailable

from invoicing.domain.usage_record import UsageRecord
from invoicing.service.ports import RecordsUnavailable

__all__ = ["HttpRatedUsage"]

PAGE = 1000


def _record(item: Mapping[str, Any]) -> UsageRecord:
    return UsageRecord(
        id=str(item["id"]), msisdn=str(item["msisdn"]),
        started_at=datetime.fromisoformat(str(item["started_at"])), type=str(item["type"]),
        direction=str(item["direction"]), zone=str(item["zone"]), quantity=int(item["quantity"]),
        other_party=item.get("other_party"), roaming_country=item.get("roaming_country"),
        net=Decimal(str(item["net"])), vat=Decimal(str(item["vat"])),
        gross=Decimal(str(item["gross"])))


class HttpRatedUsage:
    """A 404 (an account rating never heard of) means no records."""

    def __init__(self, client: httpx.AsyncClient, token: Callable[[], Awaitable[str]]) -> None:
        self._client, self._token = client, token

    async def records(self, account_id: str, first: date, last: date,
                      direction: str) -> list[UsageRecord]:
        found: list[UsageRecord] = []
        cursor: str | None = None
        while True:
            page = await self._page(account_id, {"from": first.isoformat(), "to": last.isoformat(),
                                                 "direction": direction, "limit": PAGE}, cursor)
            found += [_record(item) for item in page.get("items", [])]
            if not (cursor := page.get("next_cursor")):
                return found

    async def _page(self, account_id: str, params: dict[str, Any],
                    cursor: str | None) -> dict[str, Any]:
        wanted = params | ({"cursor": cursor} if cursor else {})
        try:
            response = await self._client.get(
                f"/v1/accounts/{quote(account_id, safe='')}/usage", params=wanted,
                headers={"Authorization": f"Bearer {await self._token()}"})
        except TokenUnavailable as exc:
            raise RecordsUnavailable(f"no token for rating: {exc}") from exc
        except httpx.HTTPError as exc:
            raise RecordsUnavailable(f"rating unreachable: {exc!r}") from exc
        if response.status_code == 404:
            return {}
        if response.status_code != 200:
            raise RecordsUnavailable(f"rating answered {response.status_code} for the records")
        page: dict[str, Any] = response.json()
        return page
