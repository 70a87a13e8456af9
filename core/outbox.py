"""The mail outbox: every message is a row first, then a job sends it, exactly once.

Claiming a row is one guarded UPDATE (queued → sending), so a duplicated or retried job finds
nothing to do. A worker that dies while sending leaves a lease that expires; the sweeper then
queues the row again. Transient failures back off exponentially; permanent ones fail at once.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from core import jobqueue, mail
from core.db import write_transaction
from core.settings import get_settings
from core.tables import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BASE_BACKOFF_S = 30
MAX_BACKOFF_S = 3600
SENDING_LEASE = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BASE_BACKOFF_S * 2 ** max(attempts - 1, 0), MAX_BACKOFF_S))


def _job_id(message_id: int, attempts: int) -> str:
    return f"outbox:{message_id}:{attempts}"


async def queue_mail(
    *, key: str, recipient: str, language: str, template: str, context: dict[str, Any]
) -> int:
    """Store a message once per `key` and trigger its sending. Returns the row id."""
    await OutboxMessage.insert(
        OutboxMessage(
            idempotency_key=key,
            recipient=recipient.strip().lower(),
            language=language,
            template=template,
            context=context,
        )
    ).on_conflict(target=OutboxMessage.idempotency_key, action="DO NOTHING")
    row = (
        await OutboxMessage.select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts)
        .where(OutboxMessage.idempotency_key == key)
        .first()
    )
    assert row is not None
    if row["status"] == OutboxStatus.queued.value:
        await jobqueue.enqueue(
            "send_outbox_message", row["id"], job_id=_job_id(row["id"], row["attempts"])
        )
    return row["id"]


async def _claim(message_id: int) -> dict[str, Any] | None:
    """queued (and due) → sending, atomically; None when another run has it or it is done."""
    now = datetime.now(UTC)
    async with write_transaction():
        row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        if row is None or row["status"] != OutboxStatus.queued.value:
            return None
        if row["next_attempt_at"] and row["next_attempt_at"] > now:
            return None
        updated = (
            await OutboxMessage.update(
                {
                    OutboxMessage.status: OutboxStatus.sending.value,
                    OutboxMessage.attempts: OutboxMessage.attempts + 1,
                    OutboxMessage.next_attempt_at: now + SENDING_LEASE,
                }
            )
            .where(
                (OutboxMessage.id == message_id)
                & (OutboxMessage.status == OutboxStatus.queued.value)
            )
            .returning(OutboxMessage.attempts)
        )
    if not updated:
        return None
    row["attempts"] = updated[0]["attempts"]
    return row


async def send_message(message_id: int) -> str:
    """Send one outbox row if it is still due; returns the status it ends in."""
    row = await _claim(message_id)
    if row is None:
        return "skipped"
    settings = get_settings()
    context = row["context"] if isinstance(row["context"], dict) else json.loads(row["context"])
    try:
        rendered = mail.render(row["template"], row["language"], context)
        message = mail.build_message(
            settings.mail_from, row["recipient"], row["idempotency_key"], rendered
        )
        await mail.transport_for(settings.mail_url).send(message, row["idempotency_key"])
    except mail.TransientMailError as error:
        return await _after_failure(row, str(error), permanent=False)
    except Exception as error:
        return await _after_failure(row, f"{type(error).__name__}: {error}", permanent=True)
    await OutboxMessage.update(
        {
            OutboxMessage.status: OutboxStatus.sent.value,
            OutboxMessage.subject: rendered.subject,
            OutboxMessage.sent_at: datetime.now(UTC),
            OutboxMessage.next_attempt_at: None,
            OutboxMessage.last_error: "",
        }
    ).where(OutboxMessage.id == message_id)
    log.info("mail sent", extra={"outbox_id": message_id, "template": row["template"]})
    return OutboxStatus.sent.value


async def _after_failure(row: dict[str, Any], reason: str, *, permanent: bool) -> str:
    exhausted = row["attempts"] >= MAX_ATTEMPTS
    if permanent or exhausted:
        await OutboxMessage.update(
            {
                OutboxMessage.status: OutboxStatus.failed.value,
                OutboxMessage.last_error: reason[:2000],
                OutboxMessage.next_attempt_at: None,
            }
        ).where(OutboxMessage.id == row["id"])
        log.warning("mail failed", extra={"outbox_id": row["id"], "reason": reason[:200]})
        return OutboxStatus.failed.value
    delay = backoff(row["attempts"])
    await OutboxMessage.update(
        {
            OutboxMessage.status: OutboxStatus.queued.value,
            OutboxMessage.last_error: reason[:2000],
            OutboxMessage.next_attempt_at: datetime.now(UTC) + delay,
        }
    ).where(OutboxMessage.id == row["id"])
    await jobqueue.enqueue(
        "send_outbox_message",
        row["id"],
        job_id=_job_id(row["id"], row["attempts"]),
        _defer_by=delay,
    )
    return OutboxStatus.queued.value


async def resend(message_id: int) -> bool:
    """Staff ask to try a failed message again: a fresh round of attempts."""
    updated = (
        await OutboxMessage.update(
            {
                OutboxMessage.status: OutboxStatus.queued.value,
                OutboxMessage.attempts: 0,
                OutboxMessage.next_attempt_at: None,
            }
        )
        .where(
            (OutboxMessage.id == message_id) & (OutboxMessage.status == OutboxStatus.failed.value)
        )
        .returning(OutboxMessage.id)
    )
    if updated:
        await jobqueue.enqueue(
            "send_outbox_message",
            message_id,
            job_id=f"outbox:{message_id}:resend:{datetime.now(UTC).timestamp()}",
        )
    return bool(updated)


async def sweep() -> int:
    """Queue again what is due but has no live job: deferred retries after a restart, rows
    whose enqueue was lost, and sends whose worker died before finishing (lease expired)."""
    now = datetime.now(UTC)
    stale_sending = (OutboxMessage.status == OutboxStatus.sending.value) & (
        OutboxMessage.next_attempt_at < now
    )
    due_queued = (OutboxMessage.status == OutboxStatus.queued.value) & (
        (OutboxMessage.next_attempt_at.is_null()) | (OutboxMessage.next_attempt_at <= now)
    )
    await OutboxMessage.update(
        {OutboxMessage.status: OutboxStatus.queued.value, OutboxMessage.next_attempt_at: None}
    ).where(stale_sending)
    rows = await OutboxMessage.select(OutboxMessage.id, OutboxMessage.attempts).where(due_queued)
    for row in rows:
        await jobqueue.enqueue(
            "send_outbox_message", row["id"], job_id=_job_id(row["id"], row["attempts"])
        )
    return len(rows)
