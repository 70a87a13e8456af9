"""Benchmark delegations: visa letters rendered per second, and the time to build the rooming
list and the XLSX exports for 1,000 delegates.

A fresh temporary data directory, the app's own migrations, and one event with N delegates
(default 1,000) in delegations of 50, every member with sealed passport data, travel, a hotel
and a room, as the services store them. Printed:
- letters: the worker's path for L letters (default 200): decrypt the passport data, render the
  PDF (fpdf2, embedded font subsets), seal and store it — letters per second; and the PDF
  rendering alone;
- the rooming list: reading the event's delegates and grouping them by hotel and room;
- XLSX: the rooming list, the arrivals board and the full members list (which opens every
  sealed passport number and date of birth) as workbooks;
- name badges: the PDF sheet for every delegate.

By default it runs on SQLite (in the data dir) with an embedded Valkey on a Unix socket;
`HONGSHAN_DATABASE_URL=postgresql://…` runs it in a throw-away database on that server.

    uv run python bench/delegations.py [--delegates N] [--letters L] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PER_DELEGATION = 50


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


def timed(label: str, started: float, count: int | None = None, unit: str = "") -> float:
    elapsed = time.perf_counter() - started
    rate = f" = {count / elapsed:.1f} {unit}/s" if count else ""
    print(f"{label}: {elapsed:.3f} s{rate}")
    return elapsed


async def setup(delegates: int) -> tuple:
    from core.access import Viewer
    from core.accounts import create_user
    from core.content import Translated
    from core.tables import Organization
    from events.delegations.services import hotels, member_form, members, opening, records
    from events.delegations.tables import Delegation
    from events.tables import Event

    starts = datetime.now(UTC) + timedelta(days=30)
    event = Event(
        slug="bench-conference",
        kind="conference",
        status="registration_open",
        title=Translated.of("zh", zh="跨区域协同创新年会", ru="Ежегодная конференция").dump(),
        summary=Translated.of("en", en="-").dump(),
        description=Translated.of("en", en="-").dump(),
        venue=Translated.of("zh", zh="乌鲁木齐国际会展中心", en="Urumqi Expo Center").dump(),
        city=Translated.of("zh", zh="乌鲁木齐", ru="Урумчи", en="Urumqi").dump(),
        timezone="Asia/Urumqi",
        starts_at=starts,
        ends_at=starts + timedelta(days=2),
    )
    await event.save()
    office_org = Organization(
        slug="urumqi-fao",
        kind="government",
        country="CN",
        name=Translated.of("zh", zh="乌鲁木齐市人民政府外事办公室", ru="УВС Урумчи").dump(),
        city=Translated.of("zh", zh="乌鲁木齐").dump(),
    )
    await office_org.save()
    user = await create_user(
        "fao@bench.example", role="fao", name="李娜", password=None, organization_id=office_org.id
    )
    office = Viewer(id=user, role="fao", name="李娜", organization_ids=frozenset({office_org.id}))
    row = (await Event.select().where(Event.id == event.id))[0]
    zone = ZoneInfo(row["timezone"])
    arrival = (row["starts_at"] - timedelta(days=1)).astimezone(zone)
    departure = (row["ends_at"] + timedelta(days=1)).astimezone(zone)
    ids = []
    for number in range(0, delegates, PER_DELEGATION):
        organization = Organization(
            slug=f"city-{number}",
            kind="partner_city",
            country="KZ",
            name=Translated.of("ru", ru=f"Город {number}", zh=f"城市{number}").dump(),
            city=Translated.of("ru", ru=f"Город {number}").dump(),
        )
        await organization.save()
        delegation_id = await opening.open_delegation(office, row["slug"], organization.id)
        delegation = await records.get(delegation_id)
        cleaned = []
        for index in range(number, min(number + PER_DELEGATION, delegates)):
            data = {
                "name_native": f"Айгүл Серікқызы Қасымова {index}",
                "name_latin": f"KASSYMOVA AIGUL {index}",
                "name_zh": "艾古丽",
                "gender": "fm"[index % 2],
                "date_of_birth": f"19{60 + index % 40}-03-14",
                "nationality": "KZ",
                "passport_number": f"N{10_000_000 + index}",
                "passport_expires": (row["ends_at"] + timedelta(days=1500)).date().isoformat(),
                "job_title": "Заместитель акима",
                "organization_name": "Акимат",
                "languages": ["kk", "ru"],
                "interpreter_language": ("ru", "uz", "")[index % 3],
                "diet": ("halal", "vegetarian", "")[index % 3],
                "arrival_at": (arrival + timedelta(minutes=10 * (index % 60))).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "arrival_transport": "flight",
                "arrival_number": f"KC{800 + index % 12}",
                "arrival_place": (
                    "Urumqi Tianshan International Airport (URC)",
                    "Urumqi Railway Station",
                )[index % 2],
                "departure_at": departure.strftime("%Y-%m-%dT%H:%M"),
                "departure_transport": "flight",
                "departure_number": "KC854",
                "departure_place": "Urumqi Tianshan International Airport (URC)",
                "needs_letter": "yes",
                "is_head": "yes" if index == number else "",
            }
            cleaned.append(member_form.clean_member(data, row))
        await members.save_members_batch(office, delegation, cleaned)
        await hotels.set_rooms(
            office,
            delegation,
            {
                member["id"]: (f"Hotel {n % 3}", str(1000 + n // 2))
                for n, member in enumerate(await records.members(delegation_id))
            },
        )
        await Delegation.update({Delegation.status: "approved"}).where(
            Delegation.id == delegation_id
        )
        ids.append(delegation_id)
    return office, row, ids


async def bench(args: argparse.Namespace, redis_url: str) -> None:
    from core import db, jobqueue
    from core.content import Translated
    from core.migrations import migrate
    from core.settings import get_settings
    from core.spreadsheets import xlsx_bytes
    from events.delegations.services import boards, documents, hotels, letters, members, records
    from events.delegations.services import sheets as board_sheets
    from events.delegations.tables import VisaLetter

    await migrate()
    await db.start_pool()
    await jobqueue.open_queue(redis_url)
    try:
        print(
            f"tool: fpdf2 {version('fpdf2')}, openpyxl {version('openpyxl')}, "
            f"cryptography {version('cryptography')} (AES-256-GCM)"
        )
        print(
            f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
            f"python {platform.python_version()}; database "
            f"{'postgresql' if not get_settings().is_sqlite else 'sqlite'}"
        )
        started = time.perf_counter()
        office, event, ids = await setup(args.delegates)
        timed(f"setup: {args.delegates} delegates in {len(ids)} delegations", started)

        # Letters: the worker's path (decrypt, render, seal, store) for L letters.
        wanted = ids[: max(1, -(-args.letters // PER_DELEGATION))]
        for delegation_id in wanted:
            delegation = await records.get(delegation_id)
            await letters.issue_letters(
                office, delegation, {"signatory_name": "李娜", "signatory_title": "主任"}
            )
        pending = await VisaLetter.count().where(VisaLetter.status == "pending")
        started = time.perf_counter()
        rendered = 0
        for delegation_id in wanted:
            rendered += await letters.render_letters(delegation_id)
        timed(f"letters (worker path) {rendered} of {pending}", started, rendered, "letters")
        first = (await VisaLetter.select().limit(1))[0]
        data = await letters.letter_data(first)
        started = time.perf_counter()
        for _ in range(50):
            documents.visa_letter_pdf(data)
        timed("letters (PDF rendering alone) 50", started, 50, "letters")

        started = time.perf_counter()
        rows = await boards.board_members(event["id"])
        found, homeless = hotels.rooming(rows)
        timed(
            f"rooming list: {len(rows)} delegates, {len(found)} hotels, "
            f"{sum(len(h.rooms) for h in found)} rooms",
            started,
        )
        started = time.perf_counter()
        rooming = xlsx_bytes(board_sheets.rooming_sheets(rows, event))
        timed(f"rooming list XLSX ({len(rooming) // 1024} KiB)", started)
        started = time.perf_counter()
        arrivals = xlsx_bytes(board_sheets.arrival_sheets(rows, event))
        timed(f"arrivals XLSX ({len(arrivals) // 1024} KiB)", started)
        started = time.perf_counter()
        people = xlsx_bytes([board_sheets.members_sheet(rows, event, members.in_clear)])
        timed(f"members XLSX with passports opened ({len(people) // 1024} KiB)", started)
        started = time.perf_counter()
        cards = [
            documents.BadgeData(
                name_native=r["name_native"],
                name_zh=r["name_zh"],
                name_latin=r["name_latin"],
                organization=r["organization_name"],
                is_head=r["is_head"],
                second_language="ru",
                code=f"code-{r['id']:020d}",
            )
            for r in rows
        ]
        badges = documents.badges_pdf(Translated.load(event["title"]), cards)
        timed(f"badges PDF, {len(rows)} badges ({len(badges) // 1024} KiB)", started)
        assert not homeless
    finally:
        await jobqueue.close_queue()
        await db.close_pool()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delegates", type=int, default=1000, help="delegates (1000)")
    parser.add_argument("--letters", type=int, default=200, help="letters to render (200)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args()
    if args.delegates < 1 or args.letters < 1:
        parser.error("--delegates and --letters must be positive")

    workdir = Path(tempfile.mkdtemp(prefix="hongshan-bench-delegations-"))
    data_dir = workdir / "data"
    server_db = os.environ.get("HONGSHAN_DATABASE_URL", "")
    bench_db = f"hongshan_bench_{uuid.uuid4().hex[:10]}"
    os.environ["HONGSHAN_DATA_DIR"] = str(data_dir)
    os.environ["HONGSHAN_MAIL_URL"] = f"file://{data_dir / 'mail'}"
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
        asyncio.run(bench(args, redis_url))
    finally:
        if embedded is not None:
            embedded.stop()
        if server_db.startswith("postgres"):
            asyncio.run(postgres(server_db, f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)'))
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
