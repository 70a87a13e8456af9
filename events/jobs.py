"""Event jobs: lapsing unanswered waiting-list offers so the next person gets the seat;
sending invitations in the background, and their reminders on the organizer's schedule."""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from events.services import invitations, registrations


async def expire_waitlist_offers(_ctx: dict[str, Any]) -> int:
    return await registrations.expire_offers()


async def send_invitation_campaign(_ctx: dict[str, Any], campaign_id: int) -> int:
    return await invitations.run_campaign(campaign_id)


async def invitation_upkeep(_ctx: dict[str, Any]) -> int:
    """Every minute: pick up sendings whose job was lost, then send due reminder rounds."""
    await invitations.resume_stalled()
    return await invitations.send_due_reminders()


# No kept result, as for outbox jobs: a sending's job id must be free again once a run ends.
jobs: list[Any] = [
    func(send_invitation_campaign, name=invitations.CAMPAIGN_JOB, keep_result=0, timeout=3600),
]
cron_jobs = [
    cron(expire_waitlist_offers, second=30, unique=True),
    cron(invitation_upkeep, second=15, unique=True),
]
