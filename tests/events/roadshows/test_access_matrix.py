"""Who may open which roadshow page: every role against every guarded endpoint.

Organizers' pages (/manage/events/<slug>/roadshow/…) are for organizers (403 for everyone
else). A submission's pages are for its own organization's people (and organizers): the
applicant of another organization gets a 404. The review pages are for reviewers (403 for
other roles); an assignment is only for its reviewer — a reviewer of another call gets a
404. Anonymous readers are sent to sign in. A refused POST changes nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

import httpx
import pytest

from core import passwords
from core.content import Translated
from core.tables import Membership, User
from core.uploads import folder
from events.roadshows.tables import Pitch
from tests.access_matrix import Endpoint, visit
from tests.events.roadshows.factories import (
    PDF,
    make_review,
    make_reviewer,
    make_roadshow,
    make_submission,
)
from tests.events.roadshows.meeting_routes import MEETING_ENDPOINTS
from tests.support.factories import PASSWORD, make_organization, sign_in

ROLES = (
    "anonymous",
    "applicant",
    "other_applicant",
    "reviewer",
    "other_reviewer",
    "coordinator",
    "fao",
    "admin",
)
TITLE = "Солеустойчивая пшеница Альфа"
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
ADMIN = frozenset({"admin"})
OWN = frozenset({"applicant", "admin"})
REVIEWERS = frozenset({"reviewer", "other_reviewer", "admin"})
ASSIGNED = frozenset({"reviewer", "admin"})
DRAFT = {
    "source_language": "ru",
    "title_ru": "Новый проект",
    "summary_ru": "Кратко.",
    "field": "agriculture",
    "trl": "3",
    "ip_status": "none",
    "stage": "idea",
    "sought": "partner",
    "action": "draft",
}


def organizer(method: str, path: str, **kw: Any) -> Endpoint:
    return Endpoint(method, "/en/manage/events/{e}/roadshow/" + path, ADMIN, 403, **kw)


def own(method: str, path: str, **kw: Any) -> Endpoint:
    return Endpoint(method, "/en/account/roadshows/submissions/{s}" + path, OWN, 404, **kw)


def reviewing(method: str, path: str, allowed: frozenset[str] = ASSIGNED, **kw: Any) -> Endpoint:
    return Endpoint(method, "/en/account/reviews/" + path, allowed, 404, **kw)


ENDPOINTS = [
    organizer("GET", ""),
    organizer("GET", "call"),
    organizer(
        "POST",
        "call",
        form={
            "source_language": "en",
            "text_en": "Bring it.",
            "opens_at": "2026-01-01T09:00",
            "closes_at": "2027-01-01T09:00",
            "fields": "energy",
            "criterion_0_key": "innovation",
            "criterion_0_label_en": "Innovation",
            "criterion_0_weight": "100",
            "reviews_per_submission": "2",
            "pitch_slots": "5",
        },
    ),
    organizer("POST", "assign"),
    organizer("GET", "submissions/{s}"),
    organizer("POST", "submissions/{s}/reviewers", form={"reviewer": "{r2}"}),
    organizer("POST", "submissions/{s}/decision", form={"decision": "waitlisted"}),
    organizer("GET", "submissions/{s}/deck"),
    organizer("GET", "decisions/send"),
    organizer("POST", "decisions/send"),
    organizer("GET", "ranking.xlsx"),
    organizer("GET", "ranking.csv"),
    organizer("GET", "pitches"),
    organizer(
        "POST",
        "pitches",
        form={"starts_at": "2026-09-15T10:00", "room": "Hall A", "minutes": "10", "gap": "0"},
    ),
    organizer("POST", "pitches/{pitch}/presenter", form={"presenter": "Presenter Two"}),
    organizer("GET", "outcomes"),
    organizer(
        "POST",
        "outcomes",
        form={
            "submission": "{s2}",
            "kind": "mou",
            "counterparty": "Astana Hub",
            "country": "KZ",
            "signed_on": "2026-09-16",
            "currency": "CNY",
        },
    ),
    organizer("POST", "outcomes/rates", form={"rate_KZT": "0.015"}),
    organizer("GET", "outcomes/report.xlsx"),
    organizer("GET", "outcomes/report.csv"),
    Endpoint("GET", "/en/account/roadshows/", SIGNED_IN, 403),
    Endpoint("GET", "/en/account/roadshows/{e}/apply", SIGNED_IN, 403),
    Endpoint(
        "POST",
        "/en/account/roadshows/{e}/apply",
        frozenset({"applicant", "other_applicant"}),
        400,
        form=DRAFT,
    ),
    own("GET", ""),
    own("GET", "/edit"),
    own("POST", "/edit", form=DRAFT),
    own("GET", "/withdraw"),
    own("POST", "/withdraw"),
    own("GET", "/deck"),
    reviewing("GET", "", REVIEWERS),
    reviewing("GET", "conflicts", REVIEWERS),
    reviewing("POST", "conflicts", REVIEWERS, form={"call": "{c}", "organization": "{o2}"}),
    reviewing("GET", "export.xlsx", REVIEWERS),
    reviewing("GET", "export.csv", REVIEWERS),
    reviewing("GET", "{rv}"),
    reviewing("POST", "{rv}", form={"score_innovation": "5", "action": "save"}),
    reviewing("GET", "{rv}/deck"),
]


@functools.cache
def _password_hash() -> str:
    return passwords.hash_password(PASSWORD)


@pytest.fixture
async def world() -> dict[str, Any]:
    event, call = await make_roadshow()
    _other_event, other_call = await make_roadshow()
    home = await make_organization("home-uni", kind="university")
    other = await make_organization("other-uni", kind="university")
    (folder("roadshows") / ("b" * 32 + ".pdf")).write_bytes(PDF)
    submission = await make_submission(
        call,
        home["id"],
        title=Translated.of("ru", ru=TITLE).dump(),
        deck_file="b" * 32 + ".pdf",
        deck_kind="pdf",
    )
    accepted = await make_submission(
        call,
        home["id"],
        decision="accepted",
        team=[{"name": "Presenter One", "role": ""}, {"name": "Presenter Two", "role": ""}],
    )
    pitch = Pitch(submission=accepted["id"], event=event["id"], position=1, presenter="")
    await pitch.save()
    elsewhere = await make_submission(other_call, other["id"])
    spare = await make_reviewer("spare@example.org")
    return {
        "e": event["slug"],
        "c": call["id"],
        "s": submission["id"],
        "s2": accepted["id"],
        "pitch": pitch.id,
        "r2": spare["id"],
        "o1": home["id"],
        "o2": other["id"],
        "elsewhere": elsewhere,
        "submission": submission,
    }


async def act_as(client: httpx.AsyncClient, role: str, world: dict[str, Any]) -> None:
    if role == "anonymous":
        return
    base = {"applicant": "member", "other_applicant": "member", "other_reviewer": "reviewer"}.get(
        role, role
    )
    user = User(
        email=f"{role}@example.org", role=base, language="en", password_hash=_password_hash()
    )
    await user.save()
    if role in ("applicant", "other_applicant"):
        organization = world["o1"] if role == "applicant" else world["o2"]
        await Membership(user=user.id, organization=organization).save()
    if role == "reviewer":
        world["rv"] = await make_review(world["submission"], user.id)
    if role == "other_reviewer":
        await make_review(world["elsewhere"], user.id)
    await sign_in(client, {"email": user.email, "password": PASSWORD})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.id)
async def test_access(client, world, endpoint: Endpoint, role: str) -> None:
    if "{rv}" in endpoint.path and role != "reviewer":
        spare = await make_reviewer("assigned@example.org")
        world["rv"] = await make_review(world["submission"], spare["id"])
    await act_as(client, role, world)
    if endpoint.path.startswith("/en/account/reviews/") and role not in REVIEWERS:
        endpoint = dataclasses.replace(endpoint, refusal=403)
    form = {k: v.format(**world) for k, v in endpoint.form.items()}

    response = await visit(client, endpoint, role, endpoint.url(world), form)

    if role not in endpoint.allowed:
        assert TITLE not in response.text


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path).rstrip("/")


def test_every_guarded_roadshow_endpoint_is_in_the_matrix(app) -> None:
    listed = {(e.method, _shape(e.path.removeprefix("/en"))) for e in ENDPOINTS + MEETING_ENDPOINTS}
    missing = []
    for route in app.routes:
        if not route.path.startswith("/{lang:str}/"):
            continue
        path = route.path.removeprefix("/{lang:str}")
        if "roadshow" not in path and not path.startswith("/account/reviews"):
            continue
        for handler in route.route_handlers:
            if len(handler.resolve_guards()) <= 1:  # only the language guard: public
                continue
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                if (method, _shape(path)) not in listed:
                    missing.append(f"{method} {path}")
    assert not missing, f"add a row to ENDPOINTS for: {missing}"


async def test_the_public_pitch_page_is_open_to_everyone(client, world) -> None:
    response = await client.get(f"/en/events/{world['e']}/roadshow/")
    assert response.status_code == 200
