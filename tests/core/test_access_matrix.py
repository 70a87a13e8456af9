"""Who may open which back-office and account page: every role against every guarded endpoint.

One row per endpoint: its method and path, the roles it is meant for, and whether a refusal
is about an object (404: its existence is nobody else's business) or a whole area (403).
Anonymous readers are always sent to sign in. A refused POST must change nothing.
The world is built once; every row is a test that tries all roles.
Adding an endpoint is one row; `test_every_guarded_core_endpoint_is_in_the_matrix` fails
until it has one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from core.tables import FeedSource, OutboxMessage
from tests.support.access_matrix import Endpoint, Matrix, unlisted
from tests.support.factories import PASSWORD, make_organization, make_user

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


# In paths `{a}` is organization A's slug, `{feed}` A's feed source, `{message}` a failed
# outbox message's id; in form values `{own}` is the slug of the acting person's organization.
def _form_for(endpoint: Endpoint, role: str) -> dict[str, str]:
    own = "beta" if role == "coordinator_b" else "alpha"
    return {key: value.replace("{own}", own) for key, value in endpoint.form.items()}


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
    _area("GET", "/en/manage/", SIGNED_IN),
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


# --- the world every row runs in --------------------------------------------------------------


async def build_world() -> tuple[dict[str, Any], dict[str, int]]:
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
    organizations = {"coordinator_a": alpha["id"], "coordinator_b": beta["id"]}
    accounts = {}
    for role in SIGNED_IN:
        base_role = role.removesuffix("_a").removesuffix("_b")
        user = await make_user(
            base_role, email=f"{role}@example.org", organization_id=organizations.get(role)
        )
        accounts[role] = user["id"]
    world = {"a": "alpha", "message": failed.id, "feed": feed.id}
    return world, accounts


@pytest.fixture(scope="module")
async def matrix(app, database: None, redis_url: str) -> AsyncIterator[Matrix]:
    async with Matrix.running(app, redis_url, build_world) as running:
        yield running


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """The rows share the module's world (see `matrix`), which puts itself back after each."""


# --- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.id)
async def test_access(matrix: Matrix, endpoint: Endpoint) -> None:
    def leaks_nothing_of_a(role: str, response: httpx.Response) -> None:
        if role not in endpoint.allowed or role == "coordinator_b":  # B never learns of A
            for name in A_NAMES.values():
                assert name not in response.text
            assert "office@alpha.example.kz" not in response.text
            assert FEED_URL not in response.text

    await matrix.check(
        endpoint, ROLES, form=lambda role: _form_for(endpoint, role), inspect=leaks_nothing_of_a
    )


# --- the matrix keeps up with the routes -------------------------------------------------------


def test_every_guarded_core_endpoint_is_in_the_matrix(app) -> None:
    missing = unlisted(((e.method, e.path) for e in ENDPOINTS), app, "core")
    assert not missing, f"add a row to ENDPOINTS for: {missing}"
