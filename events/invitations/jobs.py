"""Invitation jobs: sending a campaign in the background, and every minute picking up
sendings whose job was lost and sending the reminder rounds that are due."""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from events.invitations.services import reminders, sending


async def send_invitation_campaign(_ctx: dict[str, Any], campaign_id: int) -> int:
    return await sending.run_campaign(campaign_id)


async def invitation_upkeep(_ctx: dict[str, Any]) -> int:
    """Every minute: pick up sendings whose job was lost, then send due reminder rounds."""
    await sending.resume_stalled()
    return await reminders.send_due_reminders()


# No kept result, as for outbox jobs: a sending's job id must be free again once a run ends.
jobs: list[Any] = [
    func(send_invitation_campaign, name=sending.CAMPAIGN_JOB, keep_result=0, timeout=3600),
]
cron_jobs = [cron(invitation_upkeep, second=15, unique=True)]
