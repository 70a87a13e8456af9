"""Who may open which page of the cooperation board: every role against every guarded route.

Posters edit only their organization's profiles (404 for others); only the poster's side
answers an expression of interest; its two sides, the bureau and the coordinator of the
profile's city see it (404 for everyone else). Moderation is the bureau's (403 for everyone
else); coordinators follow requests and publish guides for their own city. Posting needs an
organization to post for (403 without one). Anonymous readers are sent to sign in. A
refused POST changes nothing and leaks nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cooperation.tables import InterestRequest
from core.content import Translated
from core.tables import Membership, User
from tests.access_matrix import Endpoint, controller_handlers, unlisted, visit
from tests.cooperation.factories import make_poster, make_profile, password_hash
from tests.support.factories import PASSWORD, make_organization, sign_in

ROLES = (
    "anonymous",
    "no_organization",
    "outsider",
    "poster",
    "requester",
    "coordinator",
    "other_coordinator",
    "fao",
    "admin",
)
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
WITH_ORGANIZATION = SIGNED_IN - {"no_organization", "fao"}
POSTER = frozenset({"poster", "admin"})
ADMIN = frozenset({"admin"})
COORDINATORS = frozenset({"coordinator", "other_coordinator", "admin"})
SECRET_TITLE = "Засекреченный черновик запроса"
SECRET_CONTACT = "hidden.person@poster.example.kz"

DEMAND_FORM = {
    "kind": "demand",
    "organization": "poster-org",
    "source_language": "ru",
    "title_ru": "Новый запрос",
    "description_ru": "Описание.",
    "field": "water",
    "city": "almaty",
    "contact_name": "Имя",
    "contact_email": "name@example.org",
    "action": "submit",
}
GUIDE_FORM = {
    "city": "almaty",
    "year": "2027",
    "source_language": "en",
    "title_en": "Almaty guide",
    "priorities_en": "Water.",
}


def account(
    method: str, path: str, allowed: frozenset[str], refusal: int = 404, **kw: Any
) -> Endpoint:
    return Endpoint(method, "/en/account/cooperation/" + path, allowed, refusal, **kw)


def bureau(method: str, path: str, allowed: frozenset[str] = ADMIN, **kw: Any) -> Endpoint:
    return Endpoint(method, "/en/manage/cooperation/" + path, allowed, 403, **kw)


ENDPOINTS = [
    account("GET", "", SIGNED_IN, 403),
    account("GET", "new", WITH_ORGANIZATION, 403),
    account("POST", "new", WITH_ORGANIZATION, 403, form=DEMAND_FORM),
    account("GET", "{p}/edit", POSTER),
    account("POST", "{p}/edit", POSTER, form={**DEMAND_FORM, "title_ru": "Изменено"}),
    account("POST", "{d}/submit", POSTER),
    account("GET", "requests/{r}", frozenset({"poster", "requester", "coordinator", "admin"})),
    account("POST", "requests/{r}/accept", frozenset({"poster"})),
    account("POST", "requests/{r}/decline", frozenset({"poster"})),
    account("GET", "digest", SIGNED_IN, 403),
    account("POST", "digest", SIGNED_IN, 403, form={"frequency": "weekly", "language": "ru"}),
    Endpoint("GET", "/en/cooperation/{o}/interest", WITH_ORGANIZATION, 403),
    Endpoint(
        "POST",
        "/en/cooperation/{o}/interest",
        WITH_ORGANIZATION,
        403,
        form={"contact_name": "Имя", "contact_email": "me@example.org", "consent": "on"},
    ),
    bureau("GET", ""),
    bureau("GET", "{s}/"),
    bureau("POST", "{s}/publish"),
    bureau("POST", "{s}/return", form={"reason": "Уточните сроки."}),
    bureau("GET", "{p}/archive"),
    bureau("POST", "{p}/archive"),
    bureau("GET", "requests/", COORDINATORS),
    bureau("GET", "requests/export.csv", COORDINATORS),
    bureau("GET", "guides/", COORDINATORS),
    bureau("POST", "guides/", frozenset({"coordinator", "admin"}), form=GUIDE_FORM),
]


@pytest.fixture
async def world() -> dict[str, Any]:
    poster = await make_poster(city_en="Almaty")
    await _rename(poster, "poster-org")
    requester = await make_poster(city_en="Bishkek")
    institute = await make_poster("institute", country="CN", city_en="Urumqi")
    published = await make_profile(
        poster, title={"ru": "Опубликованный запрос"}, contact_email=SECRET_CONTACT
    )
    draft = await make_profile(poster, title={"ru": SECRET_TITLE}, status="draft")
    submitted = await make_profile(poster, title={"ru": SECRET_TITLE}, status="submitted")
    offer = await make_profile(
        institute, "offer", title={"zh": "滴灌"}, city="urumqi", country="CN"
    )
    request = InterestRequest(
        profile=published["id"],
        organization=requester["organization"]["id"],
        requester=requester["id"],
        contact_name="Requester",
        contact_email="requester@example.org",
        status="pending",
        profile_organization=f"{published['id']}:{requester['organization']['id']}",
    )
    await request.save()
    return {
        "p": published["id"],
        "d": draft["id"],
        "s": submitted["id"],
        "o": offer["id"],
        "r": request.id,
        "poster": poster,
        "requester": requester,
        "outsider": await make_poster(city_en="Astana"),
    }


async def _rename(poster: dict[str, Any], slug: str) -> None:
    from core.tables import Organization

    await Organization.update({Organization.slug: slug}).where(
        Organization.id == poster["organization"]["id"]
    )


async def act_as(client: httpx.AsyncClient, role: str, world: dict[str, Any]) -> None:
    if role == "anonymous":
        return
    if role in ("poster", "requester", "outsider"):
        await sign_in(client, world[role])
        return
    base = {"coordinator": "coordinator", "other_coordinator": "coordinator"}.get(role, role)
    base = "member" if role == "no_organization" else base
    user = User(
        email=f"{role}@example.org", role=base, language="en", password_hash=password_hash()
    )
    await user.save()
    city = {"coordinator": "Almaty", "other_coordinator": "Tashkent"}.get(role)
    if city:
        office = await make_organization(
            f"{role}-office", city=Translated.of("en", en=city).dump(), kind="partner_city"
        )
        await Membership(user=user.id, organization=office["id"]).save()
    await sign_in(client, {"email": user.email, "password": PASSWORD})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.id)
async def test_access(client, world, endpoint: Endpoint, role: str) -> None:
    await act_as(client, role, world)
    response = await visit(client, endpoint, role, endpoint.url(world), dict(endpoint.form))

    if role not in endpoint.allowed:
        assert SECRET_TITLE not in response.text
        assert SECRET_CONTACT not in response.text


def test_every_guarded_cooperation_endpoint_is_in_the_matrix() -> None:
    from cooperation import routes

    rows = [(e.method, e.path.replace("export.csv", "{}")) for e in ENDPOINTS]
    missing = unlisted(rows, controller_handlers(routes.pages))
    assert not missing, f"add a row to ENDPOINTS for: {missing}"
