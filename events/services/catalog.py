"""What the public and partners' systems may read about events: the list of public events,
one event with its agenda by local day and its speakers, and what its registration box says.

Read-only. Drafts are never returned: a draft's page, calendar file and API entry do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

from core import i18n
from core.content import Translated
from core.paging import PER_PAGE, Page, paginate
from events.services import seats
from events.services.registrations import registration_is_open
from events.tables import (
    AgendaSession,
    Event,
    EventStatus,
    SessionSpeaker,
    Speaker,
)

PUBLIC_STATUSES: tuple[str, ...] = tuple(
    status.value for status in EventStatus if status is not EventStatus.draft
)


class When(StrEnum):
    """Which part of the calendar a list shows: events not over yet, or those that are."""

    upcoming = "upcoming"
    past = "past"


def _now() -> datetime:
    return datetime.now(UTC)


def _public() -> Any:
    return Event.status.is_in(list(PUBLIC_STATUSES))


def city_key(raw: Any) -> str:
    """The key a city is filtered by: its English name (else its source text), so the same
    filter link works whichever language the page is in."""
    return Translated.load(raw).show("en").text


# --- the list --------------------------------------------------------------------------


async def list_events(
    *,
    when: When | None = None,
    kind: str = "",
    city: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> Page:
    """Public events, newest first for the past and soonest first otherwise. An event is
    upcoming until it ends, so one in progress is still listed as upcoming."""
    now = now or _now()
    condition = _public()
    if when is When.upcoming:
        condition &= Event.ends_at >= now
    elif when is When.past:
        condition &= Event.ends_at < now
    if kind:
        condition &= Event.kind == kind
    if city:
        # The city is translated content (JSON), matched here rather than in SQL so it
        # reads the same on SQLite and PostgreSQL; public events are few.
        rows = await Event.select(Event.id, Event.city).where(condition)
        ids = [row["id"] for row in rows if city_key(row["city"]) == city]
        condition &= Event.id.is_in(ids or [0])
    query = Event.select().where(condition)
    if when is When.past:
        query = query.order_by(Event.starts_at, ascending=False)
    else:
        query = query.order_by(Event.starts_at)
    return await paginate(query.order_by(Event.id), Event.count().where(condition), page, per_page)


async def city_choices() -> list[tuple[str, str]]:
    """The cities public events take place in: (filter key, name in the page language)."""
    rows = await Event.select(Event.city).where(_public())
    lang = i18n.current_language()
    names: dict[str, str] = {}
    for row in rows:
        key = city_key(row["city"])
        if key:
            names.setdefault(key, Translated.load(row["city"]).show(lang).text)
    return sorted(names.items(), key=lambda item: item[1])


async def feed_events() -> list[dict[str, Any]]:
    """Every public event, for the calendar subscription."""
    return await Event.select().where(_public()).order_by(Event.starts_at).order_by(Event.id)


# --- one event -------------------------------------------------------------------------


async def is_public_cover(name: str) -> bool:
    """Whether an uploaded image is the cover of a public event (drafts' stay private)."""
    return bool(name) and await Event.exists().where((Event.cover == name) & _public())


async def is_public_speaker_photo(name: str) -> bool:
    """Whether an uploaded image is the photo of a speaker at a public event."""
    return bool(name) and await Speaker.exists().where(
        (Speaker.photo == name) & Speaker.event.status.is_in(list(PUBLIC_STATUSES))
    )


async def public_event(slug: str) -> dict[str, Any] | None:
    return await Event.select().where((Event.slug == slug) & _public()).first()


@dataclass(frozen=True)
class AgendaDay:
    """One day of the agenda in the event's zone, with its sessions in order."""

    day: date
    sessions: list[dict[str, Any]]


@dataclass(frozen=True)
class Programme:
    """An event's agenda by local day and its speakers, each speaker with their sessions."""

    days: list[AgendaDay]
    speakers: list[dict[str, Any]]

    @property
    def sessions(self) -> list[dict[str, Any]]:
        return [session for day in self.days for session in day.sessions]


def local_day(moment: datetime, zone: str) -> date:
    """The calendar day a moment falls on in the event's zone (23:30 UTC is tomorrow in
    Urumqi)."""
    return _aware(moment).astimezone(ZoneInfo(zone)).date()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def group_by_day(sessions: list[dict[str, Any]], zone: str) -> list[AgendaDay]:
    days: dict[date, list[dict[str, Any]]] = {}
    for session in sorted(sessions, key=lambda s: (s["starts_at"], s["id"])):
        days.setdefault(local_day(session["starts_at"], zone), []).append(session)
    return [AgendaDay(day=day, sessions=items) for day, items in days.items()]


async def programme(event: dict[str, Any]) -> Programme:
    """Sessions grouped by the event's local day, each with its speakers; and the speakers,
    each with the sessions they speak at."""
    sessions = (
        await AgendaSession.select()
        .where(AgendaSession.event == event["id"])
        .order_by(AgendaSession.starts_at)
        .order_by(AgendaSession.id)
    )
    speakers = await Speaker.select().where(Speaker.event == event["id"]).order_by(Speaker.id)
    links = (
        await SessionSpeaker.select(SessionSpeaker.session, SessionSpeaker.speaker)
        .where(SessionSpeaker.session.is_in([s["id"] for s in sessions] or [0]))
        .order_by(SessionSpeaker.id)
    )
    by_id = {speaker["id"]: {**speaker, "sessions": []} for speaker in speakers}
    session_by_id = {session["id"]: {**session, "speakers": []} for session in sessions}
    for link in links:
        session = session_by_id.get(link["session"])
        speaker = by_id.get(link["speaker"])
        if session is None or speaker is None:
            continue
        session["speakers"].append(speaker)
        speaker["sessions"].append(session)
    return Programme(
        days=group_by_day(list(session_by_id.values()), event["timezone"]),
        speakers=list(by_id.values()),
    )


async def public_session(event: dict[str, Any], session_id: int) -> dict[str, Any] | None:
    """One session of a public event, with its speakers."""
    session = (
        await AgendaSession.select()
        .where((AgendaSession.id == session_id) & (AgendaSession.event == event["id"]))
        .first()
    )
    if session is None:
        return None
    links = (
        await SessionSpeaker.select(SessionSpeaker.speaker)
        .where(SessionSpeaker.session == session_id)
        .order_by(SessionSpeaker.id)
    )
    ids = [link["speaker"] for link in links]
    speakers = await Speaker.select().where(Speaker.id.is_in(ids or [0]))
    order = {speaker_id: index for index, speaker_id in enumerate(ids)}
    return {**session, "speakers": sorted(speakers, key=lambda s: order[s["id"]])}


# --- the registration box --------------------------------------------------------------


class Availability(StrEnum):
    """What the registration box on an event's page says."""

    not_yet = "not_yet"  # opens later (on `opens_at` when known)
    open = "open"
    waiting_list = "waiting_list"  # open, but new registrants join the waiting list
    closed = "closed"
    ended = "ended"


@dataclass(frozen=True)
class RegistrationBox:
    availability: Availability
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    approval_required: bool = False
    self_registration: bool = True
    seats_left: int | None = None  # None: no limit

    @property
    def accepts_registrations(self) -> bool:
        return self.availability in (Availability.open, Availability.waiting_list)


async def registration_box(event: dict[str, Any], now: datetime | None = None) -> RegistrationBox:
    now = now or _now()
    common = {
        "opens_at": event["registration_opens_at"],
        "closes_at": event["registration_closes_at"],
        "approval_required": bool(event["approval_required"]),
        "self_registration": bool(event["self_registration"]),
    }
    status = event["status"]
    if status in (EventStatus.finished, EventStatus.archived) or _aware(event["ends_at"]) < now:
        return RegistrationBox(Availability.ended, **common)
    if registration_is_open(event, now):
        counts = await seats.counts(event)
        full = counts["left"] == 0
        if event["capacity"] is not None and not full:
            # Someone registering on their own only gets a general seat: seats reserved for
            # partner organizations do not keep the waiting list away from them.
            reserved = await seats.reserved_seats(event["id"])
            full = event["capacity"] - reserved - event["general_taken"] <= 0
        availability = Availability.waiting_list if full else Availability.open
        return RegistrationBox(availability, seats_left=counts["left"], **common)
    opens_later = status == EventStatus.published or (
        status == EventStatus.registration_open
        and event["registration_opens_at"] is not None
        and now < _aware(event["registration_opens_at"])
    )
    if opens_later:
        return RegistrationBox(Availability.not_yet, **common)
    return RegistrationBox(Availability.closed, **common)


# --- dates as people read them ---------------------------------------------------------


def date_span(starts: datetime, ends: datetime, zone: str) -> str:
    """The days an event covers in its zone, in the page language ("Sep 10 – 11, 2026")."""
    tz = ZoneInfo(zone)
    return babel_dates.format_interval(
        _aware(starts).astimezone(tz),
        _aware(ends).astimezone(tz),
        "yMMMd",
        tzinfo=tz,
        locale=i18n.locale(i18n.current_language()),
    )


def time_span(starts: datetime, ends: datetime, zone: str) -> str:
    """A session's times in the event's zone ("09:00–10:30"), on the locale's clock."""
    tz = ZoneInfo(zone)
    lang_locale = i18n.locale(i18n.current_language())
    clock = "hm" if "h" in str(lang_locale.time_formats["short"]) else "Hm"
    start, end = _aware(starts).astimezone(tz), _aware(ends).astimezone(tz)
    if start.date() != end.date():
        # Past midnight: the end carries its day (Babel's interval would print seconds).
        end_time = babel_dates.format_time(end, "short", tzinfo=tz, locale=lang_locale)
        end_day = babel_dates.format_date(end, "medium", locale=lang_locale)
        start_time = babel_dates.format_time(start, "short", tzinfo=tz, locale=lang_locale)
        end_shown = str(lang_locale.datetime_formats["medium"]).format(end_time, end_day)
        return f"{start_time} – {end_shown}"
    return babel_dates.format_interval(start, end, clock, tzinfo=tz, locale=lang_locale)
