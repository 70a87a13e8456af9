"""Benchmark search (core.search) over a generated index of 100,000 items.

In a fresh throw-away backend (SQLite in a temporary data directory, or a scratch database on
the PostgreSQL server `HONGSHAN_DATABASE_URL` names), the script writes N documents (100,000
by default) straight into the index, in bulk: events, sessions, speakers, projects, partners
and news in one or two of zh, ru, kk, en, with titles and bodies drawn from word pools (a few
hundred made-up words per language plus the real words the queries look for, each in a few
per cent of the documents), a tenth of them private to a project team. Then it runs a mix
of queries through the search service in-process — two Chinese characters, longer Chinese,
an inflected Russian word, a Kazakh word form, a Cyrillic name typed in Latin letters, two
English words — as the public and as a signed-in team member, and prints p50/p90/p99/max
per query and overall, against the target p99 < 50 ms.

    uv run python bench/search.py [--documents N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _server import redact, scratch_backend
from _server import workdir as temporary_folder

TARGET_P99_S = 0.050
KINDS = ("event", "session", "speaker", "project", "partner", "news")
REAL = {
    "zh": ["圆桌会议", "联合实验室", "丝路", "科技合作", "生物资源", "农业", "新能源", "技术转移"],
    "ru": ["лаборатория", "конференция", "сотрудничество", "технологии", "форум", "энергетика"],
    "kk": ["зертхана", "ынтымақтастық", "жаңалықтар", "технология", "ғалымдар", "форумы"],
    "en": ["laboratory", "conference", "cooperation", "water", "energy", "roadshow"],
}
NAMES = ["Фарход Рахимов", "Айгуль Сериккызы", "Нурлан Абенов", "Бахтиёр Юсупов"]
QUERIES = {
    "zh, two characters": "丝路",
    "zh, four characters": "联合实验",
    "ru, inflected": "лабораторией",
    "kk, word form": "зертханалары",
    "Latin spelling of a name": "Rakhimov",
    "en, two words": "water energy",
}
CJK = [chr(code) for code in range(0x4E00, 0x4E00 + 600)]
LETTERS = {
    "ru": "абвгдежзиклмнопрстуфхцчшэюя",
    "kk": "абвгдежзиклмнопрстуфхшыіәғқңөұүһ",
    "en": "abcdefghijklmnopqrstuvwxyz",
}


def _pool(rng: random.Random, lang: str, size: int = 400) -> list[str]:
    if lang == "zh":
        return ["".join(rng.choices(CJK, k=rng.randint(2, 4))) for _ in range(size)]
    letters = LETTERS[lang]
    return ["".join(rng.choices(letters, k=rng.randint(4, 10))) for _ in range(size)]


def _text(rng: random.Random, lang: str, pool: list[str], words: int) -> str:
    chosen = [
        rng.choice(REAL[lang]) if rng.random() < 0.03 else rng.choice(pool) for _ in range(words)
    ]
    return ("" if lang == "zh" else " ").join(chosen)


def documents(count: int, seed: int = 11) -> list[Any]:
    from core.hooks import SearchDocument

    rng = random.Random(seed)
    pools = {lang: _pool(rng, lang) for lang in REAL}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    out = []
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        languages = rng.sample(list(REAL), k=rng.choice((1, 2)))
        title = {lang: _text(rng, lang, pools[lang], rng.randint(3, 6)) for lang in languages}
        if kind == "speaker" and rng.random() < 0.05:
            title = {"ru": rng.choice(NAMES)}
            languages = ["ru"]
        body = {lang: _text(rng, lang, pools[lang], rng.randint(15, 40)) for lang in languages}
        private = rng.random() < 0.1
        out.append(
            SearchDocument(
                kind=kind,
                object_id=number,
                path=f"{kind}s/{number}/",
                title=title,
                body=body,
                public=not private,
                readers=(f"user:{rng.randint(1, 50)}",) if private else (),
                sort_at=start + timedelta(minutes=number),
            )
        )
    return out


async def build(count: int) -> int:
    from core.migrations import migrate
    from core.search import index

    await migrate()
    written = 0
    batch = 2000
    generated = documents(count)
    for offset in range(0, len(generated), batch):
        written += await index.replace([], generated[offset : offset + batch])
    return written


async def measure(rounds: int) -> dict[str, list[float]]:
    from core import db
    from core.access import ANONYMOUS, Viewer
    from core.search import queries

    await db.start_pool()
    member = Viewer(id=7, email="member@bench.example.org", role="member")
    timings: dict[str, list[float]] = {label: [] for label in QUERIES}
    found: dict[str, int] = {}
    try:
        for label, query in QUERIES.items():  # warm-up, and what each query finds
            found[label] = (await queries.search(ANONYMOUS, query, lang="en")).total
        for _round in range(rounds):
            for label, query in QUERIES.items():
                for viewer in (ANONYMOUS, member):
                    started = time.perf_counter()
                    await queries.search(viewer, query, lang="ru")
                    timings[label].append(time.perf_counter() - started)
    finally:
        await db.close_pool()
    for label, total in found.items():
        print(f"  {label:<26} {QUERIES[label]!r:<18} finds {total} objects")
    return timings


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _line(values: list[float]) -> str:
    return (
        f"n={len(values)} p50={1000 * statistics.median(values):.1f} ms "
        f"p90={1000 * _quantile(values, 0.9):.1f} ms p99={1000 * _quantile(values, 0.99):.1f} ms "
        f"max={1000 * max(values):.1f} ms"
    )


def run(args: argparse.Namespace, data_dir: Path) -> int:
    os.environ.setdefault("HONGSHAN_LOG_LEVEL", "WARNING")
    with scratch_backend(data_dir, f"file://{data_dir / 'mail'}"):
        print(
            f"host: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; "
            f"database {redact(os.environ['HONGSHAN_DATABASE_URL'])}"
        )
        started = time.perf_counter()
        rows = asyncio.run(build(args.documents))
        print(f"setup ({time.perf_counter() - started:.1f} s): {args.documents} items, {rows} rows")
        timings = asyncio.run(measure(args.rounds))
    for label, values in timings.items():
        print(f"  {label:<26} {_line(values)}")
    everything = [value for values in timings.values() for value in values]
    p99 = _quantile(everything, 0.99)
    verdict = "meets" if p99 < TARGET_P99_S else "MISSES"
    print(f"all queries: {_line(everything)} — {verdict} the target p99 < 50 ms")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000, help="items (100000)")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of all queries (20)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()
    with temporary_folder("hongshan-bench-search-", args.keep) as path:
        return run(args, path / "data")


if __name__ == "__main__":
    sys.exit(main())
