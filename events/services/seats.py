"""Seats: the only place that hands out and takes back places at an event.

Every change is a guarded UPDATE (`taken < seats`) inside a write transaction, so however
many registrations arrive at once, confirmed and offered seats never exceed the capacity or
a quota, on SQLite (IMMEDIATE transactions serialise writers) and on PostgreSQL (the row
lock makes concurrent updates re-check the guard).
"""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import WhereRaw

from events.tables import Event, EventQuota

GENERAL = "general"
QUOTA = "quota"


async def reserved_seats(event_id: int) -> int:
    rows = await EventQuota.select(EventQuota.seats).where(EventQuota.event == event_id)
    return sum(row["seats"] for row in rows)


async def take(event: dict[str, Any], organization_id: int | None) -> str:
    """Hold one seat; returns where it came from, or "" when the event is full for them.
    A partner organization's people use its reserved seats first, then the general ones."""
    if organization_id is not None:
        held = (
            await EventQuota.update({EventQuota.taken: EventQuota.taken + 1})
            .where(
                (EventQuota.event == event["id"])
                & (EventQuota.organization == organization_id)
                & (EventQuota.taken < EventQuota.seats)
            )
            .returning(EventQuota.id)
        )
        if held:
            return QUOTA
    # The guard reads capacity and reservations in the same statement that takes the seat, so
    # a capacity or quota changed a moment ago is already counted.
    condition = (Event.id == event["id"]) & WhereRaw(
        "(capacity IS NULL OR general_taken < capacity - "
        "(SELECT COALESCE(SUM(seats), 0) FROM event_quota WHERE event_quota.event = event.id))"
    )
    held = (
        await Event.update({Event.general_taken: Event.general_taken + 1})
        .where(condition)
        .returning(Event.id)
    )
    return GENERAL if held else ""


async def release(event_id: int, organization_id: int | None, seat: str) -> None:
    if seat == QUOTA and organization_id is not None:
        await EventQuota.update({EventQuota.taken: EventQuota.taken - 1}).where(
            (EventQuota.event == event_id)
            & (EventQuota.organization == organization_id)
            & (EventQuota.taken > 0)
        )
    elif seat == GENERAL:
        await Event.update({Event.general_taken: Event.general_taken - 1}).where(
            (Event.id == event_id) & (Event.general_taken > 0)
        )


async def counts(event: dict[str, Any]) -> dict[str, int | None]:
    """Seats held in total, and left (None when there is no limit)."""
    quotas = await EventQuota.select(EventQuota.seats, EventQuota.taken).where(
        EventQuota.event == event["id"]
    )
    held = event["general_taken"] + sum(q["taken"] for q in quotas)
    left = None if event["capacity"] is None else max(event["capacity"] - held, 0)
    return {"held": held, "left": left}
