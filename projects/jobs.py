"""Project jobs: the daily round of reminders — overdue milestones to their leads, reports
due soon or late to their teams. Each run is safe to repeat (rows and outbox keys remember
what was sent), and each mail goes in its recipient's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from arq.cron import cron

from projects.services import milestones, reports
from projects.services.projects import today


async def remind_all(on: date) -> dict[str, int]:
    """One day's reminders; returns how many mails of each kind were queued."""
    return {
        "milestones_overdue": await milestones.mail_overdue(on),
        "reports": await reports.mail_reminders(on),
    }


async def project_reminders(_ctx: dict[str, Any]) -> dict[str, int]:
    return await remind_all(today())


jobs: list[Any] = []
# 02:10 UTC is 08:10 in Urumqi, before the working day in Central Asia begins.
cron_jobs = [cron(project_reminders, hour=2, minute=10, second=0, unique=True)]
