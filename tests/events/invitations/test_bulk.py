"""Invitations in bulk, through a real SMTP server (aiosmtpd on 127.0.0.1): hundreds of
recipients, more than two batches of the sending job, each get exactly one invitation in
their own language, sent by a worker running as in production; the progress organizers see
ends at "all sent".

The worker runs with its cron jobs, as `hongshan serve` runs it, and the test waits for the
outcome organizers see rather than for one pass of the queue: on a busy machine a send can
wait past SQLite's busy timeout ("database is locked") and is then picked up by the outbox's
sweeper a minute later, which a single burst pass would not wait for.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from core import jobqueue
from core.access import Viewer
from core.tables import OutboxMessage
from events.invitations.services import campaigns, drafts, sending
from events.invitations.services.mails import BATCH
from events.invitations.tables import Invitation, InvitationCampaign
from tests.events.factories import make_event
from tests.events.invitations.mailbox import Mailbox

LANGUAGES = ("zh", "ru", "kk", "en")
# Two full batches and a part of a third, the same number in each language.
RECIPIENTS = 2 * BATCH + BATCH // 2
# The worker's own default number of concurrent jobs (core.jobqueue.create_worker).
MAX_JOBS = 20
# Only a guard against a hang: the outcome usually comes within a minute, and a send retried
# by the sweeper (after a 30 s backoff, at the next whole minute) within three.
OUTCOME_BOUND_S = 600
SUBJECTS = {
    "zh": "邀请：年会",
    "ru": "Приглашение на ежегодную конференцию",
    "kk": "Жыл сайынғы конференцияға шақыру",
    "en": "Invitation to the annual conference",
}
ORGANIZER = Viewer(id=None, role="admin")


def person(n: int) -> tuple[str, str, str]:
    return f"Guest {n}", f"guest{n:05d}@example.org", LANGUAGES[n % len(LANGUAGES)]


async def progress_when_done(campaign_id: int) -> dict[str, Any]:
    """The sending's progress once it shows every mail sent or failed (polled, bounded)."""
    deadline = time.monotonic() + OUTCOME_BOUND_S
    while True:
        campaign = await InvitationCampaign.select().where(InvitationCampaign.id == campaign_id)
        shown = await campaigns.progress(campaign[0])
        if shown["done"] or time.monotonic() > deadline:
            return shown
        await asyncio.sleep(0.5)


async def test_hundreds_of_invitations_arrive_once_each_in_the_recipients_language(
    start_smtp: Callable[[], Mailbox], redis_url: str
) -> None:
    smtp = start_smtp()
    event = await make_event(capacity=None)
    data = {
        "source_language": "en",
        "people": "\n".join(", ".join(person(n)) for n in range(RECIPIENTS)),
    }
    for lang in LANGUAGES:
        data[f"subject_{lang}"] = SUBJECTS[lang]
        data[f"message_{lang}"] = f"{SUBJECTS[lang]}."
    campaign_id = await drafts.create_draft(ORGANIZER, event, drafts.DraftInput(data=data))
    campaign = await campaigns.get_campaign(event["id"], campaign_id)
    assert campaign is not None

    await sending.send(ORGANIZER, event, campaign)
    worker = jobqueue.create_worker(redis_url, poll_delay=0.1, max_jobs=MAX_JOBS)
    running = asyncio.create_task(worker.main())
    try:
        shown = await progress_when_done(campaign_id)
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await worker.close()

    assert shown == {
        "total": RECIPIENTS,
        "queued": 0,
        "sent": RECIPIENTS,
        "failed": 0,
        "done": True,
        "percent": 100,
    }
    expected = {email: SUBJECTS[lang] for _name, email, lang in map(person, range(RECIPIENTS))}
    received = smtp.subjects()
    assert set(received) == set(expected)
    duplicates = {email: subjects for email, subjects in received.items() if len(subjects) != 1}
    assert duplicates == {}
    wrong = {email: s[0] for email, s in received.items() if s[0] != expected[email]}
    assert wrong == {}
    assert Counter(s[0] for s in received.values()) == Counter(
        {subject: RECIPIENTS // len(LANGUAGES) for subject in SUBJECTS.values()}
    )
    assert await Invitation.count() == RECIPIENTS
    assert await OutboxMessage.count() == RECIPIENTS
    done = await InvitationCampaign.select().where(InvitationCampaign.id == campaign_id).first()
    assert done is not None and done["status"] == "sent"
