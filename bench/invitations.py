"""Benchmark invitations end to end: a sending of N invitations, from the organizer's "Send"
to the last mail accepted by a local SMTP server.

A fresh temporary data directory, the app's own migrations, and a real SMTP server (aiosmtpd
on 127.0.0.1, in a process of its own so that it does not compete with the worker for this
process's GIL) that counts, per recipient, the messages it accepts and their subjects. The
organizer's draft (N pasted lines, four languages) is checked by the service, sent, and one
arq burst worker runs the sending job (creating the invitations, queueing one outbox message
each) and the outbox sends over SMTP, one connection per message, up to `--concurrency` at a
time. Printed: the draft check, the time until every mail was in the outbox, the sending
throughput (invitations per second), the total wall time, the time for 10,000 (measured when
N is 10,000, the default, otherwise extrapolated and marked so), and whether every recipient
got exactly one message, in their own language.

By default it runs on SQLite (in the data dir) with an embedded Valkey on a Unix socket.
`HONGSHAN_DATABASE_URL=postgresql://…` runs it in a throw-away database created on that server;
`HONGSHAN_REDIS_URL` uses that Redis (its default queue must not be busy with other work).

    uv run python bench/invitations.py [--invitations N] [--concurrency C] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import shutil
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LANGUAGES = ("zh", "ru", "kk", "en")
SUBJECTS = {
    "zh": "邀请：跨区域协同创新年会",
    "ru": "Приглашение на ежегодную конференцию",
    "kk": "Жыл сайынғы конференцияға шақыру",
    "en": "Invitation to the annual conference",
}
DEFAULT_CONCURRENCY = 20  # core.jobqueue.create_worker's default max_jobs
TEN_THOUSAND = 10_000


class SubjectCounter:
    """Accepts everything; keeps each recipient's subjects."""

    def __init__(self) -> None:
        self.subjects: dict[str, list[str]] = {}
        self.lock = threading.Lock()
        self.parser = BytesParser(policy=policy.default)

    async def handle_DATA(self, server, session, envelope) -> str:
        subject = str(
            self.parser.parsebytes(envelope.original_content, headersonly=True)["Subject"]
        )
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.subjects.setdefault(recipient, []).append(subject)
        return "250 OK"


def serve_smtp(port: int, control: Connection) -> None:
    """The child process: serve SMTP until told to stop; answer "report" with what arrived."""
    handler = SubjectCounter()
    controller = Controller(handler, hostname=HOST, port=port)
    controller.start()
    control.send("ready")
    try:
        while control.recv() == "report":
            with handler.lock:
                control.send({k: list(v) for k, v in handler.subjects.items()})
    finally:
        controller.stop()


class SmtpServer:
    """The parent's handle on the SMTP server process."""

    def __init__(self) -> None:
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self.control, child_end = context.Pipe()
        self.process = context.Process(target=serve_smtp, args=(self.port, child_end), daemon=True)

    def start(self) -> None:
        self.process.start()
        if not self.control.poll(30) or self.control.recv() != "ready":
            raise RuntimeError("the SMTP server did not start")

    def arrivals(self) -> dict[str, list[str]]:
        self.control.send("report")
        return self.control.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.control.send("stop")
            self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def with_database(url: str, database: str) -> str:
    base, _sep, _old = url.rpartition("/")
    return f"{base}/{database}"


async def postgres(url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def person(n: int) -> tuple[str, str, str]:
    return f"Guest {n}", f"guest{n:06d}@example.org", LANGUAGES[n % len(LANGUAGES)]


async def watch_queueing(campaign_id: int, started: float, marks: dict[str, float]) -> None:
    """Note when the sending job had put every mail in the outbox (the campaign is "sent")."""
    from events.invitations.tables import InvitationCampaign

    while True:
        row = (
            await InvitationCampaign.select(InvitationCampaign.status)
            .where(InvitationCampaign.id == campaign_id)
            .first()
        )
        if row and row["status"] == "sent":
            marks["queued"] = time.perf_counter() - started
            return
        await asyncio.sleep(0.05)


async def bench(args: argparse.Namespace, redis_url: str, smtp: SmtpServer) -> bool:
    # Project modules read their settings once, so they are imported only now.
    from core import db, jobqueue
    from core.access import Viewer
    from core.content import Translated
    from core.migrations import migrate
    from core.settings import get_settings
    from core.tables import OutboxMessage, OutboxStatus
    from events.invitations.services import campaigns, drafts, sending
    from events.tables import Event

    await migrate()
    await db.start_pool()
    await jobqueue.open_queue(redis_url)
    try:
        waiting = await jobqueue.redis().zcard("arq:queue")
        if waiting:
            print(f"warning: {waiting} jobs were already queued in this Redis before the run")
        print(
            f"tool: arq {version('arq')} burst worker (core.jobqueue.create_worker), "
            f"max_jobs={args.concurrency}; aiosmtplib {version('aiosmtplib')} -> aiosmtpd "
            f"{version('aiosmtpd')} on {HOST} in its own process (one connection per message)"
        )
        print(
            f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
            f"python {platform.python_version()}; "
            f"database {redact(get_settings().database_url)}; redis {redact(redis_url)}"
        )

        begin = datetime.now(UTC) + timedelta(days=90)
        event = Event(
            slug=f"bench-{uuid.uuid4().hex[:8]}",
            kind="conference",
            status="registration_open",
            title=Translated.of("en", en="Annual conference", zh="年会").dump(),
            summary=Translated.of("en", en="The annual conference.").dump(),
            description=Translated.of("en", en="").dump(),
            venue=Translated.of("en", en="Urumqi Convention Centre").dump(),
            city=Translated.of("en", en="Urumqi").dump(),
            starts_at=begin,
            ends_at=begin + timedelta(hours=8),
        )
        await event.save()
        event_row = await Event.select().where(Event.id == event.id).first()
        assert event_row is not None

        lines = "\n".join(", ".join(person(n)) for n in range(args.invitations))
        data = {"source_language": "en", "people": lines}
        for lang in LANGUAGES:
            data[f"subject_{lang}"] = SUBJECTS[lang]
            data[f"message_{lang}"] = f"{SUBJECTS[lang]}."
        organizer = Viewer(id=None, role="admin")
        checked = time.perf_counter()
        campaign_id = await drafts.create_draft(organizer, event_row, drafts.DraftInput(data=data))
        draft_s = time.perf_counter() - checked
        print(
            f"draft: {args.invitations} pasted lines checked and saved in {draft_s:.2f} s "
            f"(events.invitations.services.drafts.create_draft)"
        )
        campaign = await campaigns.get_campaign(event_row["id"], campaign_id)
        assert campaign is not None

        marks: dict[str, float] = {}
        started = time.perf_counter()
        await sending.send(organizer, event_row, campaign)
        watcher = asyncio.create_task(watch_queueing(campaign_id, started, marks))
        worker = jobqueue.create_worker(
            redis_url, burst=True, poll_delay=0, max_jobs=args.concurrency
        )
        try:
            await worker.main()
        finally:
            await worker.close()
        finished = time.perf_counter()
        await asyncio.wait_for(watcher, 10)
        total_s = finished - started
        arrivals = smtp.arrivals()
        received = sum(len(subjects) for subjects in arrivals.values())
        rate = received / total_s
        print(
            f"queue: every invitation created and its mail in the outbox after "
            f"{marks['queued']:.2f} s ({args.invitations / marks['queued']:.0f} per second)"
        )
        print(
            f"send: {received} invitations accepted by the SMTP server in {total_s:.2f} s = "
            f"{rate:.1f} invitations/s (jobs complete {worker.jobs_complete}, failed "
            f"{worker.jobs_failed}, retried {worker.jobs_retried})"
        )
        if args.invitations == TEN_THOUSAND:
            print(f"time for 10,000 invitations: {total_s:.1f} s (measured)")
        else:
            print(
                f"time for 10,000 invitations: {TEN_THOUSAND / rate:.1f} s "
                f"(extrapolated from {args.invitations}; run with --invitations 10000 to measure)"
            )

        expected = {
            email: SUBJECTS[lang] for _n, email, lang in map(person, range(args.invitations))
        }
        duplicates = sum(len(s) - 1 for s in arrivals.values() if len(s) > 1)
        wrong = sum(1 for email, s in arrivals.items() if s[0] != expected.get(email))
        missing = len(set(expected) - set(arrivals))
        sent_rows = await OutboxMessage.count().where(
            OutboxMessage.status == OutboxStatus.sent.value
        )
        exact = not duplicates and not wrong and not missing and received == args.invitations
        by_language = Counter(s[0] for s in arrivals.values())
        print(
            f"check: received {received} of {args.invitations}, missing {missing}, duplicates "
            f"{duplicates}, wrong language {wrong}, rows sent {sent_rows}; per language "
            f"{dict(sorted(by_language.items()))} -> "
            f"{'OK, each exactly once in their language' if exact else 'MISMATCH'}"
        )
        return exact and sent_rows == args.invitations
    finally:
        await jobqueue.close_queue()
        await db.close_pool()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--invitations", type=int, default=TEN_THOUSAND, help="invitations to send (10000)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help=f"arq worker max_jobs ({DEFAULT_CONCURRENCY}, the app's default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    if args.invitations < 1 or args.concurrency < 1:
        parser.error("--invitations and --concurrency must be positive")

    workdir = Path(tempfile.mkdtemp(prefix="hongshan-bench-invitations-"))
    data_dir = workdir / "data"
    smtp = SmtpServer()
    smtp.start()

    server_db = os.environ.get("HONGSHAN_DATABASE_URL", "")
    bench_db = f"hongshan_bench_{uuid.uuid4().hex[:10]}"
    os.environ["HONGSHAN_DATA_DIR"] = str(data_dir)
    os.environ["HONGSHAN_MAIL_URL"] = f"smtp://{HOST}:{smtp.port}"
    os.environ.setdefault("HONGSHAN_SECRET_KEY", "bench-secret-key-" + "x" * 32)
    if server_db.startswith("postgres"):
        asyncio.run(postgres(server_db, f'CREATE DATABASE "{bench_db}"'))
        os.environ["HONGSHAN_DATABASE_URL"] = with_database(server_db, bench_db)
    else:
        os.environ["HONGSHAN_DATABASE_URL"] = f"sqlite:///{data_dir / 'hongshan.sqlite3'}"
    sys.path.insert(0, str(ROOT))

    from core.redis_server import EmbeddedRedis

    embedded = None
    redis_url = os.environ.get("HONGSHAN_REDIS_URL")
    try:
        if not redis_url:
            embedded = EmbeddedRedis(data_dir / "redis" / "redis.sock", persistent=False)
            redis_url = embedded.start()
        ok = asyncio.run(bench(args, redis_url, smtp))
    finally:
        if embedded is not None:
            embedded.stop()
        smtp.stop()
        if server_db.startswith("postgres"):
            drop = f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)'
            asyncio.run(postgres(server_db, drop))
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
