"""Cooperation jobs: archiving profiles past their deadline every day, and the weekly and
monthly digests. Each run is safe to repeat: a digest is an outbox row per subscriber and
period, so a second run of the same period mails nobody again."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from cooperation.services import digest, moderation
from cooperation.services.profiles import today
from cooperation.tables import DigestFrequency


async def archive_expired(_ctx: dict[str, Any]) -> int:
    return await moderation.archive_expired(today())


async def weekly_digest(_ctx: dict[str, Any]) -> int:
    return await digest.send_digests(DigestFrequency.weekly.value, today())


async def monthly_digest(_ctx: dict[str, Any]) -> int:
    return await digest.send_digests(DigestFrequency.monthly.value, today())


jobs: list[Any] = []
# 01:00 UTC is 09:00 in Urumqi (Beijing time) and 06:00 in Almaty: mail arrives for the day.
cron_jobs = [
    cron(archive_expired, hour=0, minute=20, second=0, unique=True),
    cron(weekly_digest, weekday=0, hour=1, minute=0, second=0, unique=True),
    cron(monthly_digest, day=1, hour=1, minute=30, second=0, unique=True),
]
