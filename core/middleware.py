"""ASGI middleware: the page language for each request, and remembering the reader's choice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie

from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import NotFoundException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core import i18n
from core.templating import split_language

COOKIE_MAX_AGE = 365 * 24 * 3600


def request_language(scope: Scope) -> tuple[str, bool]:
    """The language of this request and whether it came from the URL itself."""
    path_lang, _rest = split_language(scope.get("path", "/"))
    if path_lang:
        return path_lang, True
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
    }
    cookie = SimpleCookie(headers.get("cookie", "")).get(i18n.LANGUAGE_COOKIE)
    if cookie is not None and cookie.value in i18n.LANGUAGES:
        return cookie.value, False
    return i18n.negotiate(headers.get("accept-language")) or i18n.DEFAULT_LANGUAGE, False


def language_middleware(app: ASGIApp) -> ASGIApp:
    """Sets the language context for everything the request touches (handlers, templates,
    error pages), and stores a language chosen through the URL in a cookie for next time."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        lang, from_url = request_language(scope)
        i18n.set_language(lang)
        if not from_url:
            await app(scope, receive, send)
            return
        cookie_header = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"cookie"), ""
        )
        known = SimpleCookie(cookie_header).get(i18n.LANGUAGE_COOKIE)
        if known is not None and known.value == lang:
            await app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    headers = MutableScopeHeaders.from_message(message)
                    headers.add(
                        "set-cookie",
                        f"{i18n.LANGUAGE_COOKIE}={lang}; Path=/; Max-Age={COOKIE_MAX_AGE}; "
                        "SameSite=Lax",
                    )
            await send(message)

        await app(scope, receive, send_with_cookie)

    return middleware


def bounded_ids_middleware(largest: int) -> Callable[[ASGIApp], ASGIApp]:
    """An `{…:int}` path parameter beyond what the database's integer columns hold (`largest`,
    core.db.largest_integer) names nothing: 404 here, for every route, before a query could
    fail on a number the database cannot store."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            for value in scope.get("path_params", {}).values():
                if isinstance(value, int) and not -largest - 1 <= value <= largest:
                    raise NotFoundException()
            await app(scope, receive, send)

        return middleware

    return wrap


def _security_headers(https: bool) -> list[tuple[bytes, bytes]]:
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    headers = [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),
        (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if https:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


def security_headers_hook() -> Callable[[Message, Scope], Awaitable[None]]:
    """A `before_send` hook, so every response gets the headers, unmatched paths included:
    CSP without inline scripts, no framing, no sniffing; HSTS when served over https."""
    from core.settings import get_settings

    extra = _security_headers(get_settings().is_https)

    async def add_headers(message: Message, _scope: Scope) -> None:
        if message["type"] == "http.response.start":
            present = {name for name, _value in message.get("headers", [])}
            message["headers"] = list(message.get("headers", [])) + [
                (name, value) for name, value in extra if name not in present
            ]

    return add_headers
