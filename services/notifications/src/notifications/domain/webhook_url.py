"""Which URLs an endpoint may have: absolute http(s), a host, no credentials, no control
characters; loopback and unspecified addresses only where the policy allows them (test mode)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["InvalidEndpointUrl", "check_url"]

_MAX_LENGTH = 2000
_LOCAL_NAMES = {"localhost", "localhost.localdomain"}


class InvalidEndpointUrl(ValueError):
    """A URL the suite does not send webhooks to."""


def _is_local(host: str) -> bool:
    if host.lower() in _LOCAL_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_link_local


def _checked_parts(url: str) -> tuple[str, str]:
    if len(url) > _MAX_LENGTH or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise InvalidEndpointUrl("the URL is too long or has spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidEndpointUrl("the URL must be absolute http:// or https:// with a host")
    if parts.username is not None or parts.password is not None:
        raise InvalidEndpointUrl("the URL must not carry credentials")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise InvalidEndpointUrl("the URL's port is not a valid port") from exc
    return parts.scheme, parts.hostname


def check_url(url: str, *, allow_loopback: bool) -> str:
    """``url`` when the suite may send to it; ``InvalidEndpointUrl`` saying why not."""
    _scheme, host = _checked_parts(url)
    if _is_local(host) and not allow_loopback:
        raise InvalidEndpointUrl("the URL points at this host (loopback addresses are refused)")
    return url
