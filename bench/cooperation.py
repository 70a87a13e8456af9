"""Benchmark the cooperation board's two heavy paths, in-process, on a throw-away backend
(SQLite in a temporary data directory, or a scratch database on the PostgreSQL server
`HONGSHAN_DATABASE_URL` names; `HONGSHAN_REDIS_URL` or an embedded Valkey):

1. Matching one demand against O published offers (10,000 by default), written in Chinese,
   Russian, Kazakh or English from a vocabulary of the board's subjects: the first call
   (which builds the in-memory index from the rows) and then the median and worst of D
   different demands with the index warm — each call includes the query that checks the
   index is still current, ranking, explaining, and reading the suggested rows.
2. A full weekly digest run for S subscribers (5,000 by default) with 300 profiles published
   in the week, and the same run again (which must queue nothing).

Targets: a warm match under 200 ms; a digest run under 60 s. Wall-clock times on a machine
shared with other work include waiting for the CPU, so the process's own CPU time is printed
beside them.

    uv run python bench/cooperation.py [--offers O] [--subscribers S] [--demands D]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _server import redact, scratch_backend
from _server import workdir as temporary_folder

FILLER = {
    "zh": [
        "技术",
        "系统",
        "研究",
        "应用",
        "示范",
        "推广",
        "高效",
        "低成本",
        "工艺",
        "设备",
        "平台",
        "材料",
    ],
    "ru": [
        "технология",
        "система",
        "внедрение",
        "эффективный",
        "оборудование",
        "разработка",
        "метод",
        "производство",
    ],
    "kk": ["технология", "жүйе", "енгізу", "тиімді", "жабдық", "әзірлеу", "әдіс", "өндіріс"],
    "en": [
        "technology",
        "system",
        "deployment",
        "efficient",
        "equipment",
        "development",
        "method",
        "production",
    ],
}
FIELDS = ("water", "agriculture", "animal_husbandry", "medicine", "ecology", "energy", "materials")
CITIES = {
    "urumqi": "CN",
    "almaty": "KZ",
    "astana": "KZ",
    "tashkent": "UZ",
    "bishkek": "KG",
    "dushanbe": "TJ",
}
DIGEST_RUN_ON = date(2026, 12, 7)  # a Monday: the digest covers 30 November – 6 December
IN_WEEK = datetime(2026, 12, 1, 3, tzinfo=UTC)


def _text(rng: random.Random, lang: str, concepts: list[str], words: int) -> str:
    from cooperation.services.lexicon import CONCEPTS

    parts = [rng.choice(CONCEPTS[key][lang]) for key in concepts]
    parts += [rng.choice(FILLER[lang]) for _ in range(words)]
    rng.shuffle(parts)
    return ("" if lang == "zh" else " ").join(parts)


def _profile(rng: random.Random, kind: str, organization: int, number: int) -> dict[str, Any]:
    from cooperation.services import matching
    from cooperation.services.lexicon import CONCEPTS

    lang = rng.choice(("zh", "zh", "ru", "kk", "en"))
    concepts = rng.sample(sorted(CONCEPTS), 3)
    titles = {lang: _text(rng, lang, concepts[:2], 2)}
    if rng.random() < 0.3:  # some are translated
        other = rng.choice([x for x in FILLER if x != lang])
        titles[other] = _text(rng, other, concepts[:2], 2)
    city = rng.choice(sorted(CITIES))
    values = {
        "kind": kind,
        "organization": organization,
        "title": {"source": lang, "text": titles},
        "description": {"source": lang, "text": {lang: _text(rng, lang, concepts, 12)}},
        "partner_wanted": {"source": lang, "text": {}},
        "field": rng.choice(FIELDS),
        "city": city,
        "country": CITIES[city],
        "partner_kinds": [],
        "licensing": ["licence"] if kind == "offer" else [],
        "licensing_keys": "|licence|" if kind == "offer" else "",
        "trl": rng.randint(1, 9) if kind == "offer" else None,
        "images": [],
        "status": "published",
        "published_at": IN_WEEK if number < 300 else IN_WEEK - timedelta(days=30),
        "contact_name": "Bench",
        "contact_email": f"bench{number}@example.org",
    }
    values["terms"] = matching.features(values)
    return values


async def create_board(offers: int, demands: int, subscribers: int) -> list[dict[str, Any]]:
    from cooperation.tables import Profile, Subscription
    from core.migrations import migrate
    from core.tables import Organization

    await migrate()
    rng = random.Random(17)
    organizations = []
    for number in range(100):
        row = Organization(
            slug=f"bench-{number}",
            name={"source": "en", "text": {"en": f"Org {number}"}},
            kind="company",
            country="KZ",
            city={"source": "en", "text": {"en": "Almaty"}},
        )
        await row.save()
        organizations.append(row.id)
    rows = [_profile(rng, "offer", rng.choice(organizations), n) for n in range(offers)]
    for start in range(0, len(rows), 500):
        await Profile.insert(*[Profile(**values) for values in rows[start : start + 500]])
    queries = [
        _profile(rng, "demand", rng.choice(organizations), offers + n) for n in range(demands)
    ]
    await Subscription.insert(
        *[
            Subscription(
                email=f"reader{n}@bench.example.org",
                language=rng.choice(("zh", "ru", "kk", "en")),
                fields=rng.sample(FIELDS, rng.randint(0, 3)),
                countries=[],
                frequency="weekly",
                token=f"bench-token-{n}",
            )
            for n in range(subscribers)
        ]
    )
    for number, query in enumerate(queries):
        query["id"] = -1 - number
    return queries


async def measure(args: argparse.Namespace, redis_url: str) -> dict[str, Any]:
    from cooperation.services import digest, public
    from core import jobqueue

    figures: dict[str, Any] = {}
    started = time.perf_counter()
    queries = await create_board(args.offers, args.demands, args.subscribers)
    figures["setup"] = time.perf_counter() - started

    started = time.perf_counter()
    first = await public.suggestions(queries[0], limit=10)
    figures["cold"] = time.perf_counter() - started
    times, cpu = [], []
    found = []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        found.append(await public.suggestions(query, limit=10))
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    figures["warm"] = times
    figures["warm_cpu"] = cpu
    figures["found"] = statistics.mean(len(f) for f in found)
    figures["example"] = first[0].match if first else None

    await jobqueue.open_queue(redis_url)
    try:
        started, started_cpu = time.perf_counter(), time.process_time()
        figures["digest_sent"] = await digest.send_digests("weekly", DIGEST_RUN_ON)
        figures["digest"] = time.perf_counter() - started
        figures["digest_cpu"] = time.process_time() - started_cpu
        started = time.perf_counter()
        figures["rerun_sent"] = await digest.send_digests("weekly", DIGEST_RUN_ON)
        figures["rerun"] = time.perf_counter() - started
    finally:
        await jobqueue.close_queue()
    return figures


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def run(args: argparse.Namespace, data_dir: Path) -> int:
    os.environ.setdefault("HONGSHAN_LOG_LEVEL", "WARNING")
    with scratch_backend(data_dir, f"file://{data_dir / 'mail'}") as redis_url:
        print(
            f"host: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; "
            f"database {redact(os.environ['HONGSHAN_DATABASE_URL'])}; redis {redact(redis_url)}"
        )
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        figures = asyncio.run(measure(args, redis_url))
    warm = sorted(figures["warm"])
    print(
        f"setup: {args.offers} offers, {args.subscribers} subscribers in {figures['setup']:.1f} s"
    )
    print(
        f"matching one demand against {args.offers} offers "
        f"(asking for 10 suggestions, {figures['found']:.1f} found on average):"
    )
    print(f"  first call, index built from the rows: {ms(figures['cold'])}")
    print(
        f"  warm, {len(warm)} demands: median {ms(statistics.median(warm))}, "
        f"p90 {ms(warm[int(len(warm) * 0.9) - 1])}, max {ms(warm[-1])}; "
        f"CPU time of this process: median {ms(statistics.median(figures['warm_cpu']))}"
    )
    best = figures["example"]
    if best is not None:
        print(
            f"  best match of the first demand: score {best.score:.2f} (text {best.text:.2f}, "
            f"same field: {best.same_field}, region: {best.region or '-'}), "
            f"concepts {list(best.concepts)}, shared n-grams {list(best.terms[:8])}"
        )
    print(
        f"weekly digest for {args.subscribers} subscribers: {figures['digest_sent']} mails "
        f"queued in {figures['digest']:.1f} s ({figures['digest_cpu']:.1f} s CPU in this process, "
        f"the rest the database and Redis); the rerun queued {figures['rerun_sent']} "
        f"in {ms(figures['rerun'])}"
    )
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    ok = statistics.median(warm) < 0.2 and figures["digest"] < 60 and figures["rerun_sent"] == 0
    return 0 if ok else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=10_000, help="published offers (10000)")
    parser.add_argument("--subscribers", type=int, default=5_000, help="subscribers (5000)")
    parser.add_argument("--demands", type=int, default=20, help="demands matched warm (20)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    with temporary_folder("hongshan-bench-cooperation-", args.keep) as folder:
        return run(args, folder / "data")


if __name__ == "__main__":
    sys.exit(main())
