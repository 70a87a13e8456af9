"""Projects on a person's desk (core.dashboard). Organizers: progress reports awaiting review
and overdue milestones. A project team: per project, the next report due, overdue
milestones and reports sent back with review comments."""

from __future__ import annotations

from typing import Any

from core.access import Viewer
from core.content import plain_text
from core.db import counts_by
from core.hooks import Panel, PanelItem
from core.i18n import current_language, format_date, gettext
from projects.services import projects as project_rules
from projects.services.milestones import OPEN_STATUSES
from projects.services.reports import period_label
from projects.tables import Milestone, ProgressReport, Project, ReportStatus, TeamMember

DUE = (ReportStatus.draft.value, ReportStatus.changes_requested.value)


async def organizer_panels() -> list[Panel]:
    lang = current_language()
    awaiting = await ProgressReport.count().where(
        ProgressReport.status == ReportStatus.submitted.value
    )
    overdue = await Milestone.count().where(
        Milestone.status.is_in(list(OPEN_STATUSES)) & (Milestone.due_on < project_rules.today())
    )
    portfolio = f"/{lang}/manage/projects/"
    return [
        Panel(
            title=gettext("Joint-lab projects"),
            items=(
                PanelItem(gettext("Progress reports awaiting review"), awaiting, portfolio, True),
                PanelItem(gettext("Overdue milestones"), overdue, portfolio, urgent=True),
            ),
            order=30,
            link=portfolio,
            link_label=gettext("The portfolio"),
        )
    ]


async def team_panels(viewer: Viewer) -> list[Panel]:
    memberships = TeamMember.select(TeamMember.project).where(TeamMember.user == viewer.id)
    projects = (
        await Project.select(Project.id, Project.slug, Project.name)
        .where(Project.id.is_in(memberships))
        .order_by(Project.id)
    )
    if not projects:
        return []
    ids = [project["id"] for project in projects]
    today = project_rules.today()
    overdue = await counts_by(
        Milestone.project,
        Milestone.project.is_in(ids)
        & Milestone.status.is_in(list(OPEN_STATUSES))
        & (Milestone.due_on < today),
    )
    sent_back = await counts_by(
        ProgressReport.project,
        ProgressReport.project.is_in(ids)
        & (ProgressReport.status == ReportStatus.changes_requested.value),
    )
    next_due: dict[int, dict[str, Any]] = {}
    for report in (
        await ProgressReport.select(
            ProgressReport.project, ProgressReport.period, ProgressReport.due_on
        )
        .where(ProgressReport.project.is_in(ids) & ProgressReport.status.is_in(list(DUE)))
        .order_by(ProgressReport.due_on)
    ):
        next_due.setdefault(report["project"], report)
    lang = current_language()
    panels = []
    for position, project in enumerate(projects):
        home = f"/{lang}/account/projects/{project['slug']}/"
        items = []
        report = next_due.get(project["id"])
        if report is not None:
            items.append(
                PanelItem(
                    gettext(
                        "Next report: %(period)s, due %(date)s",
                        period=period_label(report["period"]),
                        date=format_date(report["due_on"]),
                    ),
                    None,
                    f"{home}reports/{report['period']}/",
                )
            )
        items.append(
            PanelItem(
                gettext("Overdue milestones"), overdue.get(project["id"], 0), home, urgent=True
            )
        )
        items.append(
            PanelItem(
                gettext("Reports sent back with review comments"),
                sent_back.get(project["id"], 0),
                home,
                urgent=True,
            )
        )
        panels.append(
            Panel(
                title=plain_text(project["name"]),
                items=tuple(items),
                order=40 + position,
                link=home,
                link_label=gettext("The project's page"),
            )
        )
    return panels


async def panels(viewer: Viewer) -> list[Panel]:
    if viewer.is_admin:
        return await organizer_panels()
    return await team_panels(viewer)
