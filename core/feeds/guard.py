"""Which addresses the feed reader may fetch: http(s) only, and never an internal host.

Checked twice: on every URL (the first and each redirect hop) before a request, and again
at connect time on the very address the socket connects to, so a host name that resolves
to a public address at check time and a private one a moment later (DNS rebinding) cannot
slip through. `HONGSHAN_FEED_ALLOW_PRIVATE=true` lifts the address check (tests only).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import httpcore

from core.feeds.reasons import FeedError
from core.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_SCHEMES = frozenset({"http", "https"})
# NAT64 (RFC 6052) embeds an IPv4 address in the low 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def private_allowed() -> bool:
    """One accessor for the setting, so a test can refuse private addresses for itself."""
    return get_settings().feed_allow_private


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_refused_ip(ip: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, unspecified, reserved, shared (CGNAT) and
    documentation ranges are refused: only globally routable unicast addresses pass."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is that IPv4 host, nothing else
            return is_refused_ip(ip.ipv4_mapped)
        inner = embedded_ipv4(ip)
        if inner is not None and is_refused_ip(inner):
            return True
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
        or not ip.is_global
    )


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def check_url(url: str) -> str:
    """The URL if its form may be fetched; FeedError("bad_url" | "refused_address") if not.

    Host names are resolved and checked at connect time (see GuardedBackend); an address
    written into the URL is refused here already.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FeedError("bad_url", str(error)) from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        raise FeedError("bad_url", url[:200])
    if port == 0:
        raise FeedError("bad_url", url[:200])
    if not private_allowed():
        ip = _literal_ip(parts.hostname)
        if ip is not None and is_refused_ip(ip):
            raise FeedError("refused_address", str(ip))
        if parts.hostname.lower().rstrip(".") in {"localhost", "localhost.localdomain"} or (
            parts.hostname.lower().rstrip(".").endswith(".localhost")
        ):
            raise FeedError("refused_address", parts.hostname)
    return url.strip()


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal address resolves to itself)."""
    literal = _literal_ip(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FeedError("dns", f"{host}: {error}") from None
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, address in infos:
        ip = _literal_ip(str(address[0]))
        if ip is not None and ip not in found:
            found.append(ip)
    if not found:
        raise FeedError("dns", host)
    return found


def vetted(addresses: list[IPAddress]) -> list[IPAddress]:
    """The addresses to connect to; refused outright if any of them is internal (a host
    that answers with a mix is treated as the worst of them)."""
    if private_allowed():
        return addresses
    for ip in addresses:
        if is_refused_ip(ip):
            raise FeedError("refused_address", str(ip))
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving names itself and connecting only to vetted
    addresses. TLS still verifies the certificate against the host name (httpcore passes the
    URL's host as the server name), so connecting to the address changes nothing else."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = vetted(await resolve(host, port))
        last_error: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise FeedError("refused_address", "unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
