"""What every access matrix (tests/core, tests/projects) does with its rows: the status each
role should get, sending a row's request, the checks every answer must pass, and the check
that the rows keep up with the guarded routes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
from litestar import Controller
from litestar.handlers import HTTPRouteHandler
from piccolo.conf.apps import Finder

from tests.support.factories import post_form


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # placeholders such as `{a}` are filled in from the test's world
    allowed: frozenset[str]
    refusal: int = 403  # 404 for pages about one object: its existence is nobody's business
    form: dict[str, str] = field(default_factory=dict)
    upload: tuple[str, str, bytes] | None = None  # (field, file name, content)

    def url(self, world: dict[str, Any]) -> str:
        return self.path.format(**world)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def expected_status(endpoint: Endpoint, role: str) -> int:
    if role == "anonymous":
        return 303
    if role in endpoint.allowed:
        return 303 if endpoint.method == "POST" else 200
    return endpoint.refusal


async def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, so "nothing changed" means exactly that."""
    snapshot = {}
    for table in Finder().get_table_classes():
        snapshot[table._meta.tablename] = await table.select().order_by(table.id)
    return snapshot


async def _send(
    client: httpx.AsyncClient, endpoint: Endpoint, url: str, form: dict[str, str]
) -> httpx.Response:
    if endpoint.method != "POST":
        return await client.get(url, follow_redirects=False)
    extra = {}
    if endpoint.upload:
        name, filename, content = endpoint.upload
        extra["files"] = {name: (filename, content, "application/octet-stream")}
    return await post_form(client, url, form, follow_redirects=False, **extra)


async def visit(
    client: httpx.AsyncClient,
    endpoint: Endpoint,
    role: str,
    url: str,
    form: dict[str, str],
) -> httpx.Response:
    """Send the row's request as `role` (already signed in) and check what holds for every
    row: the status; anonymous readers sent to sign in and back; a refused POST changing
    nothing, an allowed one changing something and redirecting within the site."""
    before = await database_snapshot()
    response = await _send(client, endpoint, url, form)

    assert response.status_code == expected_status(endpoint, role), response.text[:800]
    if role == "anonymous":
        # Litestar hands handlers the path without its trailing slash; both forms route alike.
        login, _sep, target = response.headers["location"].partition("?next=")
        assert login == "/en/account/login"
        # A form sent while signed out comes back to the page it was on (its Referer; none
        # here), never to the URL it posted to, which may answer POST only.
        back_to = url if endpoint.method != "POST" else ""
        assert unquote(target).rstrip("/") == back_to.rstrip("/")
    if endpoint.method != "POST":
        return response
    if role not in endpoint.allowed:
        assert await database_snapshot() == before, "a refused POST changed the database"
    else:
        assert response.headers["location"].startswith("/")
        assert await database_snapshot() != before, "an allowed POST did nothing"
    return response


def _handlers(item: Any) -> list[tuple[Any, str, list[Any]]]:
    """(handler, path prefix, guards of the controller) of a handler or a Controller class."""
    if isinstance(item, type) and issubclass(item, Controller):
        return [
            (value, item.path, list(item.guards or []))
            for value in vars(item).values()
            if isinstance(value, HTTPRouteHandler)
        ]
    return [(item, "", [])]


def guarded_routes(handlers: Iterable[Any]) -> list[tuple[str, str]]:
    """(method, path pattern) of every page handler that has a guard (its own or its
    controller's)."""
    found = []
    for item in handlers:
        for handler, prefix, outer_guards in _handlers(item):
            if not (handler.guards or outer_guards):
                continue
            for path in handler.paths:
                full = (prefix.rstrip("/") + "/" + path.lstrip("/")) if prefix else path
                for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                    found.append((method, full))
    return found


def shape(path: str) -> str:
    """`/manage/organizations/{slug:str}/` and `/en/manage/organizations/{a}` → one form."""
    return re.sub(r"\{[^}]+\}", "{}", path).rstrip("/")


def unlisted(rows: Iterable[tuple[str, str]], handlers: Iterable[Any]) -> list[str]:
    """Guarded routes that no (method, path) row of the matrix covers."""
    listed = {(method, shape(path)) for method, path in rows}
    return [
        f"{method} {path}"
        for method, path in guarded_routes(handlers)
        if (method, "/en" + shape(path)) not in listed
    ]


def controller_handlers(items: Iterable[Any]) -> list[Any]:
    """Route handlers of Litestar Controllers (with the controller's path and guards), and
    plain handlers as they are, so `unlisted` sees both kinds of route."""
    from litestar import Controller
    from litestar.handlers import HTTPRouteHandler

    found: list[Any] = []
    for item in items:
        if not (isinstance(item, type) and issubclass(item, Controller)):
            found.append(item)
            continue
        for name in dir(item):
            handler = getattr(item, name)
            if not isinstance(handler, HTTPRouteHandler):
                continue
            found.append(_ControllerRoute(item, handler))
    return found


@dataclass(frozen=True)
class _ControllerRoute:
    controller: Any
    handler: Any

    @property
    def guards(self) -> list[Any]:
        own = vars(self.controller).get("guards") or []  # unset: a slot, not a list
        return [*own, *(self.handler.guards or [])]

    @property
    def paths(self) -> set[str]:
        base = self.controller.path.rstrip("/")
        return {base + ("" if path == "/" else path) for path in self.handler.paths}

    @property
    def http_methods(self) -> set[str]:
        return set(self.handler.http_methods)
