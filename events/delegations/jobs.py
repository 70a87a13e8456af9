"""Delegation jobs: rendering a round of visa letters; every five minutes, letters whose job
was lost and letter files left in sent mail; daily, purging passport data after the
retention time (with its dry-run report a week before)."""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from events.delegations.services import letters, retention


async def render_visa_letters(_ctx: dict[str, Any], delegation_id: int) -> int:
    return await letters.render_letters(delegation_id)


async def delegation_upkeep(_ctx: dict[str, Any]) -> int:
    """Every five minutes: letters whose job was lost, letter files left in sent mail."""
    await letters.resume_letters()
    return await retention.scrub_letter_mail()


async def purge_delegation_data(_ctx: dict[str, Any]) -> dict[str, int]:
    """Daily: the dry-run report of upcoming purges, then the purges reported a week ago."""
    return await retention.run_retention()


# No kept result, as for outbox jobs: a round's job id must be free again once a run ends.
jobs: list[Any] = [
    func(render_visa_letters, name=letters.RENDER_JOB, keep_result=0, timeout=1800),
]
cron_jobs = [
    cron(delegation_upkeep, minute=set(range(0, 60, 5)), second=45, unique=True),
    cron(purge_delegation_data, hour=2, minute=30, second=5, unique=True),
]
