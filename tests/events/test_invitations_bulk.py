"""Invitations in bulk, through a real SMTP server (aiosmtpd on 127.0.0.1): thousands of
recipients each get exactly one invitation, in their own language, sent by the background
worker; the progress organizers see ends at "all sent"."""

from __future__ import annotations

import threading
import time
from collections import Counter
from email import policy
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from core import jobqueue, mail
from core.access import Viewer
from core.tables import OutboxMessage
from events.invitations.tables import Invitation, InvitationCampaign
from events.services import invitations
from tests.core.test_outbox import _free_port
from tests.events.factories import make_event

RECIPIENTS = 2000
# Many concurrent sends, as a production worker would run them. Not more: on SQLite every send
# writes twice, and hundreds of writers queueing for its single lock on a busy machine can
# wait past the busy timeout ("database is locked"); on this machine 50 already sends as fast
# as 200 (the work is bound by the processor, measured: about 20-35 per second under load).
MAX_JOBS = 50
LANGUAGES = ("zh", "ru", "kk", "en")
SUBJECTS = {
    "zh": "邀请：年会",
    "ru": "Приглашение на ежегодную конференцию",
    "kk": "Жыл сайынғы конференцияға шақыру",
    "en": "Invitation to the annual conference",
}
ORGANIZER = Viewer(id=None, role="admin")


class SubjectsByRecipient:
    """An aiosmtpd handler that keeps, per recipient, the subject of each message accepted."""

    def __init__(self) -> None:
        self.subjects: dict[str, list[str]] = {}
        self.lock = threading.Lock()
        self.parser = BytesParser(policy=policy.default)

    async def handle_DATA(self, server, session, envelope) -> str:
        headers = self.parser.parsebytes(envelope.original_content, headersonly=True)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.subjects.setdefault(recipient, []).append(str(headers["Subject"]))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch) -> Any:
    handler = SubjectsByRecipient()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    url = f"smtp://127.0.0.1:{port}"
    monkeypatch.setattr(mail, "configured_transport", lambda: mail.transport_for(url))
    yield handler
    controller.stop()


def person(n: int) -> tuple[str, str, str]:
    return f"Guest {n}", f"guest{n:05d}@example.org", LANGUAGES[n % len(LANGUAGES)]


async def test_two_thousand_invitations_arrive_once_each_in_the_recipients_language(
    smtp, redis_url, capsys
) -> None:
    event = await make_event(capacity=None)
    data = {
        "source_language": "en",
        "people": "\n".join(", ".join(person(n)) for n in range(RECIPIENTS)),
    }
    for lang in LANGUAGES:
        data[f"subject_{lang}"] = SUBJECTS[lang]
        data[f"message_{lang}"] = f"{SUBJECTS[lang]}."
    campaign_id = await invitations.create_draft(
        ORGANIZER, event, invitations.DraftInput(data=data)
    )
    campaign = await invitations.get_campaign(event["id"], campaign_id)
    assert campaign is not None

    started = time.perf_counter()
    await invitations.send(ORGANIZER, event, campaign)
    # One worker with many concurrent jobs, as a production worker would be configured.
    worker = jobqueue.create_worker(redis_url, burst=True, poll_delay=0, max_jobs=MAX_JOBS)
    try:
        await worker.main()
    finally:
        await worker.close()
    elapsed = time.perf_counter() - started

    expected = {email: SUBJECTS[lang] for _name, email, lang in map(person, range(RECIPIENTS))}
    received = smtp.subjects
    assert set(received) == set(expected)
    duplicates = {email: subjects for email, subjects in received.items() if len(subjects) != 1}
    assert duplicates == {}
    wrong = {email: s[0] for email, s in received.items() if s[0] != expected[email]}
    assert wrong == {}
    assert Counter(s[0] for s in received.values()) == Counter(
        {subject: RECIPIENTS // len(LANGUAGES) for subject in SUBJECTS.values()}
    )
    done = await InvitationCampaign.select().where(InvitationCampaign.id == campaign_id).first()
    assert await invitations.progress(done) == {
        "total": RECIPIENTS,
        "queued": 0,
        "sent": RECIPIENTS,
        "failed": 0,
        "done": True,
        "percent": 100,
    }
    assert await Invitation.count() == RECIPIENTS
    assert await OutboxMessage.count() == RECIPIENTS
    with capsys.disabled():
        print(
            f"\n{RECIPIENTS} invitations sent over SMTP in {elapsed:.1f} s "
            f"({RECIPIENTS / elapsed:.0f} per second, worker max_jobs={MAX_JOBS})"
        )
