"""What every access matrix (tests/core, tests/projects, tests/events) does with its rows:
the status each role should get, sending a row's request as each role, the checks every
answer must pass, and the check that the rows keep up with the guarded routes.

A matrix builds its world once per module (`Matrix.running`): the app runs once, each role
has one account, and every request goes out with a fresh session of that account. After an
allowed POST the database is put back as the world left it, so rows stay independent.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
from litestar import Litestar, Router
from litestar.routes import HTTPRoute

from core import jobqueue, sessions
from tests.support import database
from tests.support.app import BASE_URL, browser, running
from tests.support.factories import csrf_token, post_form

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # placeholders such as `{a}` are filled in from the test's world
    allowed: frozenset[str]
    refusal: int = 403  # 404 for pages about one object: its existence is nobody's business
    form: dict[str, str] = field(default_factory=dict)
    upload: tuple[str, str, bytes] | None = None  # (field, file name, content)
    refused: dict[str, int] = field(default_factory=dict)  # roles refused otherwise than usual
    done: int = 303  # what an allowed POST answers (a redirect, unless it shows a result)

    def url(self, world: dict[str, Any]) -> str:
        return self.path.format(**world)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def expected_status(endpoint: Endpoint, role: str) -> int:
    if role == ANONYMOUS:
        return 401 if endpoint.path.startswith("/api/") else 303  # the API sends no one away
    if role in endpoint.allowed:
        return endpoint.done if endpoint.method == "POST" else 200
    return endpoint.refused.get(role, endpoint.refusal)


def _gist(response: httpx.Response) -> str:
    """A page's title (or the start of any other answer), for a failure message."""
    found = re.search(r"<title>(.*?)</title>", response.text, re.S)
    if not found:
        return response.text[:200]
    errors = re.findall(r'class="(?:alert error|field-error)"[^>]*>(.*?)</', response.text, re.S)
    return " | ".join([found.group(1).strip(), *(" ".join(e.split()) for e in errors)])


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


def _check_answer(endpoint: Endpoint, role: str, url: str, response: httpx.Response) -> None:
    """The status; anonymous readers sent to sign in and back; an allowed POST redirecting
    within the site."""
    expected = expected_status(endpoint, role)
    assert response.status_code == expected, (
        f"{response.status_code}, not {expected}: {_gist(response)}"
    )
    if role == ANONYMOUS and expected == 303:
        # Litestar hands handlers the path without its trailing slash; both forms route alike.
        login, _sep, target = response.headers["location"].partition("?next=")
        assert login == "/en/account/login"
        # A form sent while signed out comes back to the page it was on (its Referer; none
        # here), never to the URL it posted to, which may answer POST only.
        back_to = url if endpoint.method != "POST" else ""
        assert unquote(target).rstrip("/") == back_to.rstrip("/")
    elif endpoint.method == "POST" and role in endpoint.allowed and expected == 303:
        assert response.headers["location"].startswith("/")


Inspect = Callable[[str, httpx.Response], None]


class Matrix:
    """One world, one running app and one account per role for every row of a module."""

    def __init__(self, app: Litestar, world: dict[str, Any], accounts: dict[str, int]) -> None:
        self.app = app
        self.world = world
        self.accounts = accounts  # role → user id; anonymous has none
        self.csrf = ""
        self.baseline: database.Snapshot = {}
        self._known: database.Snapshot | None = None  # the database now, when known

    @classmethod
    @asynccontextmanager
    async def running(
        cls,
        app: Litestar,
        redis_url: str,
        build: Callable[[], Awaitable[tuple[dict[str, Any], dict[str, int]]]],
    ) -> AsyncIterator[Matrix]:
        """Empty the database and queue, `build()` the world (returning it and the account of
        each role), and keep the app running while the module's rows are checked."""
        await database.empty_tables()
        await jobqueue.open_queue(redis_url)
        await jobqueue.redis().flushdb()
        world, accounts = await build()
        matrix = cls(app, world, accounts)
        async with running(matrix.app):
            async with browser(matrix.app) as client:
                matrix.csrf = await csrf_token(client)
            matrix.baseline = await database.snapshot()
            yield matrix

    @asynccontextmanager
    async def client(self, role: str) -> AsyncIterator[httpx.AsyncClient]:
        """A browser signed in as `role` with a session of its own (as signing in starts)."""
        async with browser(self.app, follow_redirects=False) as client:
            host = httpx.URL(BASE_URL).host
            client.cookies.set("hongshan_csrf", self.csrf, domain=host)
            if role != ANONYMOUS:
                session = await sessions.start(self.accounts[role])
                client.cookies.set(sessions.cookie_name(), session.token, domain=host)
            yield client

    async def visit(
        self, endpoint: Endpoint, role: str, form: dict[str, str] | None = None
    ) -> httpx.Response:
        """Send the row's request as `role`; a refused POST must change nothing, an allowed
        one something (which is then undone)."""
        url = endpoint.url(self.world)
        if endpoint.method != "POST":
            self._known = None  # some pages write as they are read (reports now due, audit)
            async with self.client(role) as client:
                response = await _send(client, endpoint, url, {})
            _check_answer(endpoint, role, url, response)
            return response
        before = self._known or await database.snapshot()
        async with self.client(role) as client:
            response = await _send(client, endpoint, url, endpoint.form if form is None else form)
        after = await database.snapshot()
        self._known = after
        if after != self.baseline:
            await database.restore(self.baseline)
            self._known = await database.snapshot()
            left = database.differences(self.baseline, self._known)
            assert not left, f"the world could not be put back: {left}"
        _check_answer(endpoint, role, url, response)
        if role in endpoint.allowed:
            assert after != before, "an allowed POST did nothing"
        else:
            changes = database.differences(before, after)
            assert not changes, f"a refused POST changed the database: {changes}"
        return response
        after = await database.snapshot()
        changed = after != self.baseline
        print(database.differences(self.baseline, after))
        if changed:
            await database.restore(self.baseline)
            left = database.differences(self.baseline, await database.snapshot())
            assert not left, f"the world could not be put back: {left}"
        _check_answer(endpoint, role, url, response)
        if role in endpoint.allowed:
            assert changed, "an allowed POST did nothing"
        else:
            assert not changed, "a refused POST changed the database"
        return response

    async def check(
        self,
        endpoint: Endpoint,
        roles: Iterable[str],
        *,
        form: Callable[[str], dict[str, str]] | None = None,
        inspect: Inspect | None = None,
    ) -> None:
        """The row for every role; all roles are tried and every failure is reported."""
        failures = []
        for role in roles:
            try:
                response = await self.visit(endpoint, role, form(role) if form else None)
                if inspect:
                    inspect(role, response)
            except AssertionError as error:
                failures.append(f"{role}: {error}")
        assert not failures, f"{endpoint.id}\n" + "\n".join(failures)


# --- the matrix keeps up with the routes -------------------------------------------------------


def _own_guards(handler: Any) -> list[Any]:
    """Guards of the handler and its controller; a router's (the language check that every
    page has) does not make a route guarded."""
    return [
        guard
        for layer in handler.ownership_layers
        if not isinstance(layer, Router)
        for guard in (layer.guards or ())
    ]


def guarded_routes(app: Litestar, package: str) -> list[tuple[str, str]]:
    """(method, path) of every route in the app's route table whose handler comes from
    `package` and has a guard of its own."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            module = handler.fn.__module__
            if module != package and not module.startswith(package + "."):
                continue
            if not _own_guards(handler):
                continue
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path))
    return found


def shape(path: str) -> str:
    """`/{lang:str}/manage/organizations/{slug:str}/` and `/en/manage/organizations/{a}` →
    one form."""
    path = re.sub(r"\{[^}]+\}", "{}", path.partition("?")[0]).rstrip("/")
    return re.sub(r"^/(zh|ru|kk|en)(?=/|$)", "/{}", path)


def unlisted(rows: Iterable[tuple[str, str]], app: Litestar, package: str) -> list[str]:
    """Guarded routes of `package` that no (method, path) row of the matrix covers."""
    listed = {(method, shape(path)) for method, path in rows}
    return [
        f"{method} {path}"
        for method, path in guarded_routes(app, package)
        if (method, shape(path)) not in listed
    ]
