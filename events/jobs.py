"""Event jobs: lapsing unanswered waiting-list offers so the next person gets the seat;
rendering visa letters, and purging delegations' passport data after the retention time."""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from events.services import delegations, registrations


async def expire_waitlist_offers(_ctx: dict[str, Any]) -> int:
    return await registrations.expire_offers()


async def render_visa_letters(_ctx: dict[str, Any], delegation_id: int) -> int:
    return await delegations.render_letters(delegation_id)


async def delegation_upkeep(_ctx: dict[str, Any]) -> int:
    """Every five minutes: letters whose job was lost, letter files left in sent mail."""
    await delegations.resume_letters()
    return await delegations.scrub_letter_mail()


async def purge_delegation_data(_ctx: dict[str, Any]) -> dict[str, int]:
    """Daily: the dry-run report of upcoming purges, then the purges reported a week ago."""
    return await delegations.run_retention()


# No kept result, as for outbox jobs: a job id must be free again once a run ends.
jobs: list[Any] = [
    func(render_visa_letters, name=delegations.RENDER_JOB, keep_result=0, timeout=1800),
]
cron_jobs = [
    cron(expire_waitlist_offers, second=30, unique=True),
    cron(delegation_upkeep, minute=set(range(0, 60, 5)), second=45, unique=True),
    cron(purge_delegation_data, hour=2, minute=30, second=5, unique=True),
]
