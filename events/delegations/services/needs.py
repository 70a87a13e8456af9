"""What an event's delegation members need: interpreters by language and day of presence,
diets, allergies and accessibility."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events.delegations.services.vocabulary import DIETS

MAX_DAYS = 60  # a stay longer than this is a typing error, not a plan for interpreters


@dataclass
class Interpreting:
    days: list[date]
    languages: list[str]
    counts: dict[tuple[str, date], int]
    people: dict[str, list[dict[str, Any]]]


def presence(row: dict[str, Any], event: dict[str, Any]) -> list[date]:
    """The local days a member is here: from arrival (else the event's start) to departure
    (else its end)."""
    zone = ZoneInfo(event["timezone"])
    start = (row["arrival_at"] or event["starts_at"]).astimezone(zone).date()
    end = (row["departure_at"] or event["ends_at"]).astimezone(zone).date()
    end = max(end, start)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)][:MAX_DAYS]


def interpreting(rows: list[dict[str, Any]], event: dict[str, Any]) -> Interpreting:
    """How many people need an interpreter into each language on each day they are here."""
    counts: dict[tuple[str, date], int] = defaultdict(int)
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    days: set[date] = set()
    for row in rows:
        language = row["interpreter_language"]
        if not language:
            continue
        people[language].append(row)
        for day in presence(row, event):
            counts[(language, day)] += 1
            days.add(day)
    languages = sorted(people, key=lambda code: (-len(people[code]), code))
    return Interpreting(sorted(days), languages, dict(counts), dict(people))


@dataclass
class Dietary:
    counts: dict[str, int]  # diet code ("" = none) → people
    allergies: list[dict[str, Any]]
    accessibility: list[dict[str, Any]]
    total: int


def dietary(rows: list[dict[str, Any]]) -> Dietary:
    counts = {code: 0 for code in ("", *DIETS)}
    for row in rows:
        counts[row["diet"] if row["diet"] in counts else ""] += 1
    return Dietary(
        counts=counts,
        allergies=[row for row in rows if row["allergies"]],
        accessibility=[row for row in rows if row["accessibility"]],
        total=len(rows),
    )
