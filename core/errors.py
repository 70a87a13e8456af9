"""Errors become pages in the reader's language (or JSON under /api/), in one place."""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.i18n import current_language, format_size, set_language
from core.middleware import request_language

log = logging.getLogger("hongshan.errors")

PAGE_FOR_STATUS = {
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    503: "errors/503.html",
}
# Sessions, sign-in limits and the job queue live in Redis; while it restarts, ask for a retry.
RETRY_AFTER_S = 30


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _body_limit(request: Request) -> int | None:
    """The most this request's route accepts, in bytes (None: no route, or no limit)."""
    handler = request.scope.get("route_handler")
    resolve = getattr(handler, "resolve_request_max_body_size", None)
    return resolve() if resolve else None


def _page(request: Request, status: int, headers: dict[str, str] | None = None) -> Template:
    # Unmatched paths never pass through route middleware, so pick the language here too.
    set_language(request_language(request.scope)[0])
    template = PAGE_FOR_STATUS.get(
        status, "errors/500.html" if status >= 500 else "errors/4xx.html"
    )
    limit = _body_limit(request) if status == HTTP_413_REQUEST_ENTITY_TOO_LARGE else None
    return Template(
        template,
        context={
            "status": status,
            "limit": format_size(limit) if limit else "",
            "back": _same_site_path(request.headers.get("referer", ""), request) if limit else "",
        },
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )


def _same_site_path(url: str, request: Request) -> str:
    """The path (and query) of `url` when it is a page of this site, else ""."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.netloc and parts.netloc != request.url.netloc:
        return ""
    if not parts.path.startswith("/") or parts.path.startswith(("//", "/\\")):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def return_target(request: Request) -> str:
    """Where to come back to after signing in: the page itself for a GET; for a form sent
    while signed out (a session that expired, say), the page the form was on — the URL the
    form posts to may answer only POST."""
    if request.method in ("GET", "HEAD"):
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return _same_site_path(request.headers.get("referer", ""), request)


def http_error(request: Request, error: HTTPException) -> Response | Template | Redirect:
    if error.status_code == HTTP_401_UNAUTHORIZED and not _is_api(request):
        set_language(request_language(request.scope)[0])
        login = f"/{current_language()}/account/login"
        target = return_target(request)
        if not target:
            return Redirect(login, status_code=303)
        return Redirect(f"{login}?next={quote(target)}", status_code=303)
    if _is_api(request):
        body = {"status_code": error.status_code, "detail": error.detail}
        if error.extra:
            body["extra"] = error.extra
        return Response(body, status_code=error.status_code, headers=error.headers)
    return _page(request, error.status_code, error.headers)


def server_error(request: Request, error: Exception) -> Response | Template:
    log.exception("unhandled error", extra={"path": request.url.path, "method": request.method})
    if _is_api(request):
        return Response({"status_code": 500, "detail": "Internal Server Error"}, status_code=500)
    return _page(request, HTTP_500_INTERNAL_SERVER_ERROR)


def redis_unavailable(request: Request, error: Exception) -> Response | Template:
    """Redis unreachable: a 503 that says to try again shortly, not an error of ours."""
    log.warning("redis unavailable", extra={"path": request.url.path, "error": repr(error)})
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if _is_api(request):
        body = {"status_code": 503, "detail": "Service Unavailable"}
        return Response(body, status_code=HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
    return _page(request, HTTP_503_SERVICE_UNAVAILABLE, headers)


exception_handlers = {
    HTTPException: http_error,
    RedisConnectionError: redis_unavailable,
    RedisTimeoutError: redis_unavailable,
    Exception: server_error,
}


class ValidationFailed(Exception):
    """Input a service refuses; `errors` maps field names (or "" for the form) to messages
    already translated into the reader's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class TooManyAttempts(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s
