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
        assert unquote(target).rstrip("/") == url.rstrip("/")
    if endpoint.method != "POST":
        return response
    if role not in endpoint.allowed:
        assert await database_snapshot() == before, "a refused POST changed the database"
    else:
        assert response.headers["location"].startswith("/")
        assert await database_snapshot() != before, "an allowed POST did nothing"
    return response


def guarded_routes(handlers: Iterable[Any]) -> list[tuple[str, str]]:
    """(method, path pattern) of every page handler that has a guard."""
    found = []
    for handler in handlers:
        if not handler.guards:
            continue
        for path in handler.paths:
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, path))
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
