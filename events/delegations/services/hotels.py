"""Hotels and rooms: the office assigns each member of a delegation a hotel and room, and the
rooming list groups an event's members by hotel and room."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.access import Viewer
from core.audit import record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from events.delegations.services.records import members
from events.delegations.services.states import now
from events.delegations.tables import Delegate


@dataclass
class Room:
    room: str
    members: list[dict[str, Any]] = field(default_factory=list)

    @property
    def check_in(self) -> datetime | None:
        moments = [m["arrival_at"] for m in self.members if m["arrival_at"]]
        return min(moments) if moments else None

    @property
    def check_out(self) -> datetime | None:
        moments = [m["departure_at"] for m in self.members if m["departure_at"]]
        return max(moments) if moments else None


@dataclass
class Hotel:
    name: str
    rooms: list[Room] = field(default_factory=list)
    no_room: list[dict[str, Any]] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(len(room.members) for room in self.rooms) + len(self.no_room)


def _room_key(room: str) -> tuple[int, str]:
    digits = "".join(ch for ch in room if ch.isdigit())
    return (int(digits) if digits else 10**9, room)


def rooming(rows: list[dict[str, Any]]) -> tuple[list[Hotel], list[dict[str, Any]]]:
    """Hotels with their rooms and occupants; and the members without a hotel yet."""
    hotels: dict[str, Hotel] = {}
    homeless: list[dict[str, Any]] = []
    for row in rows:
        if not row["hotel"]:
            homeless.append(row)
            continue
        hotel = hotels.setdefault(row["hotel"], Hotel(row["hotel"]))
        if not row["room"]:
            hotel.no_room.append(row)
            continue
        room = next((r for r in hotel.rooms if r.room == row["room"]), None)
        if room is None:
            room = Room(row["room"])
            hotel.rooms.append(room)
        room.members.append(row)
    for hotel in hotels.values():
        hotel.rooms.sort(key=lambda r: _room_key(r.room))
    return sorted(hotels.values(), key=lambda h: h.name.casefold()), homeless


async def hotel_names(event_id: int) -> list[str]:
    rows = await Delegate.select(Delegate.hotel).where(
        (Delegate.event == event_id) & (Delegate.hotel != "")
    )
    return sorted({row["hotel"] for row in rows}, key=str.casefold)


def _checked(rooms: dict[int, tuple[str, str]]) -> dict[int, tuple[str, str]]:
    errors: dict[str, str] = {}
    cleaned: dict[int, tuple[str, str]] = {}
    for member_id, (hotel, room) in rooms.items():
        hotel, room = " ".join(hotel.split()), " ".join(room.split())
        if len(hotel) > 200:
            errors[f"hotel-{member_id}"] = gettext("Use at most %(num)d characters.", num=200)
        if len(room) > 40:
            errors[f"room-{member_id}"] = gettext("Use at most %(num)d characters.", num=40)
        if room and not hotel:
            errors[f"hotel-{member_id}"] = gettext("Enter the hotel of this room.")
        cleaned[member_id] = (hotel, room)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


async def set_rooms(
    viewer: Viewer,
    delegation: dict[str, Any],
    rooms: dict[int, tuple[str, str]],
    client: str = "",
) -> None:
    """Hotel and room per member (`rooms` maps member ids to (hotel, room)); the office only."""
    cleaned = _checked(rooms)
    current = {row["id"]: row for row in await members(delegation["id"])}
    changes = {
        member_id: value
        for member_id, value in cleaned.items()
        if member_id in current
        and (current[member_id]["hotel"], current[member_id]["room"]) != value
    }
    async with write_transaction():
        for member_id, (hotel, room) in changes.items():
            await Delegate.update(
                {Delegate.hotel: hotel, Delegate.room: room, Delegate.updated_at: now()}
            ).where((Delegate.id == member_id) & (Delegate.delegation == delegation["id"]))
    if changes:
        await record(
            viewer,
            "delegation.rooms",
            "delegation",
            delegation["id"],
            client=client,
            after={str(k): {"hotel": v[0], "room": v[1]} for k, v in changes.items()},
        )
