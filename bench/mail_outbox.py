"""Benchmark the mail outbox end to end: queueing rows, then a worker sending them over SMTP.

A fresh temporary data directory, the app's own migrations, and a real SMTP server (aiosmtpd,
on 127.0.0.1, in a process of its own so that it doesn't compete with the worker for this
process's GIL) that only counts what it accepts. N invitations are
queued one after another through `outbox.queue_mail` (row + job, as a request would), then one
arq burst worker sends them all over SMTP through the configured transport (`HONGSHAN_MAIL_URL`
points at the counting server; one SMTP connection per message). Printed: the queueing rate,
the sending throughput, the total wall time, and whether every message arrived exactly once.

By default it runs on SQLite (in the data dir) with an embedded Valkey on a Unix socket.
`HONGSHAN_DATABASE_URL=postgresql://…` runs it in a throw-away database created on that server;
`HONGSHAN_REDIS_URL` uses that Redis (its default queue must not be busy with other work).

    uv run python bench/mail_outbox.py [--messages N] [--concurrency C] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import sys
import threading
import time
import uuid
from collections import Counter
from importlib.metadata import version
from multiprocessing.connection import Connection

from _server import HOST, free_port, redact, scratch_backend, workdir
from aiosmtpd.controller import Controller

DEFAULT_MAX_JOBS = 20  # core.jobqueue.create_worker's default


class CountingHandler:
    """Accepts everything and counts arrivals per recipient."""

    def __init__(self) -> None:
        self.arrivals: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.arrivals.update(envelope.rcpt_tos)
        return "250 OK"


def serve_smtp(port: int, control: Connection) -> None:
    """The child process: serve SMTP until told to stop; answer "report" with the arrivals."""
    handler = CountingHandler()
    controller = Controller(handler, hostname=HOST, port=port)
    controller.start()
    control.send("ready")
    try:
        while control.recv() == "report":
            with handler.lock:
                control.send(dict(handler.arrivals))
    finally:
        controller.stop()


class SmtpCounter:
    """The parent's handle on the counting SMTP server process."""

    def __init__(self) -> None:
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self.control, child_end = context.Pipe()
        self.process = context.Process(target=serve_smtp, args=(self.port, child_end), daemon=True)

    def start(self) -> None:
        self.process.start()
        if not self.control.poll(30) or self.control.recv() != "ready":
            raise RuntimeError("the SMTP server did not start")

    def arrivals(self) -> Counter[str]:
        self.control.send("report")
        return Counter(self.control.recv())

    def stop(self) -> None:
        if self.process.is_alive():
            self.control.send("stop")
            self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


async def bench(args: argparse.Namespace, redis_url: str, smtp: SmtpCounter) -> bool:
    # Project modules read their settings once, so they are imported only now.
    from core import db, jobqueue, outbox
    from core.migrations import migrate
    from core.settings import get_settings
    from core.tables import OutboxMessage, OutboxStatus

    await migrate()
    await db.start_pool()
    await jobqueue.open_queue(redis_url)
    try:
        waiting = await jobqueue.redis().zcard("arq:queue")
        if waiting:
            print(f"warning: {waiting} jobs were already queued in this Redis before the run")
        print(
            f"tool: arq {version('arq')} burst worker (core.jobqueue.create_worker), "
            f"max_jobs={args.concurrency} concurrent sends; aiosmtplib {version('aiosmtplib')} "
            f"-> aiosmtpd {version('aiosmtpd')} on {HOST} (one connection per message)"
        )
        print(
            f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
            f"python {platform.python_version()}; "
            f"database {redact(get_settings().database_url)}; redis {redact(redis_url)}"
        )

        run = uuid.uuid4().hex[:8]
        started = time.perf_counter()
        for n in range(args.messages):
            await outbox.queue_mail(
                key=f"bench:{run}:{n}",
                recipient=f"person{n}@example.org",
                language=("zh", "ru", "kk", "en")[n % 4],
                template="account_invite",
                context={
                    "name": f"Person {n}",
                    "inviter": "Benchmark",
                    "link": f"/en/account/accept/token-{run}-{n}",
                    "valid_days": 7,
                },
            )
        queued = time.perf_counter()
        queue_s = queued - started
        print(
            f"queue: {args.messages} messages in {queue_s:.2f} s = "
            f"{args.messages / queue_s:.0f} msgs/s (sequential outbox.queue_mail: row + job)"
        )

        worker = jobqueue.create_worker(
            redis_url, burst=True, poll_delay=0, max_jobs=args.concurrency
        )
        try:
            await worker.main()
        finally:
            await worker.close()
        finished = time.perf_counter()
        send_s = finished - queued
        arrivals = smtp.arrivals()
        received = sum(arrivals.values())
        print(
            f"send: {received} messages in {send_s:.2f} s = {received / send_s:.0f} msgs/s "
            f"(render, claim, SMTP, record; jobs complete {worker.jobs_complete}, "
            f"failed {worker.jobs_failed}, retried {worker.jobs_retried})"
        )
        print(f"total wall time: {finished - started:.2f} s")

        sent = await OutboxMessage.count().where(
            OutboxMessage.idempotency_key.like(f"bench:{run}:%")
            & (OutboxMessage.status == OutboxStatus.sent.value)
        )
        duplicates = sum(count - 1 for count in arrivals.values() if count > 1)
        expected = {f"person{n}@example.org" for n in range(args.messages)}
        exact = received == args.messages and set(arrivals) == expected and not duplicates
        print(
            f"check: received {received} of {args.messages}, duplicates {duplicates}, "
            f"rows sent {sent} -> {'OK, each exactly once' if exact else 'MISMATCH'}"
        )
        return exact and sent == args.messages
    finally:
        await jobqueue.close_queue()
        await db.close_pool()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000, help="messages to send (2000)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_MAX_JOBS,
        help=f"arq worker max_jobs ({DEFAULT_MAX_JOBS}, the app's default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    if args.messages < 1 or args.concurrency < 1:
        parser.error("--messages and --concurrency must be positive")

    smtp = SmtpCounter()
    smtp.start()
    with workdir("hongshan-bench-mail-", args.keep) as path:
        try:
            with scratch_backend(path / "data", f"smtp://{HOST}:{smtp.port}") as redis_url:
                ok = asyncio.run(bench(args, redis_url, smtp))
        finally:
            smtp.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
