"""Factories for projects, their teams, milestones and reports, and small helpers that act
as the team's and the bureau's browsers would."""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import date, timedelta
from typing import Any

import httpx

from core.content import Translated
from projects.services import projects as project_rules
from projects.services import reports
from projects.tables import Milestone, ProgressReport, Project, ReportVersion, TeamMember
from tests.support.factories import (
    audit,  # noqa: F401 - test_portfolio imports it from here
    make_user,
    sign_in,
)

_numbers = itertools.count(1)

# The smallest files of each kind the site accepts, as their first bytes say.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


async def make_project(**fields: Any) -> dict[str, Any]:
    number = next(_numbers)
    values: dict[str, Any] = {
        "slug": f"project-{number}",
        "name": Translated.of(
            "en", en=f"Joint lab {number}", ru=f"Совместная лаборатория {number}"
        ).dump(),
        "summary": Translated.of("en", en="Working together.").dump(),
        "description": Translated.of("en", en="About the lab.").dump(),
        "kind": "joint_laboratory",
        "field": "biological_resources",
        "countries": ["CN", "TJ"],
        "starts_on": date.today() - timedelta(days=200),
        "status": "active",
        "is_public": True,
        "report_frequency": "quarterly",
    }
    values.update(fields)
    project = Project(**values)
    await project.save()
    return await project_rules.get(values["slug"]) or {}


async def add_to_team(project: dict[str, Any], user: dict[str, Any], role: str = "member") -> int:
    member = TeamMember(
        project=project["id"],
        user=user["id"],
        role=role,
        project_user=f"{project['id']}:{user['id']}",
    )
    await member.save()
    return int(member.id)


async def make_member(
    project: dict[str, Any], role: str = "member", **user_fields: Any
) -> dict[str, Any]:
    """An account on the project's team (platform role `member`)."""
    user = await make_user("member", **user_fields)
    user["member_id"] = await add_to_team(project, user, role)
    return user


async def make_milestone(project: dict[str, Any], **fields: Any) -> dict[str, Any]:
    number = next(_numbers)
    values: dict[str, Any] = {
        "project": project["id"],
        "title": Translated.of("en", en=f"Milestone {number}", ru=f"Этап {number}").dump(),
        "due_on": date.today() + timedelta(days=30),
        "status": "in_progress",
        "percent": 40,
        "evidence_links": [],
        "version": 1,
    }
    values.update(fields)
    milestone = Milestone(**values)
    await milestone.save()
    return await Milestone.select().where(Milestone.id == milestone.id).first() or {}


async def make_report(project: dict[str, Any], period: str = "2026-Q1", **fields: Any) -> dict:
    found = reports.parse_period(period)
    assert found is not None
    values: dict[str, Any] = {
        "project": project["id"],
        "period": period,
        "period_starts_on": found.starts_on,
        "period_ends_on": found.ends_on,
        "due_on": found.due_on,
        "status": "draft",
        "current_version": 0,
        "project_period": f"{project['id']}:{period}",
    }
    values.update(fields)
    report = ProgressReport(**values)
    await report.save()
    return await ProgressReport.select().where(ProgressReport.id == report.id).first() or {}


async def received_report(
    project: dict[str, Any],
    period: str,
    values: dict[str, Any],
    *,
    status: str = "accepted",
    highlight: Translated | None = None,
) -> dict[str, Any]:
    """A report the team submitted (and the bureau accepted, unless `status` says otherwise),
    with one version carrying `values` and `highlight`."""
    report = await make_report(project, period, status=status, current_version=1)
    await ReportVersion(
        report=report["id"],
        number=1,
        narrative=Translated.of("ru", ru="Отчёт.").dump(),
        highlight=(highlight or Translated.of("en", en=f"Highlight {period}")).dump(),
        indicators=values,
        submitted=True,
        report_number=f"{report['id']}:1",
    ).save()
    return report


async def signed_in_as(client: httpx.AsyncClient, user: dict[str, Any]) -> dict[str, Any]:
    await sign_in(client, user)
    return user


def report_form(version: int = 0, **overrides: str) -> dict[str, str]:
    form = {
        "version": str(version),
        "source_language": "ru",
        "narrative_ru": "Собрали 120 образцов семян в Памире.",
        "highlight_ru": "Собрано 120 образцов.",
        "ind_papers": "2",
        "ind_samples_exchanged": "120",
    }
    form.update(overrides)
    return form
