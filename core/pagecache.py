"""The rendered-page cache for anonymous readers of public pages.

A public page is the same bytes for every anonymous reader in one language until someone
changes what it shows, so a handler (or controller) that sets `opt={"public_cache": True}`
has its 200 responses kept per process, keyed by the content version, the page's path and
query. The version lives in Redis and every successful change (any POST, PUT, PATCH or
DELETE that did not fail) bumps it, so each process sees a change on the very next request;
what changes without a request (a feed sync, an offer lapsing) shows within `MAX_AGE_S`.

Never served across people: a reader with a session cookie always gets a fresh page, and a
response that sets a cookie of its own (other than the CSRF cookie) or carries this reader's
CSRF token in its body (a form) is not kept. Kept pages answer `If-None-Match` with 304.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from http.cookies import SimpleCookie

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState
from redis.exceptions import RedisError

from core import jobqueue, sessions

VERSION_KEY = "hongshan:content-version"
MAX_AGE_S = 30.0
MAX_ENTRIES = 400  # a few hundred public pages × languages; memory stays bounded
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OPT = "public_cache"
PUBLIC_CACHE = {OPT: True}  # `opt=PUBLIC_CACHE` on a handler or controller opts it in


@dataclass(frozen=True)
class Kept:
    version: bytes
    expires: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


Key = tuple[str, str, bool, bytes]  # path, query, gzip accepted, content version
_pages: OrderedDict[Key, Kept] = OrderedDict()


async def bump() -> None:
    """Say that content changed: every process renders its public pages anew."""
    await jobqueue.redis().incr(VERSION_KEY)


async def _version() -> bytes:
    """The content version; a fresh random one when Redis has none (a new or emptied
    Redis), so pages kept under an earlier version can never match again."""
    redis = jobqueue.redis()
    version = await redis.get(VERSION_KEY)
    if version is None:
        await redis.set(VERSION_KEY, secrets.randbelow(2**62), nx=True)
        version = await redis.get(VERSION_KEY)
    return version


def _header(scope: Scope, name: bytes) -> bytes:
    return next((v for k, v in scope.get("headers", []) if k == name), b"")


def _signed_in(scope: Scope) -> bool:
    """A session cookie or an API credential: this reader may see more than the public."""
    if _header(scope, b"authorization"):
        return True
    cookies = SimpleCookie(_header(scope, b"cookie").decode("latin-1"))
    return sessions.cookie_name() in cookies


def _opted_in(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    return bool(handler is not None and handler.opt.get(OPT))


def _remember(key: Key, page: Kept) -> None:
    _pages[key] = page
    _pages.move_to_end(key)
    while len(_pages) > MAX_ENTRIES:
        _pages.popitem(last=False)


async def _replay(page: Kept, scope: Scope, send: Send) -> None:
    if _header(scope, b"if-none-match") == page.etag:
        headers = [(k, v) for k, v in page.headers if k in (b"etag", b"cache-control")]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": page.status, "headers": page.headers})
    body = b"" if scope["method"] == "HEAD" else page.body
    await send({"type": "http.response.body", "body": body})


def _keepable(status: int, headers: list[tuple[bytes, bytes]], body: bytes, scope: Scope) -> bool:
    if status != 200:
        return False
    cookies = [v for k, v in headers if k == b"set-cookie"]
    csrf = _csrf_cookie_name(scope)
    if any(not value.startswith(csrf + b"=") for value in cookies):
        return False
    token = ScopeState.from_scope(scope).csrf_token
    return not (isinstance(token, str) and token.encode() in body)


def _csrf_cookie_name(scope: Scope) -> bytes:
    config = scope["litestar_app"].csrf_config
    return (config.cookie_name if config else "csrftoken").encode()


def page_cache_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
        elif scope["method"] in UNSAFE:
            await _bumping_changes(app, scope, receive, send)
        elif scope["method"] in ("GET", "HEAD") and _opted_in(scope) and not _signed_in(scope):
            await _cached(app, scope, receive, send)
        else:
            await app(scope, receive, send)

    return middleware


async def _bumping_changes(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    status = 500

    async def watch(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    await app(scope, receive, watch)
    if status < 400:
        # The change is made: a Redis that is down only delays it on kept pages (MAX_AGE_S).
        with contextlib.suppress(RedisError, OSError):
            await bump()


async def _cached(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    try:
        version = await _version()
    except (RedisError, OSError):  # no shared version: serve the page fresh, keep nothing
        await app(scope, receive, send)
        return
    # Bodies are kept as sent, compressed or not, so the encoding is part of the key.
    gzip = b"gzip" in _header(scope, b"accept-encoding")
    query = scope.get("query_string", b"").decode("latin-1")
    key = (scope["path"], query, gzip, version)
    page = _pages.get(key)
    if page is not None and page.expires > time.monotonic():
        await _replay(page, scope, send)
        return
    start: Message = {}
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        else:
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await _finish(scope, send, key, start, b"".join(chunks))

    await app(scope, receive, capture)


async def _finish(scope: Scope, send: Send, key: Key, start: Message, body: bytes) -> None:
    headers = list(start.get("headers", []))
    if not _keepable(start["status"], headers, body, scope):
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    kept_headers = [(k, v) for k, v in headers if k != b"set-cookie"]
    etag = next((v for k, v in kept_headers if k == b"etag"), b"")
    if not etag:
        etag = b'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        kept_headers.append((b"etag", etag))
    page = Kept(key[3], time.monotonic() + MAX_AGE_S, start["status"], kept_headers, body, etag)
    _remember(key, page)
    await _replay(page, scope, send)
