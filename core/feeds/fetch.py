"""One bounded fetch of a feed URL with httpx.

httpx alone times out per read (a feed that trickles a byte a second never ends), reads any
size, follows redirects anywhere and connects to any address. Here a fetch has a total
deadline, a size cap on the decoded body (a gzip bomb stops at the cap), at most N redirects
with every hop checked by the guard, and a transport that connects only to vetted addresses.
Conditional requests (ETag, Last-Modified) let an unchanged feed cost a 304. Sign-in details
go only to the feed's own origin, never along a redirect elsewhere; where a feed has moved for
good (301/308 all the way) is reported, so the source can follow it.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpcore
import httpx

from core.feeds.credentials import may_receive_credentials
from core.feeds.guard import GuardedBackend, check_url
from core.feeds.policy import DEFAULT_POLICY, FeedPolicy
from core.feeds.reasons import FeedError
from core.settings import get_settings

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "text/calendar, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    etag: str
    last_modified: str
    moved_to: str = ""  # the new address of a feed that moved for good (301/308 only)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def user_agent() -> str:
    return f"Hongshan-FeedReader/1.0 (+{get_settings().base_url})"


def open_client(policy: FeedPolicy = DEFAULT_POLICY) -> httpx.AsyncClient:
    """A client for one sync pass (connections to the same host are reused between feeds).

    Proxies from the environment are ignored: a proxy would connect on our behalf to
    addresses the guard never sees.
    """
    transport = httpx.AsyncHTTPTransport(retries=0, trust_env=False)
    # httpx has no parameter for the network backend; its pool is replaced by one that
    # connects through the guard (the same pool httpx builds, plus `network_backend`).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=max(policy.concurrency * 2, 10),
        max_keepalive_connections=policy.concurrency,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(),
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(policy.idle_timeout_s),
        headers={
            "User-Agent": user_agent(),
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        },
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> timedelta | None:
    """Retry-After as seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - (now or datetime.now(UTC)), timedelta(0))


def _status_error(response: httpx.Response) -> FeedError:
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    detail = f"HTTP {status}"
    if status == 404:
        return FeedError("not_found", detail, status=status)
    if status == 410:
        return FeedError("gone", detail, status=status)
    if status in (401, 403):
        return FeedError("forbidden", detail, status=status)
    if status == 429:
        return FeedError("rate_limited", detail, status=status, retry_after=retry_after)
    if status >= 500:
        return FeedError("server_error", detail, status=status, retry_after=retry_after)
    return FeedError("http_error", detail, status=status, retry_after=retry_after)


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it (or its compressed form) passes the cap."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FeedError("too_large", f"{declared} bytes declared", status=response.status_code)
    encoding = response.headers.get("content-encoding", "").strip().lower()
    # wbits 47: zlib or gzip, detected from the header (servers label both as either).
    decoder = zlib.decompressobj(47) if encoding in ("gzip", "x-gzip", "deflate") else None
    body = bytearray()
    received = 0
    try:
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > max_bytes:
                raise FeedError("too_large", f"over {max_bytes} bytes", status=response.status_code)
            if decoder is None:
                body += chunk
            else:
                body += decoder.decompress(chunk, max_bytes - len(body) + 1)
                if decoder.unconsumed_tail:
                    raise FeedError(
                        "too_large", f"over {max_bytes} bytes decoded", status=response.status_code
                    )
            if len(body) > max_bytes:
                raise FeedError("too_large", f"over {max_bytes} bytes", status=response.status_code)
        if decoder is not None:
            body += decoder.flush()
    except zlib.error as error:
        raise FeedError("malformed", f"bad {encoding} data: {error}") from None
    if len(body) > max_bytes:
        raise FeedError("too_large", f"over {max_bytes} bytes", status=response.status_code)
    return bytes(body)


def _authorization(auth: tuple[str, str]) -> str:
    user, password = auth
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


async def _follow(
    client: httpx.AsyncClient,
    url: str,
    etag: str,
    last_modified: str,
    policy: FeedPolicy,
    auth: tuple[str, str] | None,
) -> Fetched:
    current = check_url(url)
    conditional: dict[str, str] = {}
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    moved_to, permanent = "", True
    for _hop in range(policy.max_redirects + 1):
        headers = dict(conditional)
        if auth is not None and may_receive_credentials(url, current):
            headers["Authorization"] = _authorization(auth)
        request = client.build_request("GET", current, headers=headers)
        response = await client.send(request, stream=True)
        try:
            if response.status_code in REDIRECTS:
                location = response.headers.get("location", "").strip()
                if not location:
                    raise FeedError("http_error", "redirect without a Location")
                current = check_url(urljoin(str(response.url), location))
                permanent = permanent and response.status_code in PERMANENT_REDIRECTS
                moved_to = current if permanent else moved_to
                continue
            if response.status_code == 304:
                return Fetched(
                    url=str(response.url),
                    status=304,
                    body=b"",
                    content_type="",
                    etag=response.headers.get("etag", etag),
                    last_modified=response.headers.get("last-modified", last_modified),
                    moved_to=moved_to,
                )
            if not 200 <= response.status_code < 300:
                raise _status_error(response)
            body = await _read_body(response, policy.max_bytes)
            return Fetched(
                url=str(response.url),
                status=response.status_code,
                body=body,
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag", ""),
                last_modified=response.headers.get("last-modified", ""),
                moved_to=moved_to,
            )
        finally:
            await response.aclose()
    raise FeedError("too_many_redirects", f"more than {policy.max_redirects}")


def _connect_error(error: Exception) -> FeedError:
    text = f"{type(error).__name__}: {error}"
    cause = error.__cause__ or error.__context__
    if isinstance(cause, ssl.SSLError) or "SSL" in text or "certificate" in text.lower():
        return FeedError("tls", text[:300])
    return FeedError("connection", text[:300])


async def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    policy: FeedPolicy = DEFAULT_POLICY,
    client: httpx.AsyncClient | None = None,
    auth: tuple[str, str] | None = None,
) -> Fetched:
    """GET `url` within the policy's limits, signing in with `auth` (user, password) at the
    feed's own origin; FeedError says why not."""
    if client is None:
        async with open_client(policy) as own:
            return await fetch(
                url, etag=etag, last_modified=last_modified, policy=policy, client=own, auth=auth
            )
    try:
        async with asyncio.timeout(policy.deadline_s):
            return await _follow(client, url, etag, last_modified, policy, auth)
    except TimeoutError:
        raise FeedError("timeout", f"no complete answer within {policy.deadline_s:g} s") from None
    except httpx.InvalidURL as error:
        raise FeedError("bad_url", str(error)[:200]) from None
    except httpx.TimeoutException as error:
        raise FeedError("timeout", f"{type(error).__name__}") from None
    except httpx.ConnectError as error:
        raise _connect_error(error) from None
    except (httpx.HTTPError, httpcore.ProtocolError, ssl.SSLError, OSError) as error:
        raise _connect_error(error) from None
