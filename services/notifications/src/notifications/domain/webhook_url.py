"""Which URLs an endpoint may have: absolute http(s), a host, no credentials, no control
characters, and an address on the public internet.

The suite's own network is off limits to an endpoint: an address that is loopback, private,
link-local, multicast, reserved, unspecified or otherwise not global (IPv4 and IPv6, an IPv6 that
maps an IPv4 judged as that IPv4, the decimal, octal and hex spellings ``inet_aton`` accepts) is
refused unless the policy allows private targets (local development, tests). Names are judged by
the addresses they resolve to, which the service layer looks up; ``localhost`` names need none.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

__all__ = ["InvalidEndpointUrl", "check_url", "endpoint_host", "literal_address",
           "refused_address"]

_MAX_LENGTH = 2000
_LOCAL_NAMES = {"localhost", "localhost.localdomain"}
_IPV4_SPELLING = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.IGNORECASE)
_KINDS = ("loopback", "unspecified", "link_local", "multicast", "private", "reserved")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class InvalidEndpointUrl(ValueError):
    """A URL the suite does not send webhooks to."""


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells, in any form a resolver would take literally; None for a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if not _IPV4_SPELLING.match(host.rstrip(".")):
        return None
    try:  # 2130706433, 0177.0.0.1, 0x7f.1: what the C library makes of them
        return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
    except OSError:
        return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded(address: ipaddress.IPv6Address) -> list[IPAddress]:
    """The IPv4 addresses an IPv6 one carries (mapped, 6to4, Teredo, NAT64): a router or the
    host's stack may deliver to them."""
    found: list[IPAddress] = [a for a in (address.ipv4_mapped, address.sixtofour) if a]
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _kind(address: IPAddress) -> str | None:
    kind = next((kind for kind in _KINDS if getattr(address, f"is_{kind}")), None)
    if kind is None and not address.is_global:
        kind = "not global"
    return kind.replace("_", "-") if kind else None


def refused_address(address: IPAddress) -> str | None:
    """Why the suite does not send to ``address`` (``"private"``...); None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = next((k for k in map(_kind, _embedded(address)) if k), None)
        if address.ipv4_mapped is not None or inner is not None:
            return inner  # a mapped address is judged as the IPv4 it maps
    return _kind(address)


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


def endpoint_host(url: str) -> tuple[str, int]:
    """The host and port a valid endpoint URL is sent to."""
    scheme, host = _checked_parts(url)
    return host, urlsplit(url).port or (443 if scheme == "https" else 80)


def _is_local_name(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name in _LOCAL_NAMES or name.endswith(".localhost")


def check_url(url: str, *, allow_private: bool) -> str:
    """``url`` when its form and (for an address) its host are acceptable; else why not."""
    host, _port = endpoint_host(url)
    if allow_private:
        return url
    if _is_local_name(host):
        raise InvalidEndpointUrl("the URL points at this host (localhost is refused)")
    address = literal_address(host)
    reason = refused_address(address) if address is not None else None
    if reason is not None:
        raise InvalidEndpointUrl(f"the URL's address {address} is {reason}: not on the internet")
    return url
