"""The meeting scheduler, on randomised calls: nobody is in two places at once, no table
holds two meetings, nobody meets in a slot they cannot attend, placed meetings stay put,
and a meeting is left out only when no slot could take it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from events.roadshows.services.scheduler import Slot, Wanted, schedule

START = datetime(2026, 9, 15, 3, 0, tzinfo=UTC)


def _world(rng: random.Random):
    slots = [
        Slot(START + timedelta(minutes=20 * n), rng.randint(1, 4))
        for n in range(rng.randint(1, 10))
    ]
    investors = [f"user:{n}" for n in range(rng.randint(1, 12))]
    teams = [f"submission:{n}" for n in range(rng.randint(1, 10))]
    pairs = {(rng.choice(investors), rng.choice(teams)) for _ in range(rng.randint(0, 60))}
    wanted = [Wanted(i, pair, rng.randint(1, 3)) for i, pair in enumerate(sorted(pairs))]
    unavailable = {
        party: {s.starts_at for s in slots if rng.random() < 0.25} for party in investors + teams
    }
    return slots, wanted, unavailable


def _check(slots, wanted, unavailable, fixed, plan) -> None:
    everything = {**fixed, **plan.placed}
    assert set(everything) | set(plan.unplaced) == {m.id for m in wanted}
    assert not set(plan.placed) & set(plan.unplaced)
    tables = {s.starts_at: s.tables for s in slots}
    seen_party: set[tuple[datetime, str]] = set()
    seen_table: set[tuple[datetime, int]] = set()
    by_id = {m.id: m for m in wanted}
    for meeting_id, (at, table) in everything.items():
        assert 1 <= table <= tables[at]
        assert (at, table) not in seen_table, "a table holds two meetings at once"
        seen_table.add((at, table))
        for party in by_id[meeting_id].parties:
            assert (at, party) not in seen_party, f"{party} is in two places at once"
            seen_party.add((at, party))
            if meeting_id not in fixed:
                assert at not in unavailable.get(party, set()), "placed when unavailable"
    for meeting_id in plan.unplaced:  # left out only when nothing could take it
        meeting = by_id[meeting_id]
        for slot in slots:
            at = slot.starts_at
            free_table = sum(1 for (when, _t) in seen_table if when == at) < slot.tables
            both_free = all(
                (at, p) not in seen_party and at not in unavailable.get(p, set())
                for p in meeting.parties
            )
            assert not (free_table and both_free), "a meeting was left out that fits"


def test_no_double_booking_and_availability_respected_on_random_calls() -> None:
    for seed in range(300):
        rng = random.Random(seed)
        slots, wanted, unavailable = _world(rng)

        plan = schedule(wanted, slots, unavailable)

        _check(slots, wanted, unavailable, {}, plan)


def test_meetings_already_placed_stay_where_they_are() -> None:
    for seed in range(100):
        rng = random.Random(1000 + seed)
        slots, wanted, unavailable = _world(rng)
        first = schedule(wanted, slots, unavailable)
        fixed = dict(list(first.placed.items())[: len(first.placed) // 2])
        more = [*wanted, Wanted(10_000, ("user:new", "submission:0"), 1)]

        plan = schedule(more, slots, unavailable, fixed)

        assert not set(fixed) & set(plan.placed)
        _check(slots, more, unavailable, fixed, plan)


def test_when_there_is_room_every_meeting_is_placed() -> None:
    slots = [Slot(START + timedelta(minutes=20 * n), 3) for n in range(4)]
    wanted = [Wanted(i, (f"user:{i % 3}", f"submission:{i // 3}")) for i in range(12)]

    plan = schedule(wanted, slots, {})

    assert plan.unplaced == [] and len(plan.placed) == 12


def test_a_repair_step_moves_a_meeting_to_make_room() -> None:
    early, late = START, START + timedelta(minutes=20)
    slots = [Slot(early, 1), Slot(late, 1)]
    flexible = Wanted(1, ("user:a", "submission:x"), priority=1)
    only_early = Wanted(2, ("user:b", "submission:y"), priority=2)
    unavailable = {"user:b": {late}}

    plan = schedule([flexible, only_early], slots, unavailable)

    assert plan.unplaced == []
    assert plan.placed[2][0] == early and plan.placed[1][0] == late
