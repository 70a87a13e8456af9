"""Benchmark the bureau's portfolio page (/en/manage/projects/) with a portfolio of demo scale.

In a fresh throw-away backend (SQLite in a temporary data directory, or a scratch database on
the PostgreSQL server `HONGSHAN_DATABASE_URL` names; `HONGSHAN_REDIS_URL` or an embedded
Valkey), the script first creates, in-process, P projects (200 by default) shaped like the
demo's joint labs: three partner organizations each (one Chinese, two in a Central Asian
country), a lead and a member, six milestones (done on time, done late, overdue, not yet
due), quarterly or annual reports since a start two to six periods ago (the older ones
accepted, some after a second version, the latest submitted, the current one a draft) with
indicator values. Rows are inserted in bulk: the benchmark is about reading them.

Then it starts the site as a user does (`python -m core.cli serve`), signs in as an organizer
once over HTTP (CSRF cookie and token, then the form), and C concurrent clients on one
httpx.AsyncClient (keep-alive, the organizer's session) request the portfolio until N
requests or S seconds, after a short warm-up. Printed: requests/s, p50/p90/p99/max latency
and non-200 answers, for the plain page and for a filtered, sorted page; the export's time;
and the median time of the portfolio service alone, in-process, for comparison. Only
127.0.0.1 is contacted; the load generator shares the machine's CPUs with the server.

    uv run python bench/portfolio.py [--projects P] [--requests N] [--concurrency C]
                                     [--duration S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from _server import HOST, free_port, redact, scratch_backend, server_env, start_server, stop_server
from _server import workdir as temporary_folder

PASSWORD = "bench-steppe-walnut-lantern"
ADMIN = "bureau@bench.example.org"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
PAGES = {
    "plain": "/en/manage/projects/",
    "filtered": "/en/manage/projects/?country=KZ&sort=-overdue&indicator=people_trained",
}
CENTRAL_ASIA = ("KZ", "UZ", "KG", "TJ", "TM")
FIELDS = ("biological_resources", "agriculture", "animal_husbandry", "medicine", "ecology")
KINDS = ("joint_laboratory", "research_base", "technology_transfer_centre", "pilot")


# --- the data ---------------------------------------------------------------------------------


def _translated(en: str, ru: str, zh: str) -> dict[str, Any]:
    return {"source": "zh", "text": {"zh": zh, "ru": ru, "en": en}}


async def create_portfolio(count: int, seed: int = 7) -> dict[str, int]:
    """The organizer's account and `count` projects of demo shape; returns row counts."""
    from core import passwords
    from core.accounts import create_user
    from core.migrations import migrate
    from core.tables import Organization, User
    from projects.services import reports
    from projects.services.projects import today
    from projects.tables import (
        Milestone,
        ProgressReport,
        Project,
        ProjectPartner,
        ReportVersion,
        TeamMember,
    )

    await migrate()
    rng = random.Random(seed)
    on = today()
    await create_user(ADMIN, role="admin", language="en")
    team_ids = [
        await create_user(f"team-{n:03d}@bench.example.org", role="member", language="ru")
        for n in range(40)
    ]
    await User.update({User.password_hash: passwords.hash_password(PASSWORD)}).where(
        User.email == ADMIN
    )

    organizations = []
    for code in ("CN", *CENTRAL_ASIA):
        for n in range(8):
            organizations.append(
                Organization(
                    slug=f"bench-{code.lower()}-{n}",
                    name=_translated(f"Institute {code}-{n}", f"Институт {code}-{n}", f"研究所{n}"),
                    kind="institute",
                    country=code,
                    timezone="Asia/Almaty",
                    city=_translated("City", "Город", "城市"),
                    is_public=True,
                )
            )
    await Organization.insert(*organizations)
    by_country: dict[str, list[int]] = {}
    for row in await Organization.select(Organization.id, Organization.country):
        by_country.setdefault(row["country"], []).append(row["id"])

    projects = []
    for n in range(count):
        annual = n % 4 == 0
        back = rng.randint(2, 6)
        if annual:
            starts = date(on.year - rng.randint(1, 3), 1, 1)
        else:
            index = on.year * 4 + (on.month - 1) // 3 - back
            starts = date(index // 4, index % 4 * 3 + 1, 1)
        country = CENTRAL_ASIA[n % len(CENTRAL_ASIA)]
        projects.append(
            Project(
                slug=f"bench-project-{n:03d}",
                name=_translated(
                    f"Joint laboratory {n:03d}",
                    f"Совместная лаборатория {n:03d}",
                    f"联合实验室{n:03d}",
                ),
                summary=_translated("Working together.", "Работаем вместе.", "携手合作。"),
                description=_translated("About the lab.", "О лаборатории.", "关于实验室。"),
                kind=KINDS[n % len(KINDS)],
                field=FIELDS[n % len(FIELDS)],
                countries=["CN", country],
                starts_on=starts,
                status="active" if n % 10 else "planned",
                is_public=n % 7 != 0,
                report_frequency="annual" if annual else "quarterly",
            )
        )
    await Project.insert(*projects)
    rows = await Project.select().order_by(Project.id)

    partners, members, milestones, report_rows = [], [], [], []
    for project in rows:
        country = project["countries"]
        country = country if isinstance(country, list) else json.loads(country)
        partners.append(
            ProjectPartner(
                project=project["id"], organization=rng.choice(by_country["CN"]), side="china"
            )
        )
        for organization in rng.sample(by_country[country[1]], 2):
            partners.append(
                ProjectPartner(project=project["id"], organization=organization, side="partner")
            )
        lead, member = rng.sample(team_ids, 2)
        for user, role in ((lead, "lead"), (member, "member")):
            members.append(
                TeamMember(
                    project=project["id"],
                    user=user,
                    role=role,
                    project_user=f"{project['id']}:{user}",
                )
            )
        for due, status, done in (
            (-120, "done", -125),
            (-60, "done", -61),
            (-30, "done", -22),
            (-9, "in_progress", None),
            (25, "in_progress", None),
            (80, "planned", None),
        ):
            milestones.append(
                Milestone(
                    project=project["id"],
                    title=_translated(f"Milestone {due}", f"Этап {due}", f"里程碑{due}"),
                    due_on=on + timedelta(days=due),
                    status=status,
                    percent=100 if status == "done" else rng.randint(0, 90),
                    evidence_links=[],
                    completed_on=on + timedelta(days=done) if done is not None else None,
                    version=1,
                )
            )
        periods = reports.periods(project["report_frequency"], project["starts_on"], None, on)
        for index, period in enumerate(periods):
            current = index == len(periods) - 1
            status = (
                "draft" if current else ("submitted" if index == len(periods) - 2 else "accepted")
            )
            report_rows.append(
                ProgressReport(
                    project=project["id"],
                    period=period.key,
                    period_starts_on=period.starts_on,
                    period_ends_on=period.ends_on,
                    due_on=period.due_on,
                    status=status,
                    current_version=0 if current else (2 if index % 3 == 0 else 1),
                    project_period=f"{project['id']}:{period.key}",
                )
            )
    await ProjectPartner.insert(*partners)
    await TeamMember.insert(*members)
    await Milestone.insert(*milestones)
    await ProgressReport.insert(*report_rows)

    versions = []
    for report in await ProgressReport.select(
        ProgressReport.id, ProgressReport.current_version
    ).where(ProgressReport.current_version > 0):
        for number in range(1, report["current_version"] + 1):
            versions.append(
                ReportVersion(
                    report=report["id"],
                    number=number,
                    narrative=_translated("Narrative.", "Отчёт о работе.", "工作进展。"),
                    highlight=_translated("A highlight.", "Главное.", "亮点。"),
                    indicators={
                        "papers": rng.randint(0, 4),
                        "patents_filed": rng.randint(0, 2),
                        "samples_exchanged": rng.randint(0, 150),
                        "people_trained": rng.randint(0, 30),
                        "joint_events": rng.randint(0, 3),
                        "funding_received": round(rng.uniform(0, 900), 1),
                    },
                    submitted=True,
                    report_number=f"{report['id']}:{number}",
                )
            )
    await ReportVersion.insert(*versions)
    return {
        "projects": len(rows),
        "partners": len(partners),
        "team members": len(members),
        "milestones": len(milestones),
        "reports": len(report_rows),
        "report versions": len(versions),
    }


async def service_median(repeats: int = 20) -> float:
    """The portfolio service alone (queries + figures, no HTTP, no template), median seconds."""
    from core import db
    from core.auth import load_viewer
    from core.i18n import language
    from core.tables import User
    from projects.services import portfolio

    await db.start_pool()
    try:
        admin = await User.select(User.id).where(User.email == ADMIN).first()
        viewer = await load_viewer(admin["id"])
        assert viewer is not None
        times = []
        with language("en"):
            for _ in range(repeats):
                started = time.perf_counter()
                await portfolio.portfolio(viewer, portfolio.Filters())
                times.append(time.perf_counter() - started)
    finally:
        await db.close_pool()
    return statistics.median(times)


# --- load -------------------------------------------------------------------------------------


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    size: int = 0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    def summary(self) -> str:
        rate = self.ok / self.elapsed if self.elapsed else 0.0
        others = {code: n for code, n in self.statuses.items() if code != 200}
        return (
            f"{self.ok} pages in {self.elapsed:.2f} s = {rate:.1f} requests/s; "
            f"p50 {ms(self.percentile(50))}, p90 {ms(self.percentile(90))}, "
            f"p99 {ms(self.percentile(99))}, max {ms(max(self.latencies, default=math.nan))}; "
            f"non-200: {others or 0}; page {self.size / 1024:.0f} KiB"
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def sign_in(http: httpx.AsyncClient) -> None:
    form = await http.get("/en/account/login")
    token = CSRF_FIELD.search(form.text)
    if token is None:
        raise RuntimeError("no CSRF field on the sign-in form")
    answer = await http.post(
        "/en/account/login",
        data={"email": ADMIN, "password": PASSWORD, "_csrf_token": token.group(1)},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in answered {answer.status_code}")


async def hammer(
    http: httpx.AsyncClient, path: str, concurrency: int, requests: int, duration: float
) -> Load:
    """C workers request `path` until `requests` answers or `duration` seconds."""
    load = Load()
    deadline = time.perf_counter() + duration
    issued = 0

    async def worker() -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < deadline:
            issued += 1
            started = time.perf_counter()
            try:
                response = await http.get(path)
                status = response.status_code
                load.size = len(response.content)
            except httpx.HTTPError:
                status = 0
            load.latencies.append(time.perf_counter() - started)
            load.statuses[status] = load.statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    load.elapsed = time.perf_counter() - started
    return load


async def measure(port: int, args: argparse.Namespace) -> dict[str, Any]:
    async with httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}",
        timeout=httpx.Timeout(30.0),
        limits=httpx.Limits(
            max_connections=args.concurrency, max_keepalive_connections=args.concurrency
        ),
        follow_redirects=False,
    ) as http:
        await sign_in(http)
        first = await http.get(PAGES["plain"])
        if first.status_code != 200 or "bench-project-" not in first.text:
            raise RuntimeError(f"the portfolio answered {first.status_code} without projects")
        figures: dict[str, Any] = {"charts": first.text.count('class="chart" role="img"')}
        await hammer(http, PAGES["plain"], args.concurrency, args.warmup, 10.0)
        for name, path in PAGES.items():
            figures[name] = await hammer(http, path, args.concurrency, args.requests, args.duration)
        started = time.perf_counter()
        export = await http.get("/en/manage/projects/export.xlsx")
        figures["export"] = (export.status_code, time.perf_counter() - started, len(export.content))
    return figures


# --- the benchmark ----------------------------------------------------------------------------


def run(args: argparse.Namespace, data_dir: Path) -> int:
    os.environ.setdefault("HONGSHAN_LOG_LEVEL", "WARNING")
    with scratch_backend(data_dir, f"file://{data_dir / 'mail'}") as redis_url:
        database = os.environ["HONGSHAN_DATABASE_URL"]
        print(
            f"host: {os.cpu_count()} CPUs shared by server and load generator; python "
            f"{sys.version.split()[0]}; database {redact(database)}; redis {redact(redis_url)}"
        )
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        started = time.perf_counter()
        counts = asyncio.run(create_portfolio(args.projects))
        print(
            f"setup ({time.perf_counter() - started:.1f} s): "
            + ", ".join(f"{n} {what}" for what, n in counts.items())
        )
        alone = asyncio.run(service_median())
        print(f"portfolio service alone, in-process: median of 20 = {ms(alone)}")

        env = {**server_env(data_dir), "HONGSHAN_REDIS_URL": redis_url}
        log_path = data_dir.parent / "server.log"
        port = free_port()
        process, seconds = start_server(env, port, log_path)
        try:
            print(f"server up in {seconds:.2f} s")
            figures = asyncio.run(measure(port, args))
        finally:
            stop_server(process)

    print(
        f"GET /en/manage/projects/ as an organizer, {args.concurrency} concurrent clients, "
        f"{figures['charts']} charts per page:"
    )
    for name, path in PAGES.items():
        print(f"  {name:<9}{path}")
        print(f"           {figures[name].summary()}")
    status, took, size = figures["export"]
    print(f"  export.xlsx: {status} in {ms(took)} ({size / 1024:.0f} KiB)")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0 if all(figures[name].ok for name in PAGES) and status == 200 else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=200, help="projects (200)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per page (2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per page (20)")
    parser.add_argument("--warmup", type=int, default=40, help="warm-up requests (40)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and server log")
    args = parser.parse_args()
    if min(args.projects, args.requests, args.concurrency) < 1 or args.duration <= 0:
        parser.error("--projects, --requests, --concurrency and --duration must be positive")
    return args


def main() -> int:
    args = parse_args()
    with temporary_folder("hongshan-bench-portfolio-", args.keep) as path:
        return run(args, path / "data")


if __name__ == "__main__":
    sys.exit(main())
