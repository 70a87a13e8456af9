"""What the public sees of projects: public projects grouped by the countries of their
partners, and a project's page with its partners, images and a timeline of what it achieved
(highlights of accepted reports, milestones reached).

An internal project (not public) does not exist for anyone outside its team and the bureau:
they get None here and a 404 from the page. Drafts, submitted or sent-back reports never
show; only the version the bureau accepted does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.access import Viewer, can
from core.content import Translated
from core.organizations import PARTNER_COUNTRIES
from projects.services import projects as project_rules
from projects.services import reports
from projects.services.portfolio import chart_countries
from projects.services.projects import ProjectScope
from projects.tables import Milestone, MilestoneStatus, PartnerSide, Project, ProjectPartner


@dataclass(frozen=True)
class Moment:
    """One entry of a project's timeline."""

    kind: str  # "report" or "milestone"
    day: date
    text: Any  # translated content: the highlight, or the milestone's title
    period: str = ""  # for reports
    label: str = ""  # for reports: the period as people read it


def country_order(code: str) -> tuple[int, str]:
    return (PARTNER_COUNTRIES.index(code) if code in PARTNER_COUNTRIES else 99, code)


async def _partners_by_project(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await ProjectPartner.select(
            ProjectPartner.project,
            ProjectPartner.side,
            ProjectPartner.organization.slug.as_alias("slug"),
            ProjectPartner.organization.name.as_alias("name"),
            ProjectPartner.organization.country.as_alias("country"),
            ProjectPartner.organization.is_public.as_alias("is_public"),
        )
        .where(ProjectPartner.project.is_in(ids))
        .order_by(ProjectPartner.id)
        if ids
        else []
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["project"], []).append(row)
    for found in grouped.values():
        found.sort(key=lambda p: p["side"] != PartnerSide.china.value)
    return grouped


def partner_countries(project: dict[str, Any], partners: list[dict[str, Any]]) -> list[str]:
    """The countries of the partner side's organizations; failing those, the countries the
    project names other than China (as the portfolio counts them)."""
    found = [p["country"] for p in partners if p["side"] == PartnerSide.partner.value]
    found = [code for code in dict.fromkeys(found) if code]
    return found or chart_countries(project)


async def by_country() -> list[tuple[str, list[dict[str, Any]]]]:
    """Public projects grouped by the countries of their partners, partner countries in
    their usual order; a project with partners in two countries is listed under both.
    Each item is {"project", "partners"}, newest start first."""
    rows = (
        await Project.select()
        .where(Project.is_public == True)
        .order_by(Project.starts_on, ascending=False)
        .order_by(Project.slug)
    )
    projects = [project_rules.loaded(row) for row in rows]
    partners = await _partners_by_project([p["id"] for p in projects if p])
    groups: dict[str, list[dict[str, Any]]] = {}
    for project in projects:
        if project is None:
            continue
        mine = partners.get(project["id"], [])
        for code in partner_countries(project, mine):
            groups.setdefault(code, []).append({"project": project, "partners": mine})
    return [(code, groups[code]) for code in sorted(groups, key=country_order)]


async def visible(viewer: Viewer, slug: str) -> ProjectScope | None:
    """The project for its public page: anyone sees a public one; an internal one only its
    team and the bureau (everyone else: None, as if there were none)."""
    found = await project_rules.scope(viewer, slug)
    if found is None:
        return None
    if found.project["is_public"] or can(viewer, "project.view", found):
        return found
    return None


async def timeline(project_id: int) -> list[Moment]:
    """Highlights of accepted reports and milestones reached, latest first."""
    moments = []
    for report in await reports.accepted(project_id):
        highlight = Translated.load(report["version"]["highlight"])
        if highlight:
            moments.append(
                Moment(
                    "report",
                    report["period_ends_on"],
                    highlight,
                    period=report["period"],
                    label=report["label"],
                )
            )
    reached = await Milestone.select(
        Milestone.id, Milestone.title, Milestone.completed_on, Milestone.due_on
    ).where((Milestone.project == project_id) & (Milestone.status == MilestoneStatus.done.value))
    for row in reached:
        moments.append(
            Moment("milestone", row["completed_on"] or row["due_on"], Translated.load(row["title"]))
        )
    return sorted(moments, key=lambda m: (m.day, m.kind == "report"), reverse=True)


async def details(found: ProjectScope) -> dict[str, Any]:
    """Everything a project's public page shows."""
    return {
        "project": found.project,
        "partners": await project_rules.partners(found.id),
        "images": await project_rules.images(found.id),
        "timeline": await timeline(found.id),
    }


async def for_organization(organization: dict[str, Any]) -> dict[str, Any]:
    """What a partner organization's public page adds: the public projects it takes part in,
    as `partner_projects` (templates/core/partners/detail.html shows them)."""
    return {
        "partner_projects": await project_rules.projects_of_organization(
            organization["id"], public_only=True
        )
    }
