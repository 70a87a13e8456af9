"""Placing accepted 1:1 meetings into meeting slots × tables.

The rules: no party (an investor, or a pitching team) is in two meetings in one slot; no
table holds two meetings in one slot; nobody is given a slot they marked unavailable.
Meetings already placed (by an earlier run, or moved by an organizer) stay where they are.

The plan: the most constrained meetings first (higher priority, then fewer slots both sides
can attend), each into the earliest slot where both sides are free and a table is; then, for
each meeting left over, one repair step — move a meeting that blocks one side into another
slot, if that frees a slot for both. Pure functions over plain values: no database here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    tables: int


@dataclass(frozen=True)
class Wanted:
    """A meeting to place: its id, its two parties ("user:5", "submission:9"), priority
    (1 high … 3 low)."""

    id: int
    parties: tuple[str, str]
    priority: int = 2


@dataclass
class Plan:
    placed: dict[int, tuple[datetime, int]] = field(default_factory=dict)  # id → (slot, table)
    unplaced: list[int] = field(default_factory=list)


class _Board:
    """Who and which tables are taken in each slot."""

    def __init__(self, slots: list[Slot], unavailable: dict[str, set[datetime]]) -> None:
        self.slots = sorted(slots, key=lambda slot: slot.starts_at)
        self.tables = {slot.starts_at: slot.tables for slot in self.slots}
        self.unavailable = unavailable
        self.busy: dict[datetime, set[str]] = {slot.starts_at: set() for slot in self.slots}
        self.used: dict[datetime, set[int]] = {slot.starts_at: set() for slot in self.slots}
        self.where: dict[int, tuple[datetime, int]] = {}

    def can_attend(self, meeting: Wanted, at: datetime) -> bool:
        return all(at not in self.unavailable.get(party, ()) for party in meeting.parties)

    def fits(self, meeting: Wanted, at: datetime) -> bool:
        return (
            at in self.busy
            and self.can_attend(meeting, at)
            and not any(party in self.busy[at] for party in meeting.parties)
            and len(self.used[at]) < self.tables[at]
        )

    def put(self, meeting: Wanted, at: datetime, table: int | None = None) -> None:
        if table is None:
            table = next(n for n in range(1, self.tables[at] + 1) if n not in self.used[at])
        self.busy[at].update(meeting.parties)
        self.used[at].add(table)
        self.where[meeting.id] = (at, table)

    def take(self, meeting: Wanted) -> None:
        at, table = self.where.pop(meeting.id)
        self.busy[at].difference_update(meeting.parties)
        self.used[at].discard(table)

    def first_fit(self, meeting: Wanted) -> datetime | None:
        return next((s.starts_at for s in self.slots if self.fits(meeting, s.starts_at)), None)


def schedule(
    wanted: Iterable[Wanted],
    slots: list[Slot],
    unavailable: dict[str, set[datetime]],
    fixed: dict[int, tuple[datetime, int]] | None = None,
) -> Plan:
    """Place every meeting of `wanted` it can; `fixed` meetings (id → slot, table) keep
    their places and must be in `wanted` too."""
    meetings = {meeting.id: meeting for meeting in wanted}
    board = _Board(slots, unavailable)
    for meeting_id, (at, table) in (fixed or {}).items():
        if meeting_id in meetings and at in board.busy:
            board.put(meetings[meeting_id], at, table)
    open_ = [m for m in meetings.values() if m.id not in board.where]
    options = {m.id: sum(1 for s in board.slots if board.can_attend(m, s.starts_at)) for m in open_}
    open_.sort(key=lambda m: (m.priority, options[m.id], m.id))
    plan = Plan()
    left: list[Wanted] = []
    for meeting in open_:
        at = board.first_fit(meeting)
        if at is None:
            left.append(meeting)
        else:
            board.put(meeting, at)
    movable = {m.id for m in open_}
    left = [m for m in left if not _repair(board, m, meetings, movable)]
    # A repair may have freed a slot for a meeting left out before it: place what now fits.
    for meeting in left:
        at = board.first_fit(meeting)
        if at is None:
            plan.unplaced.append(meeting.id)
        else:
            board.put(meeting, at)
    plan.placed = {k: v for k, v in board.where.items() if k not in (fixed or {})}
    return plan


def _repair(board: _Board, meeting: Wanted, meetings: dict[int, Wanted], movable: set) -> bool:
    """Try each slot the meeting's parties can attend: move the one meeting there that
    blocks it (one of its parties, or the last table) elsewhere, then place it."""
    for slot in board.slots:
        at = slot.starts_at
        if not board.can_attend(meeting, at):
            continue
        blockers = [
            meetings[mid]
            for mid, (where, _table) in board.where.items()
            if where == at
            and mid in movable
            and (set(meetings[mid].parties) & set(meeting.parties) or not _table_free(board, at))
        ]
        for blocker in blockers:
            board.take(blocker)
            if board.fits(meeting, at):
                board.put(meeting, at)
                other = next(
                    (
                        s.starts_at
                        for s in board.slots
                        if s.starts_at != at and board.fits(blocker, s.starts_at)
                    ),
                    None,
                )
                if other is not None:
                    board.put(blocker, other)
                    return True
                board.take(meeting)
            board.put(blocker, at)
    return False


def _table_free(board: _Board, at: datetime) -> bool:
    return len(board.used[at]) < board.tables[at]
