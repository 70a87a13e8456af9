"""Deleting a milestone entered by mistake. A milestone that a report sent to the bureau
already covers stays (it can be cancelled instead): deleting it would change what the bureau
was told. Milestones and reports are linked by time, so "covers" means a report that was
submitted at least once for a period containing the milestone's due or completion date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.access import Viewer, require
from core.audit import record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.uploads import stored_path
from projects.services import files
from projects.services.projects import ProjectScope
from projects.tables import Attachment, Milestone, ProgressReport


def _days(milestone: dict[str, Any]) -> list[date]:
    return [day for day in (milestone["due_on"], milestone["completed_on"]) if day is not None]


async def reports_covering(current: ProjectScope, milestone: dict[str, Any]) -> list[str]:
    """Periods ("2026-Q1") of sent reports that cover the milestone, first to last."""
    days = _days(milestone)
    condition = (ProgressReport.project == current.id) & ProgressReport.submitted_at.is_not_null()
    rows = (
        await ProgressReport.select(
            ProgressReport.period, ProgressReport.period_starts_on, ProgressReport.period_ends_on
        )
        .where(condition)
        .order_by(ProgressReport.period_starts_on)
    )
    return [
        row["period"]
        for row in rows
        if any(row["period_starts_on"] <= day <= row["period_ends_on"] for day in days)
    ]


async def delete(
    actor: Viewer, current: ProjectScope, milestone: dict[str, Any], client: str = ""
) -> None:
    """Delete the milestone with its evidence files; ValidationFailed when a sent report
    covers it or it is already gone."""
    require(actor, "project.edit", current)
    async with write_transaction():
        row = (
            await Milestone.select()
            .where((Milestone.id == milestone["id"]) & (Milestone.project == current.id))
            .first()
        )
        if row is None:
            raise ValidationFailed({"": gettext("This milestone no longer exists.")})
        if await reports_covering(current, row):
            raise ValidationFailed(
                {
                    "": gettext(
                        "A progress report sent to the bureau covers this milestone, so it "
                        "cannot be deleted. Cancel it instead."
                    )
                }
            )
        stored = await Attachment.select(Attachment.stored_name).where(
            Attachment.milestone == row["id"]
        )
        await Attachment.delete().where(Attachment.milestone == row["id"])
        await Milestone.delete().where(Milestone.id == row["id"])
    for attachment in stored:
        path = stored_path(files.FOLDER, attachment["stored_name"])
        if path is not None:
            path.unlink(missing_ok=True)
    await record(
        actor,
        "milestone.delete",
        "milestone",
        row["id"],
        client=client,
        before={
            "project": current.id,
            "title": row["title"],
            "due_on": row["due_on"].isoformat(),
            "status": row["status"],
            "files": [a["stored_name"] for a in stored],
        },
    )
