"""Core worker jobs: sending outbox mail and sweeping up what a restart left behind."""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from core import accounts, outbox


async def send_outbox_message(_ctx: dict[str, Any], message_id: int) -> str:
    return await outbox.send_message(message_id)


async def mail_password_reset(_ctx: dict[str, Any], email: str, request_id: str) -> bool:
    return await accounts.mail_password_reset(email, request_id)


async def sweep_outbox(_ctx: dict[str, Any]) -> int:
    return await outbox.sweep()


# No kept result: the job id (one per outbox row) must be free again as soon as a run ends,
# or a retry triggered within the hour arq keeps results for would be dropped as a duplicate.
jobs = [
    func(send_outbox_message, name=outbox.SEND_JOB, keep_result=0),
    func(mail_password_reset, name=accounts.RESET_JOB),
]
cron_jobs = [cron(sweep_outbox, second=0, unique=True, run_at_startup=True)]
