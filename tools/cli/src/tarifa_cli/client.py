"""The services' /v1 APIs over HTTP: a problem answer becomes ``Refused``, no answer ``Unreachable``."""

from __future__ import annotations

from typing import Any

import httpx

from .errors import Refused, Unreachable
from .settings import Settings

__all__ = ["Api"]


class Api:
    """One HTTP client for the five services, sending the bearer token when there is one."""

    def __init__(self, settings: Settings, token: str | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.settings = settings
        self._http = httpx.Client(headers=headers, timeout=settings.timeout, transport=transport)

    def call(self, service: str, method: str, path: str, **options: Any) -> httpx.Response:
        url = f"{self.settings.url(service)}{path}"
        try:
            response = self._http.request(method, url, **options)
        except httpx.TransportError as error:
            raise Unreachable(f"{service} at {self.settings.url(service)}: {error}") from error
        if response.status_code >= 400:
            raise Refused(response.status_code, _problem(response))
        return response

    def json(self, service: str, method: str, path: str, **options: Any) -> Any:
        return self.call(service, method, path, **options).json()

    def close(self) -> None:
        self._http.close()


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"title": response.reason_phrase, "detail": response.text[:500]}
    return body if isinstance(body, dict) else {"detail": str(body)}
