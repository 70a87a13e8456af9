"""The mail outbox: every message is a row first, then a job sends it, exactly once.

A row goes queued → sending → sent, or failed. Claiming it is one guarded UPDATE (queued →
sending), so a duplicated or retried job finds nothing to do; the claim takes a lease (in
`next_attempt_at`) that outlives any send. A transient failure puts the row back to queued
with an exponential backoff; a permanent one, or the last attempt, fails it with the reason.

The row is the only schedule: a job is just a trigger, and the sweeper (a cron job, every
minute) triggers whatever is due — retries whose backoff has passed, rows whose job was lost,
and sends whose worker died (lease expired). So retries wait for the next sweep after their
backoff, and no deferred job in Redis can disagree with the row.

Links with tokens (setting a password, answering an invitation, managing a registration)
are credentials: the context keys that hold them are named when the row is written and
emptied once the message is sent. Staff keep the recipient, subject, template and the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core import jobqueue, mail
from core.settings import get_settings
from core.tables import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

SEND_JOB = "send_outbox_message"
MAX_ATTEMPTS = 6
BASE_BACKOFF_S = 30
MAX_BACKOFF_S = 3600
# One whole SMTP conversation; the lease must outlive it (plus the shutdown grace), or the
# sweeper could queue a message again while its first send is still under way.
SEND_DEADLINE_S = 120
SENDING_LEASE = timedelta(minutes=5)
# How long a cancelled job (a worker shutting down) waits for its send to finish and be recorded.
CANCEL_GRACE_S = 10.0
TRIGGER_CHUNK = 100  # triggers sent at once by `queue_many`

_in_flight: set[asyncio.Task[str]] = set()


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed tries: 30 s, 1 min, 2 min, 4 min … at most one hour."""
    exponent = min(max(attempts - 1, 0), 20)
    return timedelta(seconds=min(BASE_BACKOFF_S * 2**exponent, MAX_BACKOFF_S))


async def _trigger(message_id: int) -> None:
    # One pending job per row: while one waits or runs, another trigger is a no-op. The send
    # job keeps no result (core.jobs), so the id is free again as soon as a run ends.
    # With Redis unreachable the row stays queued and the sweeper sends it later: the change
    # the message announces must not fail for want of a trigger.
    try:
        await jobqueue.enqueue(SEND_JOB, message_id, job_id=f"outbox:{message_id}")
    except (RedisConnectionError, RedisTimeoutError) as error:
        log.warning("outbox trigger deferred to the sweeper", extra={"error": repr(error)})


async def queue_mail(
    *,
    key: str,
    recipient: str,
    language: str,
    template: str,
    context: dict[str, Any],
    secret_keys: Sequence[str] = (),
) -> int:
    """Store a message once per `key` and trigger its sending. Returns the row id.
    `secret_keys`: the context keys holding credentials, emptied once the message is sent.

    Called inside a transaction, the job may run before the row is committed and find
    nothing; the sweeper then sends it within a minute.
    """
    inserted = (
        await OutboxMessage.insert(
            OutboxMessage(
                idempotency_key=key,
                recipient=recipient.strip().lower(),
                language=language,
                template=template,
                context=context,
                secret_keys=" ".join(secret_keys),
            )
        )
        .on_conflict(target=OutboxMessage.idempotency_key, action="DO NOTHING")
        .returning(OutboxMessage.id)
    )
    if inserted:
        await _trigger(inserted[0]["id"])
        return inserted[0]["id"]
    row = (
        await OutboxMessage.select(OutboxMessage.id, OutboxMessage.status)
        .where(OutboxMessage.idempotency_key == key)
        .first()
    )
    assert row is not None
    if row["status"] == OutboxStatus.queued.value:
        await _trigger(row["id"])
    return row["id"]


async def queue_many(messages: list[dict[str, Any]]) -> int:
    """`queue_mail` for many messages at once (bulk mail such as digests): one INSERT for
    all of them, then a trigger for each row that is new. Each dict has the arguments of
    `queue_mail`. Returns how many rows were new; a key stored before is left as it is."""
    if not messages:
        return 0
    inserted = (
        await OutboxMessage.insert(
            *[
                OutboxMessage(
                    idempotency_key=m["key"],
                    recipient=m["recipient"].strip().lower(),
                    language=m["language"],
                    template=m["template"],
                    context=m["context"],
                )
                for m in messages
            ]
        )
        .on_conflict(target=OutboxMessage.idempotency_key, action="DO NOTHING")
        .returning(OutboxMessage.id)
    )
    # Triggers travel together: one round trip to Redis each would dominate a large batch.
    for start in range(0, len(inserted), TRIGGER_CHUNK):
        chunk = inserted[start : start + TRIGGER_CHUNK]
        await asyncio.gather(*(_trigger(row["id"]) for row in chunk))
    return len(inserted)


async def _claim(message_id: int) -> dict[str, Any] | None:
    """queued (and due) → sending, in one guarded UPDATE; None when another run has the row,
    it is not due yet, or it is done."""
    now = datetime.now(UTC)
    claimed = (
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
            & (OutboxMessage.next_attempt_at.is_null() | (OutboxMessage.next_attempt_at <= now))
        )
        .returning(*OutboxMessage.all_columns())
    )
    return claimed[0] if claimed else None


async def send_message(message_id: int) -> str:
    """Send one outbox row if it is still due; returns the status it ends in ("skipped" when
    there was nothing to do).

    Claiming, delivering and recording run in a task of their own. When the job is cancelled
    (a worker shutting down, arq's job timeout), that task is given CANCEL_GRACE_S to finish
    before the cancellation goes on: cancelling between the server's "250 OK" and the update
    to `sent` would leave the row in `sending`, and the sweeper would send it again.

    The window that remains is between the server accepting the message and our commit: if
    the process dies outright there (SIGKILL, out of memory, power), the grace runs out, or
    the connection drops after the server took the data but before its reply arrived, the row
    is not marked sent and the message goes out a second time once the lease expires. SMTP
    cannot close that window (RFC 1047); both copies carry the same Message-ID (derived from
    the idempotency key), so receivers that de-duplicate on it show one.
    """
    attempt = asyncio.ensure_future(_claim_and_deliver(message_id))
    _in_flight.add(attempt)  # the loop keeps only weak references to tasks
    attempt.add_done_callback(_in_flight.discard)
    try:
        return await asyncio.shield(attempt)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(attempt), CANCEL_GRACE_S)
        raise


async def _claim_and_deliver(message_id: int) -> str:
    row = await _claim(message_id)
    if row is None:
        return "skipped"
    context = row["context"] if isinstance(row["context"], dict) else json.loads(row["context"])
    try:
        rendered = mail.render(row["template"], row["language"], context)
        message = mail.build_message(
            get_settings().mail_from, row["recipient"], row["idempotency_key"], rendered
        )
        transport = mail.configured_transport()
        await asyncio.wait_for(
            transport.send(message, row["idempotency_key"]), timeout=SEND_DEADLINE_S
        )
    except mail.TransientMailError as error:
        return await _record_failure(row, str(error), permanent=False)
    except TimeoutError:
        reason = f"No answer within {SEND_DEADLINE_S} s"
        return await _record_failure(row, reason, permanent=False)
    except Exception as error:
        return await _record_failure(row, f"{type(error).__name__}: {error}", permanent=True)
    await _finish(
        row,
        {
            OutboxMessage.status: OutboxStatus.sent.value,
            OutboxMessage.context: without_secrets(context, row["secret_keys"]),
            OutboxMessage.subject: rendered.subject,
            OutboxMessage.sent_at: datetime.now(UTC),
            OutboxMessage.next_attempt_at: None,
            OutboxMessage.last_error: "",
        },
    )
    log.info("mail sent", extra={"outbox_id": message_id, "template": row["template"]})
    return OutboxStatus.sent.value


def without_secrets(context: dict[str, Any], secret_keys: str) -> dict[str, Any]:
    """The context as kept after sending: credentials emptied, everything else as it was."""
    secret = set(secret_keys.split())
    return {key: ("" if key in secret else value) for key, value in context.items()}


async def _finish(row: dict[str, Any], changes: dict[Any, Any]) -> None:
    """Record the outcome of this claim only: if the lease ran out and another run took the
    row meanwhile, its outcome is the one that counts."""
    updated = (
        await OutboxMessage.update(changes)
        .where(
            (OutboxMessage.id == row["id"])
            & (OutboxMessage.status == OutboxStatus.sending.value)
            & (OutboxMessage.attempts == row["attempts"])
        )
        .returning(OutboxMessage.id)
    )
    if not updated:
        log.warning("mail outcome after its lease ran out", extra={"outbox_id": row["id"]})


async def _record_failure(row: dict[str, Any], reason: str, *, permanent: bool) -> str:
    if permanent or row["attempts"] >= MAX_ATTEMPTS:
        await _finish(
            row,
            {
                OutboxMessage.status: OutboxStatus.failed.value,
                OutboxMessage.last_error: reason[:2000],
                OutboxMessage.next_attempt_at: None,
            },
        )
        log.warning("mail failed", extra={"outbox_id": row["id"], "reason": reason[:200]})
        return OutboxStatus.failed.value
    await _finish(
        row,
        {
            OutboxMessage.status: OutboxStatus.queued.value,
            OutboxMessage.last_error: reason[:2000],
            OutboxMessage.next_attempt_at: datetime.now(UTC) + backoff(row["attempts"]),
        },
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
        await _trigger(message_id)
    return bool(updated)


async def sweep() -> int:
    """Trigger what is due but may have no live job: retries whose backoff has passed, rows
    whose trigger was lost, and sends whose worker died before finishing (lease expired).
    Returns how many rows were triggered."""
    now = datetime.now(UTC)
    expired = (OutboxMessage.status == OutboxStatus.sending.value) & (
        OutboxMessage.next_attempt_at < now
    )
    # A message that was cut off on every attempt (it may be what kills the worker) gives up.
    await OutboxMessage.update(
        {
            OutboxMessage.status: OutboxStatus.failed.value,
            OutboxMessage.last_error: "Sending was interrupted on every attempt",
            OutboxMessage.next_attempt_at: None,
        }
    ).where(expired & (OutboxMessage.attempts >= MAX_ATTEMPTS))
    await OutboxMessage.update(
        {OutboxMessage.status: OutboxStatus.queued.value, OutboxMessage.next_attempt_at: None}
    ).where(expired)
    due = (OutboxMessage.status == OutboxStatus.queued.value) & (
        (OutboxMessage.next_attempt_at.is_null()) | (OutboxMessage.next_attempt_at <= now)
    )
    rows = await OutboxMessage.select(OutboxMessage.id).where(due)
    for row in rows:
        await _trigger(row["id"])
    return len(rows)
