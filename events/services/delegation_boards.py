"""The foreign-affairs office's boards over an event's delegations: all delegations with their
state and counts, arrivals and departures by day and place (for pickups), hotels and the
rooming list, interpreter needs by language and day, dietary needs, the order of precedence
of the heads of delegation, and the members list; each also as an XLSX workbook.

Boards plan with every delegation handed in at least once (drafts are the coordinators'
business). Times are the event's wall-clock times; the zone is named on the page and in
the workbook's headers.
"""

from __future__ import annotations

import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from piccolo.query.functions.aggregate import Count

from core import i18n
from core.content import json_value, plain_text
from core.i18n import gettext, zone_name
from core.paging import Page, order, paginate
from events.delegations.tables import Delegate, Delegation, VisaLetter
from events.services import delegations as rules
from events.services import passports
from events.tables import Event

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_LIMIT = 31
COLUMN_WIDTH_MAX = 60
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
SORTS = {
    "event": Delegation.event.starts_at,
    "organization": Delegation.organization.slug,
    "status": Delegation.status,
    "updated": Delegation.updated_at,
}
DEFAULT_SORT = "-updated"


def text(value: Any) -> str:
    """Translated content as plain text in the page language."""
    return plain_text(value)


# --- events with delegations ------------------------------------------------------------------


async def events_with_delegations() -> list[dict[str, Any]]:
    having = Delegation.select(Delegation.event)
    return (
        await Event.select(Event.id, Event.slug, Event.title, Event.starts_at, Event.timezone)
        .where(Event.id.is_in(having))
        .order_by(Event.starts_at, ascending=False)
    )


async def pick_event(slug: str) -> dict[str, Any] | None:
    """The event a board shows: the one asked for, else the next one with delegations (or
    the latest past one)."""
    if slug:
        return await Event.select().where(Event.slug == slug).first()
    having = Delegation.select(Delegation.event)
    upcoming = (
        await Event.select()
        .where(Event.id.is_in(having) & (Event.ends_at >= datetime.now(ZoneInfo("UTC"))))
        .order_by(Event.starts_at)
        .first()
    )
    if upcoming:
        return upcoming
    return (
        await Event.select()
        .where(Event.id.is_in(having))
        .order_by(Event.starts_at, ascending=False)
        .first()
    )


# --- all delegations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    event: str = ""
    status: str = ""
    organization: str = ""

    def as_form(self) -> dict[str, str]:
        return {"event": self.event, "status": self.status, "organization": self.organization}


def _where(filters: Filters) -> Any:
    condition = Delegation.id.is_not_null()
    if filters.event:
        condition &= Delegation.event.slug == filters.event
    if filters.status in rules.status_labels():
        condition &= Delegation.status == filters.status
    if filters.organization:
        condition &= Delegation.organization.slug == filters.organization
    return condition


async def _with_counts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows] or [0]
    members = await rules.member_counts(ids)
    needing = {
        row["delegation"]: row["n"]
        for row in await Delegate.select(Delegate.delegation, Count(alias="n"))
        .where(Delegate.delegation.is_in(ids) & (Delegate.needs_letter == True))
        .group_by(Delegate.delegation)
    }
    ready = {
        row["delegation"]: row["n"]
        for row in await VisaLetter.select(VisaLetter.delegation, Count(alias="n"))
        .where(VisaLetter.delegation.is_in(ids) & (VisaLetter.status == "ready"))
        .group_by(VisaLetter.delegation)
    }
    heads = {
        row["delegation"]: row
        for row in await Delegate.select(
            Delegate.delegation, Delegate.name_native, Delegate.name_latin
        ).where(Delegate.delegation.is_in(ids) & (Delegate.is_head == True))
    }
    for row in rows:
        rules._prepared(row)
        row["members"] = members.get(row["id"], 0)
        row["letters_needed"] = needing.get(row["id"], 0)
        row["letters_ready"] = ready.get(row["id"], 0)
        head = heads.get(row["id"])
        row["head"] = (head["name_native"] or head["name_latin"]) if head else ""
    return rows


async def overview_page(filters: Filters, sort: str, page: int) -> tuple[Page, str]:
    condition = _where(filters)
    query, applied = order(rules._select().where(condition), sort, SORTS, DEFAULT_SORT)
    listing = await paginate(
        query.order_by(Delegation.id), Delegation.count().where(condition), page
    )
    await _with_counts(listing.items)
    return listing, applied


async def overview_rows(filters: Filters, sort: str) -> list[dict[str, Any]]:
    query, _applied = order(rules._select().where(_where(filters)), sort, SORTS, DEFAULT_SORT)
    return await _with_counts(await query.order_by(Delegation.id))


async def status_counts(event_id: int | None) -> dict[str, int]:
    query = Delegation.select(Delegation.status, Count(alias="n")).group_by(Delegation.status)
    if event_id is not None:
        query = query.where(Delegation.event == event_id)
    found = {row["status"]: row["n"] for row in await query}
    return {status: found.get(status, 0) for status in rules.status_labels()}


# --- the members behind the boards --------------------------------------------------------------


async def board_members(event_id: int) -> list[dict[str, Any]]:
    """Members of the event's delegations that are on the boards, with their delegation."""
    rows = (
        await Delegate.select(
            *Delegate.all_columns(),
            Delegate.delegation.status.as_alias("delegation_status"),
            Delegate.delegation.protocol_rank.as_alias("protocol_rank"),
            Delegate.delegation.organization.name.as_alias("delegation_name"),
            Delegate.delegation.organization.country.as_alias("delegation_country"),
            Delegate.registration.code.as_alias("registration_code"),
            Delegate.registration.status.as_alias("registration_status"),
            Delegate.registration.checked_in_at.as_alias("checked_in_at"),
        )
        .where((Delegate.event == event_id) & Delegate.delegation.status.is_in(rules.ON_BOARDS))
        .order_by(Delegate.delegation.organization.slug)
        .order_by(Delegate.is_head, ascending=False)
        .order_by(Delegate.sort_order)
        .order_by(Delegate.id)
    )
    for row in rows:
        row["delegation_name"] = json_value(row["delegation_name"])
        row["delegation_text"] = text(row["delegation_name"])
        row["display_name"] = row["name_native"] or row["name_latin"]
    return rows


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0) if value else None


# --- arrivals and departures ------------------------------------------------------------------


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


def travel(rows: list[dict[str, Any]], zone_name_: str, way: str) -> tuple[list[TravelDay], list]:
    """`way` is "arrival" or "departure": by local day, then place, then flight or train.
    Also returns the members whose travel is not known yet."""
    zone = ZoneInfo(zone_name_)
    unknown: list[dict[str, Any]] = []
    tree: dict[date, dict[str, dict[tuple, TravelGroup]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        moment = _local(row[f"{way}_at"], zone)
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


# --- hotels and rooms ---------------------------------------------------------------------------


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


# --- interpreters -----------------------------------------------------------------------------


@dataclass
class Interpreting:
    days: list[date]
    languages: list[str]
    counts: dict[tuple[str, date], int]
    people: dict[str, list[dict[str, Any]]]


def _presence(row: dict[str, Any], event: dict[str, Any], zone: ZoneInfo) -> list[date]:
    start = (row["arrival_at"] or event["starts_at"]).astimezone(zone).date()
    end = (row["departure_at"] or event["ends_at"]).astimezone(zone).date()
    end = max(end, start)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)][:60]


def interpreting(rows: list[dict[str, Any]], event: dict[str, Any]) -> Interpreting:
    """How many people need an interpreter into each language on each day they are here."""
    zone = ZoneInfo(event["timezone"])
    counts: dict[tuple[str, date], int] = defaultdict(int)
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    days: set[date] = set()
    for row in rows:
        language = row["interpreter_language"]
        if not language:
            continue
        people[language].append(row)
        for day in _presence(row, event, zone):
            counts[(language, day)] += 1
            days.add(day)
    languages = sorted(people, key=lambda code: (-len(people[code]), code))
    return Interpreting(sorted(days), languages, dict(counts), dict(people))


# --- dietary needs ------------------------------------------------------------------------------


@dataclass
class Dietary:
    counts: dict[str, int]  # diet code ("" = none) → people
    allergies: list[dict[str, Any]]
    accessibility: list[dict[str, Any]]
    total: int


def dietary(rows: list[dict[str, Any]]) -> Dietary:
    counts = {code: 0 for code in ("", *rules.DIETS)}
    for row in rows:
        counts[row["diet"] if row["diet"] in counts else ""] += 1
    return Dietary(
        counts=counts,
        allergies=[row for row in rows if row["allergies"]],
        accessibility=[row for row in rows if row["accessibility"]],
        total=len(rows),
    )


# --- the order of precedence ---------------------------------------------------------------------


async def protocol(event_id: int) -> list[dict[str, Any]]:
    """Delegations on the boards, their heads in order of precedence: rank, then the
    country's and the organization's names."""
    delegations = await _with_counts(
        await rules._select().where(
            (Delegation.event == event_id) & Delegation.status.is_in(rules.ON_BOARDS)
        )
    )
    heads = {
        row["delegation"]: row
        for row in await Delegate.select().where(
            (Delegate.event == event_id) & (Delegate.is_head == True)
        )
    }
    ranks = list(rules.PROTOCOL_RANKS)
    for row in delegations:
        row["head_row"] = heads.get(row["id"])
        row["rank_index"] = (
            ranks.index(row["protocol_rank"]) if row["protocol_rank"] in ranks else len(ranks)
        )
        row["country_text"] = i18n.country_name(row["organization_country"] or "")
        row["organization_text"] = text(row["organization_name"])
    delegations.sort(
        key=lambda r: (r["rank_index"], r["country_text"].casefold(), r["organization_text"])
    )
    for place, row in enumerate(delegations, start=1):
        row["place"] = place
    return delegations


# --- workbooks --------------------------------------------------------------------------------


Cell = str | int | date | datetime | None


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def _display_width(value: Any) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    content = "" if value is None else str(value)
    longest = max(content.split("\n"), key=len) if content else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _sheet_title(title: str, taken: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:SHEET_NAME_LIMIT] or "Sheet"
    base, number = name, 2
    while name in taken:
        suffix = f" {number}"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(name)
    return name


def workbook(sheets: list[Sheet]) -> bytes:
    """Sheets with a bold, frozen header row and filters, real dates, fitting widths (the
    conventions of the registrations export)."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color="F6F3EE")
    for spec in sheets:
        sheet = book.create_sheet(_sheet_title(spec.title, taken))
        sheet.append(spec.header)
        widths = [_display_width(title) for title in spec.header]
        for row in spec.rows:
            sheet.append(row)
            widths = [max(w, _display_width(c)) for w, c in zip(widths, row, strict=False)]
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(cell.value, date):
                    cell.number_format = DATE_FORMAT
        for index, width in enumerate(widths, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = min(width + 2, COLUMN_WIDTH_MAX)
        sheet.freeze_panes = "A2"
        last = get_column_letter(max(len(spec.header), 1))
        sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zone(event: dict[str, Any]) -> str:
    return zone_name(event["timezone"], event["starts_at"])


def _travel_label(code: str) -> str:
    return str(rules.TRANSPORTS.get(code, code))


def travel_sheet(rows: list[dict[str, Any]], event: dict[str, Any], way: str) -> Sheet:
    days, unknown = travel(rows, event["timezone"], way)
    title = gettext("Arrivals") if way == "arrival" else gettext("Departures")
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
    for day in days:
        for place in day.places:
            for group in place.groups:
                for row in group.members:
                    sheet.rows.append(
                        [
                            group.moment,
                            place.place,
                            _travel_label(group.transport),
                            group.number,
                            row["delegation_text"],
                            row["display_name"],
                            row["name_latin"],
                            row["name_zh"],
                            row["hotel"],
                        ]
                    )
    for row in unknown:
        sheet.rows.append(
            [
                None,
                "",
                "",
                "",
                row["delegation_text"],
                row["display_name"],
                row["name_latin"],
                row["name_zh"],
                row["hotel"],
            ]
        )
    return sheet


def rooming_sheet(rows: list[dict[str, Any]], event: dict[str, Any]) -> Sheet:
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
    genders = rules.labels(rules.GENDERS)

    def line(hotel: str, room: str, row: dict[str, Any]) -> list[Cell]:
        return [
            hotel,
            room,
            row["display_name"],
            row["name_latin"],
            row["delegation_text"],
            genders.get(row["gender"], ""),
            _local(row["arrival_at"], zone),
            _local(row["departure_at"], zone),
        ]

    for hotel in hotels:
        for room in hotel.rooms:
            sheet.rows.extend(line(hotel.name, room.room, row) for row in room.members)
        sheet.rows.extend(line(hotel.name, "", row) for row in hotel.no_room)
    sheet.rows.extend(line("", "", row) for row in homeless)
    return sheet


def interpreting_sheets(rows: list[dict[str, Any]], event: dict[str, Any]) -> list[Sheet]:
    found = interpreting(rows, event)
    matrix = Sheet(
        gettext("Interpreters"),
        [gettext("Language"), *[i18n.format_date(day, "short") for day in found.days]],
    )
    for language in found.languages:
        matrix.rows.append(
            [
                rules.language_name(language),
                *[found.counts.get((language, day), 0) for day in found.days],
            ]
        )
    names = Sheet(
        gettext("Who needs an interpreter"),
        [gettext("Language"), gettext("Name"), gettext("Delegation"), gettext("Languages spoken")],
    )
    for language in found.languages:
        for row in found.people[language]:
            spoken = [rules.language_name(c) for c in (row["languages"] or "").split(",") if c]
            names.rows.append(
                [
                    rules.language_name(language),
                    row["display_name"],
                    row["delegation_text"],
                    ", ".join(spoken),
                ]
            )
    return [matrix, names]


def dietary_sheets(rows: list[dict[str, Any]]) -> list[Sheet]:
    found = dietary(rows)
    diets = {"": gettext("No special diet"), **rules.labels(rules.DIETS)}
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
    ranks = rules.labels(rules.PROTOCOL_RANKS)
    statuses = rules.status_labels()
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
    statuses = rules.status_labels()
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
    for row in rows:
        sheet.rows.append(
            [
                text(row["event_title"]),
                text(row["organization_name"]),
                statuses.get(row["status"], row["status"]),
                row["head"],
                row["members"],
                row["letters_needed"],
                row["letters_ready"],
                row["submitted_at"].replace(tzinfo=None, microsecond=0)
                if row["submitted_at"]
                else None,
                row["approved_at"].replace(tzinfo=None, microsecond=0)
                if row["approved_at"]
                else None,
            ]
        )
    return sheet


def members_sheet(rows: list[dict[str, Any]], event: dict[str, Any], *, clear: bool) -> Sheet:
    """Every member with every field; passport data in clear only for the office."""
    zone = ZoneInfo(event["timezone"])
    labels = rules.field_labels()
    genders = rules.labels(rules.GENDERS)
    diets = rules.labels(rules.DIETS)
    header = [
        gettext("Delegation"),
        *[
            labels[name]
            for name in rules.MEMBER_FIELDS
            if name not in ("arrival_at", "departure_at")
        ],
        gettext("Arrival (%(zone)s)", zone=_zone(event)),
        gettext("Departure (%(zone)s)", zone=_zone(event)),
        gettext("Hotel"),
        gettext("Room"),
    ]
    sheet = Sheet(gettext("Members"), header)
    yes, no = gettext("Yes"), gettext("No")
    for row in rows:
        number, birth = "", ""
        try:
            number = passports.unseal(row["passport_number"], "passport_number")
            birth = passports.unseal(row["date_of_birth"], "date_of_birth")
        except passports.UnreadableData:
            number = birth = "?"
        if not clear:
            number, birth = passports.mask_passport(number), passports.mask_birth_date(birth)
        values = {
            "gender": genders.get(row["gender"], ""),
            "date_of_birth": birth,
            "nationality": i18n.country_name(row["nationality"]) if row["nationality"] else "",
            "passport_number": number,
            "passport_expires": row["passport_expires"],
            "languages": ", ".join(
                rules.language_name(c) for c in (row["languages"] or "").split(",") if c
            ),
            "interpreter_language": rules.language_name(row["interpreter_language"])
            if row["interpreter_language"]
            else "",
            "diet": diets.get(row["diet"], ""),
            "arrival_transport": _travel_label(row["arrival_transport"]),
            "departure_transport": _travel_label(row["departure_transport"]),
            "needs_letter": yes if row["needs_letter"] else no,
            "is_head": yes if row["is_head"] else no,
        }
        sheet.rows.append(
            [
                row.get("delegation_text") or "",
                *[
                    values.get(name, row.get(name, ""))
                    for name in rules.MEMBER_FIELDS
                    if name not in ("arrival_at", "departure_at")
                ],
                _local(row["arrival_at"], zone),
                _local(row["departure_at"], zone),
                row["hotel"],
                row["room"],
            ]
        )
    return sheet
