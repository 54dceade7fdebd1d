"""Where a webhook may go, judged by the addresses its host resolves to, at registration and
again before each attempt (a name's records may have changed since)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from notifications.domain.webhook_url import (
    InvalidEndpointUrl,
    check_url,
    endpoint_host,
    refused_address,
)
from notifications.service.webhook_ports import AddressResolver

__all__ = ["AddressGuard"]


@dataclass(frozen=True, slots=True)
class AddressGuard:
    resolver: AddressResolver
    allow_private: bool

    async def check(self, url: str) -> str:
        """``url`` when it may be registered; ``InvalidEndpointUrl`` saying why not."""
        await self.pin(url)
        return url

    async def pin(self, url: str) -> str | None:
        """The vetted address to send ``url``'s webhooks to (None when private ones are allowed:
        resolve as usual); ``InvalidEndpointUrl`` when one of its addresses is refused."""
        check_url(url, allow_private=self.allow_private)
        if self.allow_private:
            return None
        host, port = endpoint_host(url)
        addresses = await self._resolved(host, port)
        for address in addresses:
            _vet(host, address)
        return addresses[0]

    async def _resolved(self, host: str, port: int) -> list[str]:
        try:
            addresses = await self.resolver.addresses(host, port)
        except OSError as exc:
            raise InvalidEndpointUrl(f"the URL's host {host} does not resolve") from exc
        if not addresses:
            raise InvalidEndpointUrl(f"the URL's host {host} does not resolve")
        return addresses


def _vet(host: str, address: str) -> None:
    # Every address must pass, not only the first: a client may fall back to any of them.
    reason = refused_address(ipaddress.ip_address(address.split("%", 1)[0]))
    if reason is not None:
        raise InvalidEndpointUrl(
            f"the URL's host {host} resolves to {address}, which is {reason}: not on the internet")
