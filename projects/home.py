"""Projects on the home page (core.home): public joint laboratories with the highlight of
their latest accepted progress report. Three queries whatever the number of labs."""

from __future__ import annotations

from typing import Any

from core.hooks import HomeSection
from projects.tables import (
    ProgressReport,
    Project,
    ProjectKind,
    ProjectStatus,
    ReportStatus,
    ReportVersion,
)

LABS = 6


async def joint_labs(lang: str) -> dict[str, Any] | None:
    labs = (
        await Project.select(Project.id, Project.slug, Project.name, Project.summary)
        .where(
            (Project.is_public == True)
            & (Project.kind == ProjectKind.joint_laboratory.value)
            & (Project.status == ProjectStatus.active.value)
        )
        .order_by(Project.starts_on, ascending=False)
        .limit(LABS)
    )
    if not labs:
        return None
    reports = (
        await ProgressReport.select(
            ProgressReport.id, ProgressReport.project, ProgressReport.current_version
        )
        .where(
            ProgressReport.project.is_in([lab["id"] for lab in labs])
            & (ProgressReport.status == ReportStatus.accepted.value)
        )
        .order_by(ProgressReport.period_starts_on, ascending=False)
    )
    latest: dict[int, dict[str, Any]] = {}
    for report in reports:
        latest.setdefault(report["project"], report)
    keys = [f"{report['id']}:{report['current_version']}" for report in latest.values()]
    highlights = {
        row["report"]: row["highlight"]
        for row in await ReportVersion.select(ReportVersion.report, ReportVersion.highlight).where(
            ReportVersion.report_number.is_in(keys or [""])
        )
    }
    for lab in labs:
        report = latest.get(lab["id"])
        lab["highlight"] = highlights.get(report["id"]) if report else None
    return {"labs": labs, "lang": lang}


SECTIONS = (HomeSection("joint-labs", "projects/home/_labs.html", joint_labs, order=40),)
