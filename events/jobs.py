"""Event jobs: lapsing unanswered waiting-list offers so the next person gets the seat."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from events.services import registrations


async def expire_waitlist_offers(_ctx: dict[str, Any]) -> int:
    return await registrations.expire_offers()


jobs: list[Any] = []
cron_jobs = [cron(expire_waitlist_offers, second=30, unique=True)]
