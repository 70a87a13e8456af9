"""Benchmark signing in: argon2 cost, the sign-in service in-process, and full sign-ins over HTTP.

Sign-in is deliberately slow (argon2id, m = 19 MiB, t = 2), and it is rate-limited per account
(5 failures / 15 min; a success resets it) and per client address (20 attempts / 15 min,
successes included). The script measures, on a fresh temporary data directory:

1. argon2 alone: the median of 20 `verify_password` calls on this machine;
2. the service in-process: C concurrent tasks call `core.accounts.authenticate` and
   `core.sessions.start` for S seconds against the real database and Redis (each call gets
   its own client address string, so the per-address limit stays out of the figures);
3. full sign-ins over HTTP against the real server (`python -m core.cli serve`): each
   sign-in is a fresh visitor that GETs /en/account/login (CSRF cookie + token from the form),
   POSTs the credentials and follows the 303 to /en/account/;
   a. from one address (127.0.0.1), as a single office behind one NAT would: shows where
      the per-address limit starts answering 429;
   b. from many addresses, as behind a reverse proxy: the server trusts X-Forwarded-For
      from 127.0.0.1 (uvicorn's default), so every sign-in gets its own address and C
      clients sign in for S seconds. Meanwhile a bystander requests /healthz every 50 ms,
      to show what sign-ins do to everybody else's latency.

Accounts are created before the server starts, in-process, with `core.accounts.create_user`
(one argon2 hash shared by all of them, so setting up N accounts costs one hash, not N).
`HONGSHAN_DATABASE_URL` / `HONGSHAN_REDIS_URL`, when set, are passed through (the accounts
are then created in that database, under a unique e-mail prefix).

    uv run python bench/login.py [--accounts N] [--concurrency C] [--duration S]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import secrets
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _server import HOST, free_port, server_env, start_server, stop_server, workdir

PASSWORD = "bench-lantern-apricot-steppe"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


# --- figures ----------------------------------------------------------------------------------


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def ok(self) -> int:
        return self.outcomes.get("ok", 0)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def summary(self, unit: str) -> str:
        rate = self.ok / self.elapsed if self.elapsed else 0.0
        return (
            f"{self.ok} {unit} in {self.elapsed:.2f} s = {rate:.1f} {unit}/s, "
            f"p50 {ms(self.percentile(50))}, p99 {ms(self.percentile(99))}, "
            f"max {ms(max(self.latencies, default=math.nan))}; outcomes {self.outcomes}"
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def run_clients(
    concurrency: int, duration: float, budget: int, attempt: Callable[[int], Awaitable[str]]
) -> Run:
    """`concurrency` workers call `attempt(n)` until the deadline or the budget is spent."""
    run = Run()
    issued = 0
    started = time.perf_counter()
    deadline = started + duration

    async def worker() -> None:
        nonlocal issued
        while issued < budget and time.perf_counter() < deadline:
            number = issued
            issued += 1
            sent = time.perf_counter()
            try:
                outcome = await attempt(number)
            except Exception as error:  # a benchmark reports failures, it doesn't stop on them
                outcome = type(error).__name__
            run.latencies.append(time.perf_counter() - sent)
            run.count(outcome)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.elapsed = time.perf_counter() - started
    return run


# --- 1 + 2: in-process ------------------------------------------------------------------------


def argon2_verify_median(stored_hash: str, rounds: int = 20) -> float:
    from core import passwords

    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        assert passwords.verify_password(stored_hash, PASSWORD)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def create_accounts(count: int, prefix: str) -> tuple[list[str], str]:
    from core import passwords
    from core.accounts import create_user
    from core.migrations import migrate
    from core.tables import User

    await migrate()
    shared_hash = passwords.hash_password(PASSWORD)
    emails = [f"{prefix}-{n:05d}@bench.example.org" for n in range(count)]
    for address in emails:
        await create_user(address, role="member", language="en")
    await User.update({User.password_hash: shared_hash}).where(User.email.is_in(emails))
    return emails, shared_hash


async def in_process(
    emails: list[str], redis_url: str, concurrency: int, duration: float
) -> tuple[Run, Run]:
    """`authenticate` + `sessions.start`, and `authenticate` with argon2 swapped out."""
    from core import accounts, db, jobqueue, passwords, sessions

    await db.start_pool()
    await jobqueue.open_queue(redis_url)
    run_id = secrets.token_hex(4)

    async def sign_in(number: int) -> str:
        user_id = await accounts.authenticate(
            emails[number % len(emails)], PASSWORD, f"in-process-{run_id}-{number}"
        )
        await sessions.start(user_id)
        return "ok"

    try:
        full = await run_clients(concurrency, duration, 10**9, sign_in)
        # The same calls with argon2 replaced by a constant answer: what is left is the
        # database and Redis work of a sign-in.
        real_verify = passwords.verify_password
        passwords.verify_password = lambda stored, password: True  # type: ignore[assignment]
        try:
            run_id = secrets.token_hex(4)
            without = await run_clients(concurrency, min(duration, 3.0), 10**9, sign_in)
        finally:
            passwords.verify_password = real_verify
    finally:
        await jobqueue.close_queue()
        await db.close_pool()
    return full, without


# --- 3: over HTTP -----------------------------------------------------------------------------


async def http_sign_in(
    base_url: str, address: str, forwarded_for: str | None, post_times: list[float]
) -> str:
    """One fresh visitor: the form, the credentials, the account page."""
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=30.0, follow_redirects=False
    ) as visitor:
        form = await visitor.get("/en/account/login")
        if form.status_code != 200:
            return f"form {form.status_code}"
        token = CSRF_FIELD.search(form.text)
        if token is None:
            return "no csrf field"
        sent = time.perf_counter()
        answer = await visitor.post(
            "/en/account/login",
            data={"email": address, "password": PASSWORD, "_csrf_token": token.group(1)},
        )
        post_times.append(time.perf_counter() - sent)
        if answer.status_code != 303:
            return f"login {answer.status_code}"
        landing = await visitor.get(answer.headers["location"])
        if landing.status_code != 200 or address not in landing.text:
            return f"account page {landing.status_code}"
    return "ok"


async def bystander(base_url: str, stop: asyncio.Event) -> list[float]:
    """Someone else using the site meanwhile: /healthz every 50 ms."""
    latencies = []
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        while not stop.is_set():
            sent = time.perf_counter()
            await client.get("/healthz")
            latencies.append(time.perf_counter() - sent)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.05)
    return latencies


async def over_http(
    base_url: str, emails: list[str], args: argparse.Namespace
) -> tuple[Run, list[float], Run, list[float], list[float]]:
    one_address_posts: list[float] = []

    async def from_one_address(number: int) -> str:
        return await http_sign_in(base_url, emails[number % len(emails)], None, one_address_posts)

    # Fewer requests from 127.0.0.1 itself, one after another: where does the limit bite?
    one_address = await run_clients(
        1, args.duration, args.single_address_attempts, from_one_address
    )

    spread_posts: list[float] = []
    offset = args.single_address_attempts  # other accounts than the ones just used

    async def through_proxy(number: int) -> str:
        forwarded = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        address = emails[(offset + number) % len(emails)]
        return await http_sign_in(base_url, address, forwarded, spread_posts)

    stop = asyncio.Event()
    watcher = asyncio.create_task(bystander(base_url, stop))
    spread = await run_clients(args.concurrency, args.duration, 10**9, through_proxy)
    stop.set()
    bystander_latencies = await watcher
    return one_address, one_address_posts, spread, spread_posts, bystander_latencies


# --- the benchmark ----------------------------------------------------------------------------


def run(args: argparse.Namespace, data_dir: Path) -> int:
    os.environ["HONGSHAN_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("HONGSHAN_LOG_LEVEL", "WARNING")
    # Settings are read once, on first use: everything from core is imported after this point.
    from core.settings import get_settings

    settings = get_settings()
    prefix = f"bench-{secrets.token_hex(3)}"
    print(
        f"host: {os.cpu_count()} CPUs shared by server and load generator; python "
        f"{sys.version.split()[0]}; database "
        f"{'SQLite' if settings.is_sqlite else 'PostgreSQL'}; redis "
        f"{'configured' if settings.redis_url else 'embedded Valkey (the server starts it)'}"
    )
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    started = time.perf_counter()
    emails, stored_hash = asyncio.run(create_accounts(args.accounts, prefix))
    print(f"setup: {len(emails)} accounts in {time.perf_counter() - started:.2f} s")

    verify = argon2_verify_median(stored_hash)
    print(f"argon2id verify alone (m=19 MiB, t=2, p=1): median of 20 = {ms(verify)}")
    print(f"  one core can therefore verify at most {1 / verify:.1f} passwords/s")

    log_path = data_dir.parent / "server.log"
    port = free_port()
    process, _seconds = start_server(server_env(data_dir), port, log_path)
    try:
        redis_url = settings.redis_url or f"unix://{settings.redis_socket}"
        full, without = asyncio.run(in_process(emails, redis_url, args.concurrency, args.duration))
        print(f"in-process authenticate + sessions.start, {args.concurrency} tasks on one loop:")
        print(f"  with argon2:    {full.summary('sign-ins')}")
        print(f"  argon2 removed: {without.summary('sign-ins')}")

        base_url = f"http://{HOST}:{port}"
        one, one_posts, spread, spread_posts, watched = asyncio.run(
            over_http(base_url, emails, args)
        )
    finally:
        stop_server(process)

    print("over HTTP, full sign-in (GET form, POST credentials, GET /en/account/):")
    print(
        f"  one client address, {args.single_address_attempts} sign-ins one after another: "
        f"{one.outcomes}"
    )
    if one_posts:
        single = Run(latencies=one_posts)
        print(f"    the POST alone, one at a time: p50 {ms(single.percentile(50))}")
    if one.outcomes.get("login 429"):
        print(
            f"    -> the per-address limit answered 429 after {one.ok} sign-ins "
            f"(20 attempts / 15 min / address, successes included)"
        )
    print(f"  many client addresses (X-Forwarded-For), {args.concurrency} clients:")
    print(f"    full sign-in: {spread.summary('sign-ins')}")
    posts = Run(latencies=spread_posts)
    print(f"    the POST alone: p50 {ms(posts.percentile(50))}, p99 {ms(posts.percentile(99))}")
    bystanders = Run(latencies=watched)
    print(
        f"  bystander GET /healthz meanwhile ({len(watched)} requests): "
        f"p50 {ms(bystanders.percentile(50))}, p99 {ms(bystanders.percentile(99))}, "
        f"max {ms(max(watched, default=math.nan))}"
    )
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0 if spread.ok and full.ok else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=500, help="test accounts (500)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run (10)")
    parser.add_argument(
        "--single-address-attempts",
        type=int,
        default=25,
        help="sign-ins from 127.0.0.1 itself, to show the per-address limit (25)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data dir and server log")
    args = parser.parse_args()
    if min(args.accounts, args.concurrency, args.single_address_attempts) < 1:
        parser.error("--accounts, --concurrency and --single-address-attempts must be positive")
    if args.duration <= 0:
        parser.error("--duration must be positive")
    return args


def main() -> int:
    args = parse_args()
    with workdir("hongshan-bench-login-", args.keep) as path:
        return run(args, path / "data")


if __name__ == "__main__":
    sys.exit(main())
