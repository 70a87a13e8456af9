"""Roadshow figures: automatic assignment of 500 submissions to 40 reviewers (3 each), the
ranking of 500 submissions with 1,500 reviews, and the meeting scheduler for 300 meetings in
60 slots × 30 tables. These are the pure rules the pages call, timed in this process.

Run: `uv run python bench/roadshows.py` (the target is under a second each).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from events.roadshows.services.ranking import rank
from events.roadshows.services.review import Candidate, plan_assignments
from events.roadshows.services.scheduler import Slot, Wanted, schedule

WEIGHTS = {"innovation": 30, "market": 30, "team": 20, "fit": 20}


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"{label}: {(time.perf_counter() - started) * 1000:.1f} ms")
    return result


def main() -> None:
    rng = random.Random(12)
    organizations = list(range(1, 81))
    reviewers = [Candidate(1000 + n, frozenset(rng.sample(organizations, 1))) for n in range(40)]
    submissions = [(n, rng.choice(organizations)) for n in range(500)]
    declared = {(r.id, rng.choice(organizations)) for r in reviewers}
    pairs = timed(
        "assignment, 500 submissions × 40 reviewers, 3 each",
        lambda: plan_assignments(submissions, reviewers, declared, [], 3),
    )
    loads = [sum(1 for _s, r in pairs if r == c.id) for c in reviewers]
    print(f"  {len(pairs)} reviews, load per reviewer {min(loads)}–{max(loads)}")

    rows = [{"id": n} for n, _org in submissions]
    reviews = [
        {"submission": s, "done": True, "scores": {k: rng.randint(0, 10) for k in WEIGHTS}}
        for s, _r in pairs
    ]
    ranked = timed("ranking, 500 submissions, 1,500 reviews", lambda: rank(rows, reviews, WEIGHTS))
    print(f"  {sum(1 for r in ranked if r.flagged)} flagged for a wide spread")

    start = datetime(2026, 9, 15, 3, 0, tzinfo=UTC)
    slots = [Slot(start + timedelta(minutes=20 * n), 30) for n in range(60)]
    investors = [f"user:{n}" for n in range(120)]
    teams = [f"submission:{n}" for n in range(60)]
    chosen: set[tuple[str, str]] = set()
    while len(chosen) < 300:
        chosen.add((rng.choice(investors), rng.choice(teams)))
    wanted = [Wanted(i, pair, rng.randint(1, 3)) for i, pair in enumerate(sorted(chosen))]
    unavailable = {
        party: {s.starts_at for s in slots if rng.random() < 0.3} for party in investors + teams
    }
    plan = timed(
        "scheduler, 300 meetings in 60 slots × 30 tables",
        lambda: schedule(wanted, slots, unavailable),
    )
    print(f"  {len(plan.placed)} placed, {len(plan.unplaced)} left out")


if __name__ == "__main__":
    main()
