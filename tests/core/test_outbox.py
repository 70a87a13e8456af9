"""The mail outbox against a real SMTP server (aiosmtpd on 127.0.0.1): every message arrives
exactly once, in its recipient's language, through refusals, retries and a worker stopped
mid-batch."""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import ssl
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from arq.constants import in_progress_key_prefix

from core import accounts, i18n, jobqueue, mail, outbox
from core.access import Viewer
from core.tables import OutboxMessage
from tests.support.factories import make_user
from tests.support.ports import free_port
from tests.support.smtp import Mailbox, SmtpServers

# --- a real SMTP server -------------------------------------------------------------------


CREDENTIALS = ("hongshan", "pa:ss w@rd")


def _authenticator(server, session, envelope, mechanism, auth_data: LoginPassword) -> AuthResult:
    given = (auth_data.login.decode(), auth_data.password.decode())
    # handled=False: aiosmtpd answers 235 or 535 itself.
    return AuthResult(success=given == CREDENTIALS, handled=False, auth_data=auth_data)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the system's openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def start_smtp(monkeypatch) -> Iterator[Callable[..., Mailbox]]:
    """Start an SMTP server and point the app's mail at it (as HONGSHAN_MAIL_URL would)."""
    servers = SmtpServers(monkeypatch)
    yield lambda **options: servers.start(Mailbox(), **options)
    servers.stop()


@pytest.fixture
def smtp(start_smtp) -> Mailbox:
    return start_smtp()


# --- helpers ------------------------------------------------------------------------------


async def queue_invite(recipient: str, language: str = "en", key: str | None = None) -> int:
    return await outbox.queue_mail(
        key=key or f"test-invite:{recipient}",
        recipient=recipient,
        language=language,
        template="account_invite",
        context={
            "name": "Aigerim",
            "inviter": "Li Wei",
            "link": f"/{language}/account/accept/tok-{recipient.lower()}",
            "valid_days": 7,
        },
    )


def json_of(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else value


async def row(message_id: int) -> dict[str, Any]:
    found = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert found is not None
    return found


async def make_due(message_id: int) -> None:
    """Let time pass: the backoff (or a lease) of this row has run out."""
    await OutboxMessage.update(
        {OutboxMessage.next_attempt_at: datetime.now(UTC) - timedelta(seconds=1)}
    ).where(OutboxMessage.id == message_id)


def parts(message: EmailMessage) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.iter_parts()}


def in_language(language: str, msgid: str, **variables: object) -> str:
    with i18n.language(language):
        return i18n.gettext(msgid, **variables)


# --- delivery -----------------------------------------------------------------------------


async def test_queued_mail_arrives_once_in_the_recipients_language(smtp, run_jobs) -> None:
    russian = await queue_invite("Olga@Example.org", language="ru")
    english = await queue_invite("tom@example.org", language="en")

    await run_jobs()

    assert len(smtp.received) == 2
    [message] = smtp.to("olga@example.org")
    # Compared with the catalog, so this holds before and after the mail strings are translated.
    assert message["Subject"] == in_language(
        "ru", "%(inviter)s invited you to Hongshan", inviter="Li Wei"
    )
    assert message.get_content_type() == "multipart/alternative"
    body = parts(message)
    assert "http://testserver.local/ru/account/accept/tok-olga@example.org" in body["text/plain"]
    assert '<html lang="ru">' in body["text/html"]
    brand = in_language("ru", "Hongshan")
    assert brand != "Hongshan" and brand in body["text/html"]
    assert '<html lang="en">' in parts(smtp.to("tom@example.org")[0])["text/html"]
    for message_id in (russian, english):
        sent = await row(message_id)
        assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 1, "")
        assert sent["sent_at"] is not None
    assert (await row(russian))["subject"] == message["Subject"]


async def test_queueing_the_same_key_twice_stores_and_sends_one_message(smtp, run_jobs) -> None:
    first = await queue_invite("ana@example.org", key="invite:42")
    second = await queue_invite("ana@example.org", key="invite:42")

    await run_jobs()

    assert first == second
    assert await OutboxMessage.count() == 1
    assert len(smtp.received) == 1


async def test_a_duplicated_or_repeated_job_does_not_send_twice(smtp, run_jobs) -> None:
    message_id = await queue_invite("ana@example.org")
    await jobqueue.enqueue(outbox.SEND_JOB, message_id, job_id="a-duplicate-trigger")

    await run_jobs()
    assert await outbox.send_message(message_id) == "skipped"
    assert await outbox.send_message(message_id) == "skipped"

    assert len(smtp.received) == 1
    assert (await row(message_id))["attempts"] == 1


async def test_two_jobs_racing_for_one_message_send_it_once(smtp) -> None:
    message_id = await queue_invite("ana@example.org")

    outcomes = await asyncio.gather(*(outbox.send_message(message_id) for _ in range(4)))

    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp.received) == 1


async def test_a_message_whose_template_is_missing_fails_with_the_reason(smtp, run_jobs) -> None:
    message_id = await outbox.queue_mail(
        key="k", recipient="ana@example.org", language="en", template="no_such_kind", context={}
    )

    await run_jobs()

    failed = await row(message_id)
    assert failed["status"] == "failed"
    assert "no_such_kind" in failed["last_error"]
    assert smtp.received == []


# --- refusals, retries and backoff --------------------------------------------------------


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour() -> None:
    delays = [outbox.backoff(attempts).total_seconds() for attempts in range(1, 12)]

    assert delays[:5] == [30, 60, 120, 240, 480]
    assert all(later >= earlier for earlier, later in itertools.pairwise(delays))
    assert max(delays) == outbox.MAX_BACKOFF_S == 3600
    assert outbox.backoff(10_000) == timedelta(hours=1)


async def test_a_temporary_refusal_is_retried_after_a_backoff_and_sent_once(smtp, run_jobs) -> None:
    smtp.refuse("451 4.3.0 Mailbox busy, try again later")
    message_id = await queue_invite("ana@example.org")

    await run_jobs()

    waiting = await row(message_id)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 1)
    assert "451" in waiting["last_error"]
    wait = waiting["next_attempt_at"] - datetime.now(UTC)
    assert timedelta(0) < wait <= outbox.backoff(1)
    assert smtp.received == []

    # Nothing goes out before the backoff has passed, whatever triggers the job.
    assert await outbox.sweep() == 0
    assert await outbox.send_message(message_id) == "skipped"

    smtp.accept_all()
    await make_due(message_id)
    assert await outbox.sweep() == 1
    await run_jobs()

    sent = await row(message_id)
    assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 2, "")
    assert len(smtp.received) == 1


async def test_temporary_refusals_give_up_after_the_last_attempt(smtp, run_jobs) -> None:
    smtp.refuse("421 4.7.0 Too many connections")
    message_id = await queue_invite("ana@example.org")
    await run_jobs()

    for _ in range(outbox.MAX_ATTEMPTS - 1):
        await make_due(message_id)
        await outbox.sweep()
        await run_jobs()

    failed = await row(message_id)
    assert (failed["status"], failed["attempts"]) == ("failed", outbox.MAX_ATTEMPTS)
    assert "421" in failed["last_error"]
    assert failed["next_attempt_at"] is None
    assert smtp.received == []


async def test_a_permanent_refusal_fails_at_once_and_staff_can_resend(smtp, run_jobs) -> None:
    smtp.refuse("550 5.1.1 No such user here", recipient="gone@example.org")
    refused = await queue_invite("gone@example.org")
    fine = await queue_invite("ana@example.org")

    await run_jobs()

    failed = await row(refused)
    assert (failed["status"], failed["attempts"]) == ("failed", 1)
    assert "550" in failed["last_error"] and "No such user" in failed["last_error"]
    assert (await row(fine))["status"] == "sent"
    assert len(smtp.received) == 1

    assert await outbox.resend(fine) is False  # only failed messages go again
    smtp.accept_all()
    assert await outbox.resend(refused) is True
    assert (await row(refused))["status"] == "queued"
    await run_jobs()

    assert (await row(refused))["status"] == "sent"
    assert len(smtp.to("gone@example.org")) == 1
    assert len(smtp.to("ana@example.org")) == 1


async def test_an_unreachable_server_is_a_temporary_failure(monkeypatch, run_jobs) -> None:
    nowhere = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setattr(mail, "configured_transport", lambda: mail.transport_for(nowhere))
    message_id = await queue_invite("ana@example.org")

    await run_jobs()

    waiting = await row(message_id)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 1)
    assert "Connect" in waiting["last_error"]


# --- interrupted sends --------------------------------------------------------------------


async def test_a_message_whose_job_was_lost_is_sent_by_the_sweeper(smtp, run_jobs) -> None:
    message_id = await queue_invite("ana@example.org")
    await jobqueue.redis().flushdb()  # Redis lost the job (no persistence, a failover)

    await run_jobs()
    assert smtp.received == []
    assert await outbox.sweep() == 1
    await run_jobs()

    assert (await row(message_id))["status"] == "sent"
    assert len(smtp.received) == 1


async def test_a_job_cancelled_while_the_server_takes_the_message_still_records_it(
    smtp, run_jobs
) -> None:
    smtp.delay = 0.2
    message_id = await queue_invite("ana@example.org")
    job = asyncio.create_task(outbox.send_message(message_id))
    async with asyncio.timeout(10):
        while not smtp.data_started.is_set():
            await asyncio.sleep(0.005)

    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job

    assert (await row(message_id))["status"] == "sent"
    await make_due(message_id)
    await outbox.sweep()
    await run_jobs()
    assert len(smtp.received) == 1


async def test_a_send_whose_worker_died_is_retried_once_its_lease_expires(smtp, run_jobs) -> None:
    message_id = await queue_invite("ana@example.org")
    # What a worker killed after claiming the row leaves behind: `sending`, with a live lease.
    await OutboxMessage.update(
        {
            OutboxMessage.status: "sending",
            OutboxMessage.attempts: 1,
            OutboxMessage.next_attempt_at: datetime.now(UTC) + outbox.SENDING_LEASE,
        }
    ).where(OutboxMessage.id == message_id)

    await run_jobs()
    assert await outbox.sweep() == 0
    assert smtp.received == []  # the lease is still held

    await make_due(message_id)
    assert await outbox.sweep() == 1
    await run_jobs()

    sent = await row(message_id)
    assert (sent["status"], sent["attempts"]) == ("sent", 2)
    assert len(smtp.received) == 1


async def test_a_message_interrupted_on_every_attempt_gives_up(smtp) -> None:
    message_id = await queue_invite("ana@example.org")
    await OutboxMessage.update(
        {
            OutboxMessage.status: "sending",
            OutboxMessage.attempts: outbox.MAX_ATTEMPTS,
            OutboxMessage.next_attempt_at: datetime.now(UTC) - timedelta(seconds=1),
        }
    ).where(OutboxMessage.id == message_id)

    await outbox.sweep()

    failed = await row(message_id)
    assert failed["status"] == "failed"
    assert "interrupted" in failed["last_error"]


async def test_a_worker_stopped_mid_batch_and_restarted_delivers_each_message_once(
    smtp, run_jobs, redis_url
) -> None:
    smtp.delay = 0.05
    recipients = [f"person{n}@example.org" for n in range(40)]
    ids = [await queue_invite(recipient) for recipient in recipients]

    worker = jobqueue.create_worker(redis_url, burst=False, poll_delay=0.01)
    running = asyncio.create_task(worker.main())
    async with asyncio.timeout(10):
        while len(smtp.received) < 8:
            await asyncio.sleep(0.005)
    # Stop it as a shutdown or a crash of the loop does: the worker and every job it runs are
    # cancelled while messages are in flight, and nothing of it cleans up afterwards.
    running.cancel()
    for task in worker.tasks.values():
        task.cancel()
    await asyncio.gather(running, *worker.tasks.values(), return_exceptions=True)
    await worker.pool.aclose()
    arrived_before_restart = len(smtp.received)

    # Time passes: the outbox leases and arq's in-progress markers (job_timeout + 10 s) left by
    # that worker run out.
    await OutboxMessage.update(
        {OutboxMessage.next_attempt_at: datetime.now(UTC) - timedelta(seconds=1)}
    ).where(OutboxMessage.status == "sending")
    async for key in jobqueue.redis().scan_iter(match=f"{in_progress_key_prefix}*"):
        await jobqueue.redis().delete(key)
    await outbox.sweep()
    await run_jobs()

    assert arrived_before_restart < len(recipients), "the worker was not stopped mid-batch"
    arrivals = Counter(r for received in smtp.received for r in received.recipients)
    assert arrivals == Counter(recipients)
    statuses = await OutboxMessage.select(OutboxMessage.status).where(OutboxMessage.id.is_in(ids))
    assert {s["status"] for s in statuses} == {"sent"}


# --- transports ---------------------------------------------------------------------------


async def test_the_file_transport_writes_one_eml_per_message_and_a_repeat_overwrites(
    mail_dir, run_jobs
) -> None:
    before = set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()
    first = await queue_invite("ana@example.org", key="file-test:1")
    await queue_invite("tom@example.org", key="file-test:2")

    await run_jobs()

    written = set(mail_dir.glob("*.eml")) - before
    assert len(written) == 2
    # The send is repeated, as after a worker that died before recording it.
    await OutboxMessage.update({OutboxMessage.status: "queued"}).where(OutboxMessage.id == first)
    assert await outbox.send_message(first) == "sent"

    assert set(mail_dir.glob("*.eml")) - before == written
    messages = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in written]
    assert sorted(m["To"] for m in messages) == ["ana@example.org", "tom@example.org"]
    assert not list(mail_dir.glob("*.part"))


def _server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


USERINFO = f"{quote(CREDENTIALS[0], safe='')}:{quote(CREDENTIALS[1], safe='')}@"


@pytest.mark.parametrize("security", ["starttls", "implicit-tls", "plain"])
async def test_smtp_logs_in_with_the_credentials_from_the_mail_url(
    start_smtp, run_jobs, certificate, security
) -> None:
    options: dict[str, Any] = {"authenticator": _authenticator}
    if security == "starttls":
        options |= {"tls_context": _server_tls(*certificate), "require_starttls": True}
        query = "?starttls=true&verify=false"
    elif security == "implicit-tls":
        # aiosmtpd offers AUTH on implicit TLS only if told that TLS is not required for it.
        options |= {"ssl_context": _server_tls(*certificate), "auth_require_tls": False}
        query = "?verify=false"
    else:
        options |= {"auth_require_tls": False}
        query = ""
    smtp = start_smtp(url_userinfo=USERINFO, url_query=query, **options)
    message_id = await queue_invite("ana@example.org")

    await run_jobs()

    [received] = smtp.received
    assert received.login == CREDENTIALS[0]
    assert received.tls is (security != "plain")
    assert (await row(message_id))["status"] == "sent"


async def test_a_refused_login_fails_the_message_with_the_servers_reason(
    start_smtp, run_jobs
) -> None:
    smtp = start_smtp(
        url_userinfo="hongshan:wrong@", authenticator=_authenticator, auth_require_tls=False
    )
    message_id = await queue_invite("ana@example.org")

    await run_jobs()

    failed = await row(message_id)
    assert failed["status"] == "failed"
    assert "535" in failed["last_error"]
    assert smtp.received == []


async def test_links_with_tokens_are_emptied_from_a_row_once_it_is_sent(smtp, run_jobs) -> None:
    smtp.refuse("550 5.1.1 No such user here", recipient="gone@example.org")
    await accounts.invite(
        Viewer(id=None, name="Li Wei"),
        email="ana@example.org",
        name="Ana",
        role="reviewer",
        language="ru",
        organization_id=None,
    )
    await make_user(email="ben@example.org")
    await accounts.request_password_reset("ben@example.org", client="198.51.100.9")
    refused = await queue_invite("gone@example.org")

    await run_jobs()

    [invite] = smtp.to("ana@example.org")
    assert "/ru/account/accept/" in parts(invite)["text/plain"]
    assert len(smtp.to("ben@example.org")) == 1
    sent = await OutboxMessage.select().where(OutboxMessage.status == "sent")
    assert {m["template"] for m in sent} == {"account_invite", "password_reset"}
    for message in sent:
        context = json_of(message["context"])
        assert context["link"] == ""
        assert context["name"] in ("Ana", "ben") and message["subject"]
    # Not sent yet: the link stays, so sending it again still works.
    assert json_of((await row(refused))["context"])["link"].endswith("tok-gone@example.org")
