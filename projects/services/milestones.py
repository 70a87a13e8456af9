"""Milestones and deliverables the team keeps current: title in any of the four languages,
due date, status, percent done, evidence links and files. Overdue ones are flagged, and the
daily job reminds the leads (once per milestone per week, in each lead's language).

Two people editing one milestone: each form carries the version it was opened at; a save
names it, and a save from an older version is refused as a conflict (with the reader's
input kept and the newer state shown) instead of silently overwriting the other's work.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from core import outbox, translated_forms
from core.access import Viewer, require
from core.audit import changed_fields, record
from core.content import plain_text
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, N_, format_date, gettext, language
from projects.services import files, forms
from projects.services import projects as project_rules
from projects.services.forms import EditConflict, Upload
from projects.services.projects import ProjectScope
from projects.tables import Milestone, MilestoneStatus, ProjectStatus

TITLE_MAX = 300
OPEN_STATUSES = (MilestoneStatus.planned.value, MilestoneStatus.in_progress.value)
REMIND_EVERY = timedelta(days=7)


def is_overdue(row: dict[str, Any], on: date | None = None) -> bool:
    return row["status"] in OPEN_STATUSES and row["due_on"] < (on or project_rules.today())


def days_late(row: dict[str, Any], on: date | None = None) -> int:
    return max(0, ((on or project_rules.today()) - row["due_on"]).days)


async def list_for(project_id: int, on: date | None = None) -> list[dict[str, Any]]:
    """A project's milestones by due date, each with `overdue` and its evidence files."""
    rows = (
        await Milestone.select(
            *Milestone.all_columns(), Milestone.updated_by.name.as_alias("updated_by_name")
        )
        .where(Milestone.project == project_id)
        .order_by(Milestone.due_on)
        .order_by(Milestone.id)
    )
    attached = await files.for_milestones([row["id"] for row in rows])
    for row in rows:
        row["overdue"] = is_overdue(row, on)
        row["days_late"] = days_late(row, on) if row["overdue"] else 0
        row["evidence_links"] = _links(row["evidence_links"])
        row["files"] = attached.get(row["id"], [])
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Counts for an overview: all, done, overdue."""
    return {
        "total": len(rows),
        "done": sum(1 for row in rows if row["status"] == MilestoneStatus.done.value),
        "overdue": sum(1 for row in rows if row["overdue"]),
    }


async def get(current: ProjectScope, milestone_id: int) -> dict[str, Any] | None:
    row = (
        await Milestone.select(
            *Milestone.all_columns(), Milestone.updated_by.name.as_alias("updated_by_name")
        )
        .where((Milestone.id == milestone_id) & (Milestone.project == current.id))
        .first()
    )
    if row is None:
        return None
    row["evidence_links"] = _links(row["evidence_links"])
    row["overdue"] = is_overdue(row)
    row["days_late"] = days_late(row) if row["overdue"] else 0
    row["files"] = (await files.for_milestones([milestone_id])).get(milestone_id, [])
    return row


def _links(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = json.loads(raw or "[]")
    return list(raw or [])


def new_form_values(viewer: Viewer) -> dict[str, str]:
    return {
        "source_language": viewer.language if viewer.language in LANGUAGES else "zh",
        "status": MilestoneStatus.planned.value,
        "percent": "0",
        "version": "0",
    }


def form_values(row: dict[str, Any]) -> dict[str, str]:
    return {
        **translated_forms.row_form_values(row, ("title",)),
        "due_on": row["due_on"].isoformat(),
        "status": row["status"],
        "percent": str(row["percent"]),
        "evidence_links": "\n".join(_links(row["evidence_links"])),
        "version": str(row["version"]),
    }


def clean(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    source = translated_forms.source_language(data, errors)
    title = translated_forms.translated(data, "title", source)
    if not title:
        errors[f"title_{source}"] = gettext("Enter a title.")
    else:
        translated_forms.require_source_text(title, "title", errors)
    translated_forms.check_length(title, "title", TITLE_MAX, errors)
    due_on = forms.read_date(data, "due_on", errors, required=True)
    status = data.get("status", "")
    if status not in {s.value for s in MilestoneStatus}:
        errors["status"] = gettext("Choose a status.")
    try:
        percent = int(data.get("percent", "").strip() or "0")
        if not 0 <= percent <= 100:
            raise ValueError(percent)
    except ValueError:
        errors["percent"] = gettext("Enter a whole number from 0 to 100.")
        percent = 0
    if status == MilestoneStatus.done.value:
        percent = 100
    links = forms.read_links(data.get("evidence_links", ""), "evidence_links", errors)
    values = {
        "title": title.dump(),
        "due_on": due_on,
        "status": status,
        "percent": percent,
        "evidence_links": links,
    }
    return values, errors


def _expected(data: dict[str, str]) -> int:
    try:
        return int(data.get("version", ""))
    except ValueError:
        return -1


def _audit(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


async def create(
    actor: Viewer,
    current: ProjectScope,
    data: dict[str, str],
    uploads: list[Upload] = (),  # type: ignore[assignment]
    client: str = "",
) -> int:
    require(actor, "project.edit", current)
    values, errors = clean(data)
    checked = files.check_all(list(uploads), "files", errors)
    if errors:
        raise ValidationFailed(errors)
    if values["status"] == MilestoneStatus.done.value:
        values["completed_on"] = project_rules.today()
    staged = files.stage(checked)
    try:
        async with write_transaction():
            milestone = Milestone(project=current.id, updated_by=actor.id, version=1, **values)
            await milestone.save()
            file_ids = await files.insert(
                staged,
                project_id=current.id,
                uploaded_by=actor.id,
                milestone_id=milestone.id,
            )
    except BaseException:
        files.discard(staged)
        raise
    await record(
        actor,
        "milestone.create",
        "milestone",
        milestone.id,
        client=client,
        after={**_audit(values), "project": current.id, "files": file_ids},
    )
    return int(milestone.id)


CONFLICT = N_(
    "Someone else saved this milestone while you were editing it. Your changes are still in "
    "the form below and were not saved; compare them with the saved version, then save again "
    "to replace it."
)


async def update(
    actor: Viewer,
    current: ProjectScope,
    milestone_id: int,
    data: dict[str, str],
    uploads: list[Upload] = (),  # type: ignore[assignment]
    client: str = "",
) -> int:
    """Save an edit made from version `data["version"]`; returns the new version number.
    Raises EditConflict when someone saved since, ValidationFailed for bad input; either
    way nothing is written."""
    require(actor, "project.edit", current)
    values, errors = clean(data)
    checked = files.check_all(list(uploads), "files", errors)
    if errors:
        raise ValidationFailed(errors)
    expected = _expected(data)
    staged = files.stage(checked)
    try:
        async with write_transaction():
            before = await get(current, milestone_id)
            if before is None:
                raise ValidationFailed({"": gettext("This milestone no longer exists.")})
            if before["version"] != expected:
                raise EditConflict(gettext(CONFLICT), before, before["version"])
            done = values["status"] == MilestoneStatus.done.value
            values["completed_on"] = (
                (before["completed_on"] or project_rules.today()) if done else None
            )
            saved = (
                await Milestone.update(
                    {
                        **values,
                        Milestone.version: expected + 1,
                        Milestone.updated_at: forms.now(),
                        Milestone.updated_by: actor.id,
                    }
                )
                .where((Milestone.id == milestone_id) & (Milestone.version == expected))
                .returning(Milestone.id)
            )
            if not saved:  # PostgreSQL: another save committed while this one waited
                latest = await get(current, milestone_id)
                raise EditConflict(gettext(CONFLICT), latest or before, expected + 1)
            file_ids = await files.insert(
                staged, project_id=current.id, uploaded_by=actor.id, milestone_id=milestone_id
            )
    except BaseException:
        files.discard(staged)
        raise
    old, new = changed_fields(_audit({k: before[k] for k in values}), _audit(values))
    await record(
        actor,
        "milestone.update",
        "milestone",
        milestone_id,
        client=client,
        before=old,
        after={**new, "version": expected + 1, **({"files": file_ids} if file_ids else {})},
    )
    return expected + 1


# --- reminders -----------------------------------------------------------------------------------


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


async def mail_overdue(on: date) -> int:
    """Remind each lead of every overdue milestone of an active project, at most once a week
    per milestone; returns how many mails were queued. Safe to run again (the outbox key
    names the week, and the milestone remembers when it was last mailed)."""
    last_allowed = on - REMIND_EVERY
    rows = (
        await Milestone.select(
            Milestone.id,
            Milestone.title,
            Milestone.due_on,
            Milestone.project,
            Milestone.project.slug.as_alias("slug"),
            Milestone.project.name.as_alias("project_name"),
        )
        .where(
            Milestone.status.is_in(list(OPEN_STATUSES))
            & (Milestone.due_on < on)
            & (Milestone.project.status == ProjectStatus.active.value)
            & (
                Milestone.overdue_mailed_on.is_null()
                | (Milestone.overdue_mailed_on <= last_allowed)
            )
        )
        .order_by(Milestone.id)
    )
    queued = 0
    leads_by_project: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["project"] not in leads_by_project:
            leads_by_project[row["project"]] = await project_rules.leads(row["project"])
        for lead in leads_by_project[row["project"]]:
            lang = lead["language"] if lead["language"] in LANGUAGES else "en"
            with language(lang):
                due = format_date(row["due_on"])
            await outbox.queue_mail(
                key=f"milestone-overdue:{row['id']}:{lead['user_id']}:{iso_week(on)}",
                recipient=lead["email"],
                language=lang,
                template="project_milestone_overdue",
                context={
                    "name": lead["name"],
                    "project": plain_text(row["project_name"], lang),
                    "milestone": plain_text(row["title"], lang),
                    "due": due,
                    "days_late": (on - row["due_on"]).days,
                    "link": f"/{lang}/account/projects/{row['slug']}/milestones/{row['id']}/edit",
                },
            )
            queued += 1
        await Milestone.update({Milestone.overdue_mailed_on: on}).where(
            (Milestone.id == row["id"])
            & (
                Milestone.overdue_mailed_on.is_null()
                | (Milestone.overdue_mailed_on <= last_allowed)
            )
        )
    return queued


async def overdue_counts(project_ids: list[int], on: date | None = None) -> dict[int, int]:
    """Overdue milestones per project (for lists and the portfolio)."""
    if not project_ids:
        return {}
    rows = await Milestone.select(Milestone.project).where(
        Milestone.project.is_in(project_ids)
        & Milestone.status.is_in(list(OPEN_STATUSES))
        & (Milestone.due_on < (on or project_rules.today()))
    )
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["project"]] = counts.get(row["project"], 0) + 1
    return counts
