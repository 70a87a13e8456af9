"""Who may open which back-office and account page: every role against every guarded endpoint.

One row per endpoint: its method and path, the roles it is meant for, and whether a refusal
is about an object (404: its existence is nobody else's business) or a whole area (403).
Anonymous readers are always sent to sign in. A refused POST must change nothing.
Adding an endpoint is one row; `test_every_guarded_core_endpoint_is_in_the_matrix` fails
until it has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from piccolo.conf.apps import Finder

from core.tables import FeedSource, OutboxMessage
from tests.factories import PASSWORD, make_organization, make_user, post_form, sign_in

ROLES = ("anonymous", "member", "reviewer", "coordinator_a", "coordinator_b", "fao", "admin")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}

# Organization A's name in every language: none of it may leak to someone refused.
A_NAMES = {
    "zh": "阿尔法市政府",
    "ru": "Администрация Альфа",
    "kk": "Альфа әкімдігі",
    "en": "Alpha City Administration",
}


def _organization_form(**overrides: str) -> dict[str, str]:
    form = {
        "source_language": "en",
        "name_en": "Gamma Institute",
        "city_en": "Bishkek",
        "country": "KG",
        "timezone": "Asia/Bishkek",
        "slug": "gamma",
        "kind": "institute",
        "is_public": "on",
        "website": "https://gamma.example.kg",
    }
    form.update(overrides)
    return form


EDIT_A = {
    **_organization_form(slug="alpha", kind="partner_city", country="KZ"),
    **{f"name_{lang}": name for lang, name in A_NAMES.items()},
    "timezone": "Asia/Almaty",
    "website": "https://alpha.example.kz",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    # `{a}` is organization A's slug, `{feed}` A's feed source, `{message}` a failed outbox
    # message's id; in form values `{own}` is the slug of the acting person's organization.
    path: str
    allowed: frozenset[str]
    refusal: int = 403  # 404 for pages about one object
    form: dict[str, str] = field(default_factory=dict)

    def url(self, world: dict[str, Any]) -> str:
        return self.path.format(**world)

    def form_for(self, role: str) -> dict[str, str]:
        own = "beta" if role == "coordinator_b" else "alpha"
        return {key: value.replace("{own}", own) for key, value in self.form.items()}

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _area(method: str, path: str, allowed: frozenset[str], **form: str) -> Endpoint:
    return Endpoint(method, path, allowed, 403, form)


def _object(method: str, path: str, allowed: frozenset[str], **form: str) -> Endpoint:
    return Endpoint(method, path, allowed, 404, form)


ADMIN = frozenset({"admin"})
STAFF = frozenset({"fao", "admin"})
A_EDITORS = frozenset({"coordinator_a", "admin"})
A_VIEWERS = frozenset({"coordinator_a", "fao", "admin"})
FEED_KEEPERS = frozenset({"coordinator_a", "coordinator_b", "admin"})
# Port 9 (discard) is closed here: "check now" fails at once instead of reaching out.
FEED_URL = "http://127.0.0.1:9/alpha-news.xml"

ENDPOINTS = [
    # back office
    _area("GET", "/en/manage/", frozenset({"coordinator_a", "coordinator_b", "fao", "admin"})),
    _area("GET", "/en/manage/organizations/", STAFF),
    _area("GET", "/en/manage/organizations/new", ADMIN),
    _area("POST", "/en/manage/organizations/new", ADMIN, **_organization_form()),
    _object("GET", "/en/manage/organizations/{a}/", A_VIEWERS),
    _object("GET", "/en/manage/organizations/{a}/edit", A_EDITORS),
    _object("POST", "/en/manage/organizations/{a}/edit", A_EDITORS, **EDIT_A),
    _area("GET", "/en/manage/people/invite", ADMIN),
    _area(
        "POST",
        "/en/manage/people/invite",
        ADMIN,
        email="new.person@example.org",
        role="coordinator",
        organization="alpha",
        language="ru",
    ),
    _area("GET", "/en/manage/audit/", ADMIN),
    _area("GET", "/en/manage/outbox/", ADMIN),
    _area("POST", "/en/manage/outbox/{message}/resend", ADMIN),
    # partner feeds
    _area("GET", "/en/manage/feeds/", FEED_KEEPERS),
    _area("GET", "/en/manage/feeds/new", FEED_KEEPERS),
    _area(
        "POST",
        "/en/manage/feeds/new",
        FEED_KEEPERS,
        organization="{own}",
        url="http://127.0.0.1:9/more-news.xml",
        language="ru",
        enabled="on",
    ),
    _object("GET", "/en/manage/feeds/{feed}/", A_EDITORS),
    _object("GET", "/en/manage/feeds/{feed}/edit", A_EDITORS),
    _object(
        "POST",
        "/en/manage/feeds/{feed}/edit",
        A_EDITORS,
        organization="alpha",
        url="http://127.0.0.1:9/renamed.xml",
        language="kk",
        enabled="on",
    ),
    _object("POST", "/en/manage/feeds/{feed}/check", A_EDITORS),
    _object("POST", "/en/manage/feeds/{feed}/enable", A_EDITORS),
    _object("POST", "/en/manage/feeds/{feed}/disable", A_EDITORS),
    # one's own account
    _area("GET", "/en/account/", SIGNED_IN),
    _area(
        "POST",
        "/en/account/preferences",
        SIGNED_IN,
        name="Renamed",
        language="kk",
        timezone="Asia/Almaty",
    ),
    _area("GET", "/en/account/password", SIGNED_IN),
    _area(
        "POST",
        "/en/account/password",
        SIGNED_IN,
        current_password=PASSWORD,
        new_password="a-brand-new-passphrase",
    ),
]


def expected_status(endpoint: Endpoint, role: str) -> int:
    if role == "anonymous":
        return 303
    if role in endpoint.allowed:
        return 303 if endpoint.method == "POST" else 200
    return endpoint.refusal


# --- the world each case runs in ---------------------------------------------------------------


@pytest.fixture
async def world() -> dict[str, Any]:
    alpha = await make_organization(
        "alpha", name={"source": "en", "text": A_NAMES}, contact_email="office@alpha.example.kz"
    )
    beta = await make_organization(
        "beta", name={"source": "en", "text": {"en": "Beta Institute"}}, country="UZ"
    )
    failed = OutboxMessage(
        idempotency_key="matrix:failed",
        recipient="someone@example.org",
        language="en",
        template="account_invite",
        context={"name": "", "inviter": "x", "link": "/en/", "valid_days": 7},
        status="failed",
        attempts=6,
        last_error="550 mailbox unavailable",
    )
    await failed.save()
    feed = FeedSource(organization=alpha["id"], url=FEED_URL, language="ru")
    await feed.save()
    return {
        "a": "alpha",
        "a_id": alpha["id"],
        "b_id": beta["id"],
        "message": failed.id,
        "feed": feed.id,
    }


async def act_as(client: httpx.AsyncClient, role: str, world: dict[str, Any]) -> None:
    """Sign in as someone in `role` (creating only that account: argon2 is slow on purpose)."""
    if role == "anonymous":
        return
    organizations = {"coordinator_a": world["a_id"], "coordinator_b": world["b_id"]}
    base_role = role.removesuffix("_a").removesuffix("_b")
    user = await make_user(
        base_role, email=f"{role}@example.org", organization_id=organizations.get(role)
    )
    await sign_in(client, user)


async def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, so "nothing changed" means exactly that."""
    snapshot = {}
    for table in Finder().get_table_classes():
        snapshot[table._meta.tablename] = await table.select().order_by(table.id)
    return snapshot


# --- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.id)
async def test_access(client, world, endpoint: Endpoint, role: str) -> None:
    await act_as(client, role, world)
    url = endpoint.url(world)
    before = await database_snapshot()

    if endpoint.method == "POST":
        response = await post_form(client, url, endpoint.form_for(role), follow_redirects=False)
    else:
        response = await client.get(url, follow_redirects=False)

    expected = expected_status(endpoint, role)
    assert response.status_code == expected, response.text[:800]
    refused = role not in endpoint.allowed
    if role == "anonymous":
        # Litestar hands handlers the path without its trailing slash; both forms route alike.
        login, _sep, target = response.headers["location"].partition("?next=")
        assert login == "/en/account/login"
        assert unquote(target).rstrip("/") == url.rstrip("/")
    if refused or role == "coordinator_b":  # B's coordinator never learns anything of A
        for name in A_NAMES.values():
            assert name not in response.text
        assert "office@alpha.example.kz" not in response.text
        assert FEED_URL not in response.text
    if refused:
        if endpoint.method == "POST":
            assert await database_snapshot() == before, "a refused POST changed the database"
    elif endpoint.method == "POST":
        assert response.headers["location"].startswith("/")
        assert await database_snapshot() != before, "an allowed POST did nothing"


# --- the matrix keeps up with the routes -------------------------------------------------------


def _guarded_core_routes() -> list[tuple[str, str]]:
    """(method, path pattern) of every core page that needs a signed-in reader."""
    from core import routes

    found = []
    for handler in routes.pages:
        if not handler.guards:
            continue
        for path in handler.paths:
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, path))
    return found


def _shape(path: str) -> str:
    """`/manage/organizations/{slug:str}/` and `/en/manage/organizations/{a}` → one form."""
    return re.sub(r"\{[^}]+\}", "{}", path).rstrip("/")


def test_every_guarded_core_endpoint_is_in_the_matrix() -> None:
    listed = {(e.method, _shape(e.path)) for e in ENDPOINTS}
    missing = [
        f"{method} {path}"
        for method, path in _guarded_core_routes()
        if (method, "/en" + _shape(path)) not in listed
    ]
    assert not missing, f"add a row to ENDPOINTS for: {missing}"
