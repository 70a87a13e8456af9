"""Who may open which project page: every role against every endpoint this domain adds.

The team's pages (/account/projects/<slug>/…) are for the project's team and organizers;
coordinators of the project's own partner organizations may read them (never change
anything); everyone else — coordinators of other organizations, reviewers, the
foreign-affairs office, people on other teams — gets a 404, as if the project had no
working side. Members may edit; only leads (and organizers) manage the team. The bureau's
pages (/manage/projects/…) are for organizers (403 for everyone else). Anonymous readers
are sent to sign in. A refused POST changes nothing and leaks nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest

from core.content import Translated
from core.tables import Membership, User
from projects.services import files
from projects.services.forms import Upload
from projects.tables import ProjectImage, ProjectPartner, ReportVersion
from tests.projects.factories import (
    PDF,
    PNG,
    add_to_team,
    make_milestone,
    make_project,
    make_report,
)
from tests.support.access_matrix import Endpoint, Matrix, unlisted
from tests.support.factories import make_organization

ROLES = (
    "anonymous",
    "outsider",
    "reviewer",
    "coordinator",
    "other_coordinator",
    "fao",
    "team_member",
    "team_lead",
    "admin",
)
# The project's name in every language: none of it may reach someone refused.
NAMES = {
    "zh": "阿尔法生物资源联合实验室",
    "ru": "Совместная лаборатория Альфа",
    "kk": "Альфа бірлескен зертханасы",
    "en": "Alpha Bioresources Joint Lab",
}


TEAM = frozenset({"team_member", "team_lead", "admin"})
READERS = TEAM | {"coordinator"}  # the partner organization's coordinator reads
LEADS = frozenset({"team_lead", "admin"})
ADMIN = frozenset({"admin"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}


def team(method: str, path: str, allowed: frozenset[str] = TEAM, **kw: Any) -> Endpoint:
    return Endpoint(method, "/en/account/projects/{p}/" + path, allowed, 404, **kw)


def bureau(method: str, path: str, **kw: Any) -> Endpoint:
    return Endpoint(method, "/en/manage/projects/" + path, ADMIN, 403, **kw)


MILESTONE_FORM = {
    "source_language": "ru",
    "title_ru": "Экспедиция на Памир",
    "due_on": "2031-06-30",
    "status": "in_progress",
    "percent": "50",
    "evidence_links": "https://example.org/pamir",
}
PROJECT_FORM = {
    "slug": "gamma-lab",
    "source_language": "en",
    "name_en": "Gamma Lab",
    "kind": "research_base",
    "field": "agriculture",
    "countries": "KZ",
    "starts_on": "2026-01-01",
    "status": "active",
    "report_frequency": "annual",
    "is_public": "on",
}

ENDPOINTS = [
    # the team's pages
    Endpoint("GET", "/en/account/projects/", SIGNED_IN, 403),
    team("GET", "", READERS),
    # before the rows that remove it: the database is put back after each POST, the file not
    team("GET", "files/{mf}", READERS),
    team("GET", "milestones/new"),
    team("POST", "milestones/new", form=MILESTONE_FORM),
    team("GET", "milestones/{m}/edit"),
    team("POST", "milestones/{m}/edit", form={**MILESTONE_FORM, "version": "1"}),
    team("GET", "milestones/{m}/files/{mf}/remove"),
    team("POST", "milestones/{m}/files/{mf}/remove"),
    team("GET", "milestones/{m}/delete"),
    team("POST", "milestones/{m}/delete"),
    team("GET", "reports/2026-Q1/", READERS),
    team("GET", "reports/2026-Q1/edit"),
    team(
        "POST",
        "reports/2026-Q1/edit",
        form={"version": "1", "source_language": "ru", "narrative_ru": "Вторая версия"},
        upload=("files", "data.pdf", PDF),
    ),
    team("GET", "reports/2026-Q1/submit"),
    team("POST", "reports/2026-Q1/submit", form={"version": "1"}),
    team("GET", "reports/2026-Q1/versions/", READERS),
    team("GET", "reports/2026-Q1/versions/{n}", READERS),
    team("GET", "reports/2026-Q1/compare", READERS),
    team("GET", "files/{rf}", READERS),
    team("GET", "team", READERS),
    team(
        "POST",
        "team",
        LEADS,
        form={"email": "new.member@example.org", "role": "member", "language": "ru"},
    ),
    team("POST", "team/{t}/role", LEADS, form={"role": "lead"}),
    team("GET", "team/{t}/remove", LEADS),
    team("POST", "team/{t}/remove", LEADS),
    # the bureau's pages
    bureau("GET", ""),
    bureau("GET", "export.xlsx"),
    bureau("GET", "new"),
    bureau("POST", "new", form=PROJECT_FORM),
    bureau("GET", "{p}/"),
    bureau("GET", "{p}/edit"),
    bureau("POST", "{p}/edit", form={**PROJECT_FORM, "slug": "{p}", "name_en": "Renamed"}),
    bureau(
        "POST",
        "{p}/images",
        form={"source_language": "en", "caption_en": "The lab"},
        upload=("image", "lab.png", PNG),
    ),
    bureau("GET", "{p}/images/{img}/remove"),
    bureau("POST", "{p}/images/{img}/remove"),
    bureau("GET", "{p}/team"),
    bureau(
        "POST", "{p}/team", form={"email": "new.lead@example.org", "role": "lead", "language": "zh"}
    ),
    bureau("POST", "{p}/team/{t}/role", form={"role": "lead"}),
    bureau("GET", "{p}/team/{t}/remove"),
    bureau("POST", "{p}/team/{t}/remove"),
    bureau("GET", "{p}/reports/2026-Q1/"),
    bureau(
        "POST",
        "{p}/reports/2026-Q1/review",
        form={"action": "comment", "body": "Хорошо.", "version": "1"},
    ),
    bureau("GET", "indicators/"),
    bureau("GET", "indicators/new"),
    bureau(
        "POST",
        "indicators/new",
        form={
            "key": "seed_banks",
            "source_language": "en",
            "label_en": "Seed banks",
            "active": "on",
        },
    ),
    bureau("GET", "indicators/papers/edit"),
    bureau("POST", "indicators/papers/edit", form={"active": ""}),
]


# --- the world each case runs in ---------------------------------------------------------------


async def _account(email: str) -> int:
    """A team member who never signs in here (no password: argon2 is slow on purpose)."""
    user = User(email=email, name=email.split("@")[0], role="member", language="ru")
    await user.save()
    return int(user.id)


async def build_world() -> tuple[dict[str, Any], dict[str, int]]:
    partner = await make_organization("tj-partner", country="TJ")
    elsewhere = await make_organization("kz-elsewhere", country="KZ")
    project = await make_project(
        slug="alpha-lab",
        name=Translated(source="en", text=NAMES).dump(),
        is_public=False,
        starts_on=date(2026, 1, 1),
    )
    await ProjectPartner(project=project["id"], organization=partner["id"], side="partner").save()
    other = await make_project(slug="other-lab")
    target = await _account("target@example.org")
    target_member = await add_to_team(project, {"id": target}, "member")
    milestone = await make_milestone(project, due_on=date(2026, 3, 28))
    report = await make_report(project, "2026-Q1", current_version=1)
    await ReportVersion(
        report=report["id"],
        number=1,
        narrative=Translated.of("ru", ru="Первая версия").dump(),
        highlight=Translated.of("ru", ru="Итог").dump(),
        indicators={"papers": 1},
        report_number=f"{report['id']}:1",
    ).save()
    staged = files.stage([files.check(Upload("evidence.pdf", PDF))])
    [milestone_file] = await files.insert(
        staged, project_id=project["id"], uploaded_by=None, milestone_id=milestone["id"]
    )
    staged = files.stage([files.check(Upload("report.pdf", PDF))])
    [report_file] = await files.insert(
        staged,
        project_id=project["id"],
        uploaded_by=None,
        report_id=report["id"],
        report_version=1,
    )
    image = ProjectImage(project=project["id"], file="project-alpha-0.png", caption={})
    await image.save()
    world = {
        "p": "alpha-lab",
        "m": milestone["id"],
        "mf": milestone_file,
        "rf": report_file,
        "t": target_member,
        "img": image.id,
        "n": 1,
    }
    accounts = {
        role: await _role_account(role, project, other, (partner["id"], elsewhere["id"]))
        for role in SIGNED_IN
    }
    return world, accounts


async def _role_account(
    role: str, project: dict[str, Any], other: dict[str, Any], organizations: tuple[int, int]
) -> int:
    """Someone in `role`. The outsider leads another project (a team role on one project
    opens nothing on another); the coordinator acts for one of this project's own partner
    organizations, the other coordinator for an organization that is not one."""
    partner_id, elsewhere_id = organizations
    base_role = {
        "coordinator": "coordinator",
        "other_coordinator": "coordinator",
        "reviewer": "reviewer",
        "fao": "fao",
    }.get(role, "admin" if role == "admin" else "member")
    user = User(email=f"{role}@example.org", role=base_role, language="en")
    await user.save()
    if role == "coordinator":
        await Membership(user=user.id, organization=partner_id).save()
    if role == "other_coordinator":
        await Membership(user=user.id, organization=elsewhere_id).save()
    if role in ("team_member", "team_lead"):
        await add_to_team(project, {"id": user.id}, role.removeprefix("team_"))
    if role == "outsider":
        await add_to_team(other, {"id": user.id}, "lead")
    return int(user.id)


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
    def leaks_nothing(role: str, response: httpx.Response) -> None:
        if role not in endpoint.allowed:
            for name in NAMES.values():
                assert name not in response.text
            assert "evidence.pdf" not in response.text

    form = {k: v.format(**matrix.world) for k, v in endpoint.form.items()}
    await matrix.check(endpoint, ROLES, form=lambda _role: form, inspect=leaks_nothing)


# --- the matrix keeps up with the routes -------------------------------------------------------


def test_every_guarded_project_endpoint_is_in_the_matrix(app) -> None:
    rows = [
        (e.method, e.path.replace("2026-Q1", "{}").replace("/papers/", "/{}/")) for e in ENDPOINTS
    ]
    missing = unlisted(rows, app, "projects")
    assert not missing, f"add a row to ENDPOINTS for: {missing}"
