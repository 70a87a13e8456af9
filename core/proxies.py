"""The client's address behind reverse proxies, trusting only the proxies we were told of.

`X-Forwarded-For` and `X-Forwarded-Proto` are read only when the connecting peer is one of
`HONGSHAN_TRUSTED_PROXIES` (addresses or networks; none by default). The client is then the
nearest address in the chain that is not itself a trusted proxy. From any other peer the
headers are ignored, so nobody can pick the address that rate limits and the audit log see.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """`"10.0.0.5, 10.1.0.0/16, ::1"` → networks; a malformed entry raises ValueError."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted(host: str, trusted: Iterable[Network]) -> bool:
    address = _address(host)
    return address is not None and any(address in network for network in trusted)


def forwarded_client(peer: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """Who the request came from, given the peer's address and its X-Forwarded-For chain."""
    if not trusted or not is_trusted(peer, trusted):
        return peer
    client = peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if _address(hop) is None:
            break  # a chain we cannot read names nobody: keep the last proxy we trust
        client = hop
        if not is_trusted(hop, trusted):
            break
    return client


def _header(scope: Scope, name: bytes) -> str:
    values = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == name]
    return ",".join(values)


def trusted_proxies_middleware(trusted: tuple[Network, ...]) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware that rewrites the connection's client (and scheme) as described above."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            client = scope.get("client")
            if scope["type"] in ("http", "websocket") and client and is_trusted(client[0], trusted):
                host = forwarded_client(client[0], _header(scope, b"x-forwarded-for"), trusted)
                scope["client"] = (host, client[1] if host == client[0] else 0)
                proto = _header(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = (
                        proto if scope["type"] == "http" else proto.replace("http", "ws")
                    )
            await app(scope, receive, send)

        return middleware

    return wrap
