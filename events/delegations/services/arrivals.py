"""Arrivals and departures of an event's delegation members, for pickups and drop-offs: by
local day, then airport or station, then flight or train. Times are the event's wall-clock
times (the page and the workbook name the zone)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.i18n import gettext


def wall_clock(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored moment as the event's wall-clock time, to the second (a spreadsheet cell)."""
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0) if value else None


@dataclass
class TravelGroup:
    """People on one flight or train at one place and time: one pickup or drop-off."""

    moment: datetime  # wall-clock, event zone
    transport: str
    number: str
    members: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TravelPlace:
    place: str
    groups: list[TravelGroup] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(len(group.members) for group in self.groups)


@dataclass
class TravelDay:
    day: date
    places: list[TravelPlace] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(place.people for place in self.places)


def _travel(rows: list[dict[str, Any]], zone_name: str, way: str) -> tuple[list[TravelDay], list]:
    zone = ZoneInfo(zone_name)
    unknown: list[dict[str, Any]] = []
    tree: dict[date, dict[str, dict[tuple, TravelGroup]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        moment = wall_clock(row[f"{way}_at"], zone)
        if moment is None:
            unknown.append(row)
            continue
        place = row[f"{way}_place"] or gettext("Place not given")
        key = (moment, row[f"{way}_transport"], row[f"{way}_number"])
        group = tree[moment.date()][place].setdefault(
            key, TravelGroup(moment, row[f"{way}_transport"], row[f"{way}_number"])
        )
        group.members.append(row)
    days = []
    for day in sorted(tree):
        places = [
            TravelPlace(place, sorted(groups.values(), key=lambda g: (g.moment, g.number)))
            for place, groups in sorted(tree[day].items(), key=lambda item: item[0].casefold())
        ]
        days.append(TravelDay(day, places))
    return days, unknown


def arrivals(rows: list[dict[str, Any]], zone_name: str) -> tuple[list[TravelDay], list]:
    """Arrivals by day, place and flight or train; and the members whose arrival is unknown."""
    return _travel(rows, zone_name, "arrival")


def departures(rows: list[dict[str, Any]], zone_name: str) -> tuple[list[TravelDay], list]:
    """Departures by day, place and flight or train; and the members whose departure is
    unknown."""
    return _travel(rows, zone_name, "departure")
