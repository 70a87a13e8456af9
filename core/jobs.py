"""Core worker jobs: sending outbox mail and sweeping up what a restart left behind."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from core import outbox


async def send_outbox_message(_ctx: dict[str, Any], message_id: int) -> str:
    return await outbox.send_message(message_id)


async def sweep_outbox(_ctx: dict[str, Any]) -> int:
    return await outbox.sweep()


jobs = [send_outbox_message]
cron_jobs = [cron(sweep_outbox, second=0, unique=True, run_at_startup=True)]
