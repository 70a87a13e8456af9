"""Benchmark events: the public event page under load, and a burst of registrations for the
last seats.

A fresh temporary data directory and database (bench/_server.py `scratch_backend`) with the
app's own migrations. Printed:

* event page: an event with a four-session agenda, served by the site started as a user
  starts it (`python -m core.cli serve`); C concurrent workers (default 16) on one
  httpx.AsyncClient rotate through `/{en,zh,ru,kk}/events/<slug>/` after a warm-up until N
  requests (default 1,500): requests/s, p50/p99/max latency and non-200 count;
* registration burst, in this process: an event with K seats (default 500) and B concurrent
  `events.services.registrations.register` calls (default 1,000), one person each, as the
  registration form makes them (mail queued included): wall time, registrations/s and
  confirmed registrations/s; exactly K must be confirmed and the rest waitlisted.

The page load runs first, on a database holding only the page's event, so the server's
outbox is idle; the burst follows once the server has stopped.

By default: SQLite (in the data dir) and embedded Valkey. With `HONGSHAN_DATABASE_URL=
postgresql://…` a throw-away database is created on that server and dropped afterwards;
`HONGSHAN_REDIS_URL` is used by both this process and the server (the jobs the burst queued
there are flushed from that Redis database at the end).

    uv run python bench/events.py [--requests N] [--concurrency C] [--seats K] [--burst B]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
from _server import (
    HOST,
    free_port,
    redact,
    scratch_backend,
    server_env,
    start_server,
    stop_server,
    workdir,
)

LANGS = ("en", "zh", "ru", "kk")
PAGE_SLUG = "bench-forum"
BURST_SLUG = "bench-burst"


# --- data, in this process ----------------------------------------------------------------


def _texts(zh: str, ru: str, kk: str, en: str) -> dict:
    from core.content import Translated

    return Translated.of("zh", zh=zh, ru=ru, kk=kk, en=en).dump()


async def _event(slug: str, capacity: int) -> int:
    from events.tables import Event

    starts = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0) + timedelta(
        days=30
    )
    event = Event(
        slug=slug,
        kind="forum",
        status="registration_open",
        title=_texts(
            "中亚科技合作论坛",
            "Форум научно-технического сотрудничества",
            "Ғылыми-техникалық ынтымақтастық форумы",
            "Science and Technology Cooperation Forum",
        ),
        summary=_texts(
            "一天的论坛。", "Однодневный форум.", "Бір күндік форум.", "A one-day forum."
        ),
        description=_texts(
            "路演、研讨会和合作洽谈。",
            "Презентации, семинары и деловые встречи.",
            "Таныстырылымдар, семинарлар және іскерлік кездесулер.",
            "Pitches, workshops and partner meetings.",
        ),
        venue=_texts("乌鲁木齐国际会展中心", "Урумчи Экспо", "Үрімжі Экспо", "Urumqi Expo Center"),
        city=_texts("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi"),
        timezone="Asia/Urumqi",
        starts_at=starts,
        ends_at=starts + timedelta(hours=9),
        capacity=capacity,
    )
    await event.save()
    return int(event.id)


async def _agenda(event_id: int) -> None:
    from events.tables import AgendaSession, Event

    row = await Event.select(Event.starts_at).where(Event.id == event_id).first()
    start = row["starts_at"]
    sessions = (
        ("plenary", 0, 90, ("开幕式", "Открытие", "Ашылу", "Opening")),
        ("panel", 120, 210, ("数字经济", "Цифровая экономика", "Цифрлық экономика", "Digital")),
        ("break", 210, 240, ("茶歇", "Кофе-брейк", "Кофе-брейк", "Coffee break")),
        ("signing", 240, 360, ("技术转移", "Трансфер", "Трансфер", "Technology transfer")),
    )
    for kind, begin, end, title in sessions:
        await AgendaSession(
            event=event_id,
            kind=kind,
            title=_texts(*title),
            description=_texts("—", "—", "—", "—"),
            starts_at=start + timedelta(minutes=begin),
            ends_at=start + timedelta(minutes=end),
            room="Hall A",
        ).save()


async def prepare(redis_url: str) -> None:
    """Migrations and the page's event with its agenda."""
    from core import db
    from core.migrations import migrate
    from events.tables import SessionKind

    kinds = {kind.value for kind in SessionKind}
    assert {"plenary", "break"} <= kinds, kinds
    await migrate()
    await db.start_pool()
    try:
        await _agenda(await _event(PAGE_SLUG, capacity=200))
    finally:
        await db.close_pool()


@dataclass
class Burst:
    wall: float
    calls: int
    failures: list[str]
    statuses: dict[str, int]
    taken: int


async def burst(redis_url: str, seats: int, calls: int) -> Burst:
    from core import db, jobqueue
    from events.services import registrations
    from events.services.registrations import Person
    from events.tables import Event, Registration

    await db.start_pool()
    await jobqueue.open_queue(redis_url)
    try:
        event_id = await _event(BURST_SLUG, capacity=seats)

        async def one(number: int) -> None:
            person = Person(name=f"Guest {number:04d}", email=f"guest{number:04d}@bench.example")
            await registrations.register(event_id, [person])

        started = time.perf_counter()
        results = await asyncio.gather(*(one(n) for n in range(calls)), return_exceptions=True)
        wall = time.perf_counter() - started
        failures = [repr(r) for r in results if isinstance(r, BaseException)]
        rows = await Registration.select(Registration.status).where(Registration.event == event_id)
        statuses: dict[str, int] = {}
        for row in rows:
            statuses[row["status"]] = statuses.get(row["status"], 0) + 1
        fresh = await Event.select(Event.general_taken).where(Event.id == event_id).first()
        if os.environ.get("HONGSHAN_REDIS_URL"):
            # The mail jobs point at a database that is about to be dropped.
            await jobqueue.redis().flushdb()
        return Burst(wall, calls, failures, statuses, int(fresh["general_taken"]))
    finally:
        await jobqueue.close_queue()
        await db.close_pool()


# --- the event page, from the outside -------------------------------------------------------


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


async def run_load(http: httpx.AsyncClient, concurrency: int, requests: int) -> Load:
    load = Load()
    issued = 0
    started = time.perf_counter()

    async def worker() -> None:
        nonlocal issued
        while issued < requests:
            path = f"/{LANGS[issued % len(LANGS)]}/events/{PAGE_SLUG}/"
            issued += 1
            sent = time.perf_counter()
            try:
                response = await http.get(path)
                outcome = None if response.status_code == 200 else str(response.status_code)
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            load.latencies.append(time.perf_counter() - sent)
            if outcome is not None:
                load.errors[outcome] = load.errors.get(outcome, 0) + 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    load.elapsed = time.perf_counter() - started
    return load


async def page_load(port: int, args: argparse.Namespace) -> tuple[Load, list[str]]:
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    async with httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}",
        limits=httpx.Limits(
            max_connections=args.concurrency, max_keepalive_connections=args.concurrency
        ),
        timeout=httpx.Timeout(10.0),
        cookies=no_cookies,
        follow_redirects=False,
    ) as http:
        problems = []
        for lang in LANGS:
            response = await http.get(f"/{lang}/events/{PAGE_SLUG}/")
            if response.status_code != 200 or f'<html lang="{lang}"' not in response.text:
                problems.append(f"/{lang}/events/{PAGE_SLUG}/ -> {response.status_code}")
        await run_load(http, args.concurrency, args.warmup)
        return await run_load(http, args.concurrency, args.requests), problems


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def backend() -> str:
    database = os.environ.get("HONGSHAN_DATABASE_URL") or "SQLite (in the data dir)"
    redis = os.environ.get("HONGSHAN_REDIS_URL") or "embedded Valkey"
    return f"database {redact(database)}; redis {redact(redis)}"


def run(args: argparse.Namespace, path: Path) -> int:
    data_dir = path / "data"
    print(
        f"host: {os.cpu_count()} CPUs shared by server and load generator; "
        f"python {platform.python_version()}; {backend()}"
    )
    with scratch_backend(data_dir, f"file://{data_dir / 'mail'}") as redis_url:
        asyncio.run(prepare(redis_url))

        # The server gets its own data dir (and so its own embedded Valkey, unless a Redis URL
        # is set) but the database scratch_backend made: HONGSHAN_DATABASE_URL is in os.environ.
        log_path = path / "server.log"
        port = free_port()
        process, cold = start_server(server_env(path / "server-data"), port, log_path)
        try:
            load, problems = asyncio.run(page_load(port, args))
        finally:
            stop_server(process)
        print(f"server start: {cold:.2f} s")
        for problem in problems:
            print(f"page check: {problem}")
        print(
            f"event page: {len(load.latencies)} requests, {args.concurrency} concurrent, "
            f"{len(load.latencies) / load.elapsed:.1f} req/s over {load.elapsed:.2f} s, "
            f"p50 {ms(load.percentile(50))}, p99 {ms(load.percentile(99))}, "
            f"max {ms(max(load.latencies))}, errors {sum(load.errors.values())}"
            + (f" {dict(sorted(load.errors.items()))}" if load.errors else "")
        )

        result = asyncio.run(burst(redis_url, args.seats, args.burst))
    confirmed = result.statuses.get("confirmed", 0)
    exact = (
        confirmed == args.seats
        and result.taken == args.seats
        and sum(result.statuses.values()) == args.burst
        and not result.failures
    )
    print(
        f"registration burst: {result.calls} concurrent register() calls for {args.seats} seats "
        f"in {result.wall:.2f} s = {result.calls / result.wall:.1f} registrations/s, "
        f"{confirmed / result.wall:.1f} confirmed/s"
    )
    print(
        f"  statuses {dict(sorted(result.statuses.items()))}, seats taken {result.taken}, "
        f"failures {len(result.failures)}; exactly {args.seats} confirmed: "
        f"{'yes' if exact else 'NO'}"
    )
    for failure in result.failures[:5]:
        print(f"  {failure[:300]}")
    return 0 if exact and not load.errors and not problems else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="page requests (1500)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent workers (16)")
    parser.add_argument("--warmup", type=int, default=100, help="warm-up requests (100)")
    parser.add_argument("--seats", type=int, default=500, help="seats of the burst event (500)")
    parser.add_argument("--burst", type=int, default=1000, help="concurrent registrations (1000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if min(args.requests, args.concurrency, args.seats, args.burst, args.warmup + 1) < 1:
        parser.error("the counts must be positive")
    return args


def main() -> int:
    args = parse_args()
    with workdir("hongshan-bench-events-", args.keep) as path:
        return run(args, path)


if __name__ == "__main__":
    sys.exit(main())
