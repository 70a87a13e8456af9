"""The boards and member lists as spreadsheet tables (core.spreadsheets writes the files):
arrivals and departures, the rooming list, interpreters, dietary needs, the order of
precedence, all delegations, and every member with every field. Times are the event's
wall-clock times; headers name the zone."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from core import i18n
from core.content import plain_text
from core.i18n import gettext, zone_name
from core.spreadsheets import Cell, Sheet
from core.vocabulary import labels
from events.delegations.services import arrivals as travel
from events.delegations.services.hotels import rooming
from events.delegations.services.members import Reveal
from events.delegations.services.needs import dietary, interpreting
from events.delegations.services.vocabulary import (
    DIETS,
    GENDERS,
    MEMBER_FIELDS,
    PROTOCOL_RANKS,
    TRANSPORTS,
    field_labels,
    language_name,
    status_labels,
)

wall_clock = travel.wall_clock
# The member sheet shows travel times in their own columns, at the end, in the event's zone.
PLAIN_FIELDS = [name for name in MEMBER_FIELDS if name not in ("arrival_at", "departure_at")]


def _zone(event: dict[str, Any]) -> str:
    return zone_name(event["timezone"], event["starts_at"])


def _transport(code: str) -> str:
    return str(TRANSPORTS.get(code, code))


def _travel_sheet(title: str, found: tuple[list, list], event: dict[str, Any]) -> Sheet:
    days, unknown = found
    sheet = Sheet(
        title,
        [
            gettext("Time (%(zone)s)", zone=_zone(event)),
            gettext("Airport or station"),
            gettext("By"),
            gettext("Flight or train"),
            gettext("Delegation"),
            gettext("Name"),
            gettext("Name in Latin letters"),
            gettext("Chinese name"),
            gettext("Hotel"),
        ],
    )

    def person(row: dict[str, Any]) -> list[Cell]:
        names = [row["delegation_text"], row["display_name"], row["name_latin"], row["name_zh"]]
        return [*names, row["hotel"]]

    for day in days:
        for place in day.places:
            for group in place.groups:
                trip = [group.moment, place.place, _transport(group.transport), group.number]
                sheet.rows.extend([*trip, *person(row)] for row in group.members)
    sheet.rows.extend([None, "", "", "", *person(row)] for row in unknown)
    return sheet


def arrival_sheets(rows: list[dict[str, Any]], event: dict[str, Any]) -> list[Sheet]:
    return [
        _travel_sheet(gettext("Arrivals"), travel.arrivals(rows, event["timezone"]), event),
        _travel_sheet(gettext("Departures"), travel.departures(rows, event["timezone"]), event),
    ]


def rooming_sheets(rows: list[dict[str, Any]], event: dict[str, Any]) -> list[Sheet]:
    zone = ZoneInfo(event["timezone"])
    hotels, homeless = rooming(rows)
    sheet = Sheet(
        gettext("Rooming list"),
        [
            gettext("Hotel"),
            gettext("Room"),
            gettext("Name"),
            gettext("Name in Latin letters"),
            gettext("Delegation"),
            gettext("Gender"),
            gettext("Arrival (%(zone)s)", zone=_zone(event)),
            gettext("Departure (%(zone)s)", zone=_zone(event)),
        ],
    )
    genders = labels(GENDERS)

    def line(hotel: str, room: str, row: dict[str, Any]) -> list[Cell]:
        return [
            hotel,
            room,
            row["display_name"],
            row["name_latin"],
            row["delegation_text"],
            genders.get(row["gender"], ""),
            wall_clock(row["arrival_at"], zone),
            wall_clock(row["departure_at"], zone),
        ]

    for hotel in hotels:
        for room in hotel.rooms:
            sheet.rows.extend(line(hotel.name, room.room, row) for row in room.members)
        sheet.rows.extend(line(hotel.name, "", row) for row in hotel.no_room)
    sheet.rows.extend(line("", "", row) for row in homeless)
    return [sheet]


def interpreting_sheets(rows: list[dict[str, Any]], event: dict[str, Any]) -> list[Sheet]:
    found = interpreting(rows, event)
    matrix = Sheet(
        gettext("Interpreters"),
        [gettext("Language"), *[i18n.format_date(day, "short") for day in found.days]],
    )
    for language in found.languages:
        counts = [found.counts.get((language, day), 0) for day in found.days]
        matrix.rows.append([language_name(language), *counts])
    names = Sheet(
        gettext("Who needs an interpreter"),
        [gettext("Language"), gettext("Name"), gettext("Delegation"), gettext("Languages spoken")],
    )
    for language in found.languages:
        for row in found.people[language]:
            spoken = [language_name(c) for c in (row["languages"] or "").split(",") if c]
            names.rows.append(
                [
                    language_name(language),
                    row["display_name"],
                    row["delegation_text"],
                    ", ".join(spoken),
                ]
            )
    return [matrix, names]


def dietary_sheets(rows: list[dict[str, Any]], _event: dict[str, Any]) -> list[Sheet]:
    found = dietary(rows)
    diets = {"": gettext("No special diet"), **labels(DIETS)}
    summary = Sheet(gettext("Dietary needs"), [gettext("Diet"), gettext("People")])
    summary.rows.extend([diets[code], count] for code, count in found.counts.items())
    people = Sheet(
        gettext("Needs by person"),
        [
            gettext("Name"),
            gettext("Delegation"),
            gettext("Diet"),
            gettext("Allergies and other food restrictions"),
            gettext("Accessibility needs"),
        ],
    )
    for row in rows:
        if row["diet"] or row["allergies"] or row["accessibility"]:
            people.rows.append(
                [
                    row["display_name"],
                    row["delegation_text"],
                    diets.get(row["diet"], ""),
                    row["allergies"],
                    row["accessibility"],
                ]
            )
    return [summary, people]


def protocol_sheet(delegations: list[dict[str, Any]]) -> Sheet:
    ranks = labels(PROTOCOL_RANKS)
    statuses = status_labels()
    sheet = Sheet(
        gettext("Order of precedence"),
        [
            gettext("Place"),
            gettext("Rank"),
            gettext("Head of delegation"),
            gettext("Name in Latin letters"),
            gettext("Chinese name"),
            gettext("Position"),
            gettext("Delegation"),
            gettext("Country"),
            gettext("Members"),
            gettext("Status"),
        ],
    )
    for row in delegations:
        head = row["head_row"] or {}
        sheet.rows.append(
            [
                row["place"],
                ranks.get(row["protocol_rank"], ""),
                head.get("name_native", ""),
                head.get("name_latin", ""),
                head.get("name_zh", ""),
                head.get("job_title", ""),
                row["organization_text"],
                row["country_text"],
                row["members"],
                statuses.get(row["status"], row["status"]),
            ]
        )
    return sheet


def overview_sheet(rows: list[dict[str, Any]]) -> Sheet:
    statuses = status_labels()
    sheet = Sheet(
        gettext("Delegations"),
        [
            gettext("Event"),
            gettext("Delegation"),
            gettext("Status"),
            gettext("Head of delegation"),
            gettext("Members"),
            gettext("Letters needed"),
            gettext("Letters ready"),
            gettext("Submitted on"),
            gettext("Approved on"),
        ],
    )
    utc = ZoneInfo("UTC")
    for row in rows:
        sheet.rows.append(
            [
                plain_text(row["event_title"]),
                plain_text(row["organization_name"]),
                statuses.get(row["status"], row["status"]),
                row["head"],
                row["members"],
                row["letters_needed"],
                row["letters_ready"],
                wall_clock(row["submitted_at"], utc),
                wall_clock(row["approved_at"], utc),
            ]
        )
    return sheet


def _member_values(row: dict[str, Any], reveal: Reveal) -> dict[str, Any]:
    """The member's fields as the sheet shows them, where they differ from the stored value."""
    number, birth, readable = reveal(row)
    yes, no = gettext("Yes"), gettext("No")
    interpreter = row["interpreter_language"]
    return {
        "gender": labels(GENDERS).get(row["gender"], ""),
        "date_of_birth": birth if readable else "?",
        "nationality": i18n.country_name(row["nationality"]) if row["nationality"] else "",
        "passport_number": number if readable else "?",
        "languages": ", ".join(language_name(c) for c in (row["languages"] or "").split(",") if c),
        "interpreter_language": language_name(interpreter) if interpreter else "",
        "diet": labels(DIETS).get(row["diet"], ""),
        "arrival_transport": _transport(row["arrival_transport"]),
        "departure_transport": _transport(row["departure_transport"]),
        "needs_letter": yes if row["needs_letter"] else no,
        "is_head": yes if row["is_head"] else no,
    }


def members_sheet(rows: list[dict[str, Any]], event: dict[str, Any], reveal: Reveal) -> Sheet:
    """Every member with every field; passport data as `reveal` gives it."""
    zone = ZoneInfo(event["timezone"])
    names = field_labels()
    header = [
        gettext("Delegation"),
        *[names[name] for name in PLAIN_FIELDS],
        gettext("Arrival (%(zone)s)", zone=_zone(event)),
        gettext("Departure (%(zone)s)", zone=_zone(event)),
        gettext("Hotel"),
        gettext("Room"),
    ]
    sheet = Sheet(gettext("Members"), header)
    for row in rows:
        values = _member_values(row, reveal)
        sheet.rows.append(
            [
                row.get("delegation_text") or "",
                *[values.get(name, row.get(name, "")) for name in PLAIN_FIELDS],
                wall_clock(row["arrival_at"], zone),
                wall_clock(row["departure_at"], zone),
                row["hotel"],
                row["room"],
            ]
        )
    return sheet
