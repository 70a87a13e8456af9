"""Feed jobs: a sync pass every five minutes (cron), and one source fetched on demand.

Both only trigger: the FeedSource rows say what is due, and a claim keeps two workers off
the same source, so a duplicated or retried job does no harm.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from core.feeds import sync


async def sync_feed_source(_ctx: dict[str, Any], source_id: int) -> str:
    return (await sync.sync_source(source_id)).status


async def sync_feeds(_ctx: dict[str, Any]) -> dict[str, Any]:
    return (await sync.sync_due()).as_dict()


# No kept result: the job id (one per source) must be free again as soon as a run ends, so
# the next "added" or "re-enabled" can trigger it again.
jobs = [func(sync_feed_source, name=sync.SYNC_SOURCE_JOB, keep_result=0)]
cron_jobs = [cron(sync_feeds, minute=set(range(0, 60, 5)), second=20, unique=True, timeout=290)]
