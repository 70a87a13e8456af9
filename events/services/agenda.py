"""An event's agenda: sessions in the event's own time zone, speakers with translated names
and bios, and the clashes an organizer has to resolve before publishing (one room, or one
speaker, booked for two sessions at once).

Sessions must fall on the event's days (in its time zone): an agenda item outside them would
show on the public page and in calendars under a day the event does not have. Such a session
is refused when saved; if the event's dates move later, the agenda page flags the sessions
left outside instead of deleting anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.access import Viewer
from core.audit import changed_fields, jsonable, record, record_changes
from core.content import Translated, plain_text
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import format_date, format_time, gettext
from core.moments import local_date, local_input, read_moment
from core.translated_forms import check_length, row_form_values, source_language, translated
from core.uploads import UploadRefused, store_image
from events import search as event_search
from events.services.events import MEDIA_FOLDER, get_by_id, require_editable
from events.tables import AgendaSession, SessionKind, SessionSpeaker, Speaker

SESSION_FIELDS = ("title", "description")
SPEAKER_FIELDS = ("name", "position", "affiliation", "bio")
SESSION_LIMITS = {"title": 300, "description": 5000}
SPEAKER_LIMITS = {"name": 200, "position": 300, "affiliation": 300, "bio": 5000}
MAX_PHOTO_BYTES = 1024 * 1024


# --- reading ---------------------------------------------------------------------------------


async def speakers(event_id: int) -> list[dict[str, Any]]:
    return await Speaker.select().where(Speaker.event == event_id).order_by(Speaker.id)


async def get_speaker(event_id: int, speaker_id: int) -> dict[str, Any] | None:
    return (
        await Speaker.select()
        .where((Speaker.id == speaker_id) & (Speaker.event == event_id))
        .first()
    )


async def sessions(event_id: int) -> list[dict[str, Any]]:
    """The event's sessions in time order, each with its `speakers` (rows, in the order they
    were assigned) and `speaker_ids`."""
    rows = (
        await AgendaSession.select()
        .where(AgendaSession.event == event_id)
        .order_by(AgendaSession.starts_at)
        .order_by(AgendaSession.room)
        .order_by(AgendaSession.id)
    )
    by_id = {speaker["id"]: speaker for speaker in await speakers(event_id)}
    links = (
        await SessionSpeaker.select(SessionSpeaker.session, SessionSpeaker.speaker)
        .where(SessionSpeaker.session.is_in([row["id"] for row in rows] or [0]))
        .order_by(SessionSpeaker.id)
    )
    for row in rows:
        row["speaker_ids"] = [link["speaker"] for link in links if link["session"] == row["id"]]
        row["speakers"] = [by_id[i] for i in row["speaker_ids"] if i in by_id]
    return rows


async def get_session(event_id: int, session_id: int) -> dict[str, Any] | None:
    return next((row for row in await sessions(event_id) if row["id"] == session_id), None)


@dataclass(frozen=True)
class Day:
    """One day of the agenda, as a date in the event's time zone."""

    date: date
    sessions: list[dict[str, Any]]


def group_by_day(rows: list[dict[str, Any]], zone: str) -> list[Day]:
    grouped: dict[date, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(local_date(row["starts_at"], zone), []).append(row)
    return [Day(day, grouped[day]) for day in sorted(grouped)]


async def days(event: dict[str, Any]) -> list[Day]:
    """The agenda grouped by local date in the event's time zone."""
    return group_by_day(await sessions(event["id"]), event["timezone"])


def event_window(event: dict[str, Any]) -> tuple[datetime, datetime]:
    """From the start of the event's first day to the end of its last, in its time zone."""
    zone = ZoneInfo(event["timezone"])
    first = local_date(event["starts_at"], event["timezone"])
    last = local_date(event["ends_at"], event["timezone"])
    return (
        datetime.combine(first, time(0), zone),
        datetime.combine(last + timedelta(days=1), time(0), zone),
    )


def outside_event(event: dict[str, Any], session: dict[str, Any]) -> bool:
    start, end = event_window(event)
    return session["starts_at"] < start or session["ends_at"] > end


def span(start: datetime, end: datetime, zone: str) -> str:
    """ "3 Jun 2026, 09:30–11:00" in the page language, times in `zone`."""
    tz = ZoneInfo(zone)
    return gettext(
        "%(day)s, %(start)s–%(end)s",
        day=format_date(start.astimezone(tz)),
        start=format_time(start, zone),
        end=format_time(end, zone),
    )


# --- clashes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    """Two sessions that cannot both happen: `kind` is "room" or "speaker"."""

    kind: str
    session_ids: tuple[int, int]
    message: str

    def __str__(self) -> str:
        return self.message


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["starts_at"] < b["ends_at"] and b["starts_at"] < a["ends_at"]


def find_clashes(rows: list[dict[str, Any]], zone: str) -> list[Clash]:
    """Pairs of overlapping sessions in one room (rooms compared without case or spaces at
    the ends) or with one speaker, described in the page language."""
    found: list[Clash] = []
    ordered = sorted(rows, key=lambda row: (row["starts_at"], row["id"]))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            if second["starts_at"] >= first["ends_at"]:
                break  # sorted by start: nothing later overlaps `first`
            if not _overlap(first, second):
                continue
            shared = {
                "first": plain_text(first["title"]),
                "first_time": span(first["starts_at"], first["ends_at"], zone),
                "second": plain_text(second["title"]),
                "second_time": span(second["starts_at"], second["ends_at"], zone),
            }
            ids = (first["id"], second["id"])
            room = first["room"].strip()
            if room and room.casefold() == second["room"].strip().casefold():
                message = gettext(
                    "Room “%(room)s” is booked twice: “%(first)s” (%(first_time)s) overlaps "
                    "“%(second)s” (%(second_time)s).",
                    room=room,
                    **shared,
                )
                found.append(Clash("room", ids, message))
            for speaker in first["speakers"]:
                if speaker["id"] in second["speaker_ids"]:
                    message = gettext(
                        "%(speaker)s is due in two sessions at once: “%(first)s” "
                        "(%(first_time)s) and “%(second)s” (%(second_time)s).",
                        speaker=plain_text(speaker["name"]),
                        **shared,
                    )
                    found.append(Clash("speaker", ids, message))
    return found


async def clashes(event_id: int) -> list[Clash]:
    """Everything that double-books a room or a speaker in this event's agenda."""
    event = await get_by_id(event_id)
    if event is None:
        return []
    return find_clashes(await sessions(event_id), event["timezone"])


async def untranslated(event_id: int) -> dict[str, int]:
    """How many sessions (by title) and speakers (by name) still lack a language."""
    rows = await AgendaSession.select(AgendaSession.title).where(AgendaSession.event == event_id)
    people = await Speaker.select(Speaker.name).where(Speaker.event == event_id)
    return {
        "sessions": sum(1 for row in rows if Translated.load(row["title"]).missing()),
        "speakers": sum(1 for row in people if Translated.load(row["name"]).missing()),
    }


# --- sessions --------------------------------------------------------------------------------


def clean_session(
    data: dict[str, str], event: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    source = source_language(data, errors)
    content = {field: translated(data, field, source) for field in SESSION_FIELDS}
    if source not in content["title"].text:
        errors[f"title_{source}"] = gettext("Enter the title in its source language.")
    for field, limit in SESSION_LIMITS.items():
        check_length(content[field], field, limit, errors)
    kind = data.get("kind", "")
    if kind not in {k.value for k in SessionKind}:
        errors["kind"] = gettext("Choose a kind of session.")
    room = " ".join(data.get("room", "").split())
    track = " ".join(data.get("track", "").split())
    for name, value in (("room", room), ("track", track)):
        if len(value) > 120:
            errors[name] = gettext("Use at most %(num)d characters.", num=120)
    zone = event["timezone"]
    starts = read_moment(data, "starts_at", zone, errors, required=True)
    ends = read_moment(data, "ends_at", zone, errors, required=True)
    if starts and ends and ends <= starts:
        errors["ends_at"] = gettext("The end must be after the start.")
    elif starts and ends and outside_event(event, {"starts_at": starts, "ends_at": ends}):
        errors["starts_at"] = _outside_message(event)
    values = {
        "kind": kind,
        **{field: content[field].dump() for field in SESSION_FIELDS},
        "starts_at": starts,
        "ends_at": ends,
        "room": room,
        "track": track,
    }
    return values, errors


def _outside_message(event: dict[str, Any]) -> str:
    first = local_date(event["starts_at"], event["timezone"])
    last = local_date(event["ends_at"], event["timezone"])
    if first == last:
        return gettext(
            "Sessions must take place on the day of the event, %(day)s.", day=format_date(first)
        )
    return gettext(
        "Sessions must take place during the event, from %(first)s to %(last)s.",
        first=format_date(first),
        last=format_date(last),
    )


async def _speaker_ids(event_id: int, raw: list[str], errors: dict[str, str]) -> list[int]:
    known = {row["id"] for row in await speakers(event_id)}
    chosen: list[int] = []
    for value in raw:
        if not value.isdigit() or int(value) not in known:
            errors["speakers"] = gettext("Choose speakers from the list.")
            return []
        if int(value) not in chosen:
            chosen.append(int(value))
    return chosen


def session_form_values(session: dict[str, Any], zone: str) -> dict[str, Any]:
    values: dict[str, Any] = row_form_values(session, SESSION_FIELDS)
    values.update(
        {
            "kind": session["kind"],
            "room": session["room"],
            "track": session["track"],
            "starts_at": local_input(session["starts_at"], zone),
            "ends_at": local_input(session["ends_at"], zone),
        }
    )
    return values


def new_session_values(event: dict[str, Any]) -> dict[str, Any]:
    start = local_input(event["starts_at"], event["timezone"])
    return {
        "source_language": "zh",
        "kind": SessionKind.plenary.value,
        "starts_at": start,
        "ends_at": start,
    }


async def create_session(
    actor: Viewer,
    event: dict[str, Any],
    data: dict[str, str],
    speaker_ids: list[str],
    client: str = "",
) -> int:
    require_editable(actor, event)
    values, errors = clean_session(data, event)
    chosen = await _speaker_ids(event["id"], speaker_ids, errors)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        session = AgendaSession(event=event["id"], **values)
        await session.save()
        for speaker_id in chosen:
            await SessionSpeaker(session=session.id, speaker=speaker_id).save()
    await event_search.event_changed(event["id"])
    await record(
        actor,
        "agenda.session.create",
        "agenda_session",
        session.id,
        client=client,
        after=jsonable({"event": event["id"], **values, "speakers": chosen}),
    )
    return session.id


async def update_session(
    actor: Viewer,
    event: dict[str, Any],
    session: dict[str, Any],
    data: dict[str, str],
    speaker_ids: list[str],
    client: str = "",
) -> None:
    require_editable(actor, event)
    values, errors = clean_session(data, event)
    chosen = await _speaker_ids(event["id"], speaker_ids, errors)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        await AgendaSession.update(values).where(AgendaSession.id == session["id"])
        await SessionSpeaker.delete().where(SessionSpeaker.session == session["id"])
        for speaker_id in chosen:
            await SessionSpeaker(session=session["id"], speaker=speaker_id).save()
    before = {
        **{k: session[k] for k in ("kind", "starts_at", "ends_at", "room", "track")},
        **{field: Translated.load(session[field]).dump() for field in SESSION_FIELDS},
        "speakers": session["speaker_ids"],
    }
    await event_search.event_changed(event["id"])
    before, after = changed_fields(before, {**values, "speakers": chosen})
    if after:
        await record(
            actor,
            "agenda.session.update",
            "agenda_session",
            session["id"],
            client=client,
            before=jsonable(before),
            after=jsonable(after),
        )


async def delete_session(
    actor: Viewer, event: dict[str, Any], session: dict[str, Any], client: str = ""
) -> None:
    require_editable(actor, event)
    async with write_transaction():
        await SessionSpeaker.delete().where(SessionSpeaker.session == session["id"])
        await AgendaSession.delete().where(AgendaSession.id == session["id"])
    await event_search.event_changed(event["id"])
    await record(
        actor,
        "agenda.session.delete",
        "agenda_session",
        session["id"],
        client=client,
        before=jsonable(
            {
                "event": event["id"],
                "title": Translated.load(session["title"]).dump(),
                "starts_at": session["starts_at"],
                "ends_at": session["ends_at"],
                "room": session["room"],
                "speakers": session["speaker_ids"],
            }
        ),
    )


# --- speakers --------------------------------------------------------------------------------


def clean_speaker(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    source = source_language(data, errors)
    content = {field: translated(data, field, source) for field in SPEAKER_FIELDS}
    if source not in content["name"].text:
        errors[f"name_{source}"] = gettext("Enter the name in its source language.")
    for field, limit in SPEAKER_LIMITS.items():
        check_length(content[field], field, limit, errors)
    return {field: content[field].dump() for field in SPEAKER_FIELDS}, errors


def _photo(content: bytes | None, errors: dict[str, str]) -> str:
    if not content:
        return ""
    try:
        return store_image(content, MEDIA_FOLDER, "speaker", MAX_PHOTO_BYTES)
    except UploadRefused as refusal:
        errors["photo"] = refusal.message
        return ""


def speaker_form_values(speaker: dict[str, Any]) -> dict[str, str]:
    return row_form_values(speaker, SPEAKER_FIELDS)


async def create_speaker(
    actor: Viewer,
    event: dict[str, Any],
    data: dict[str, str],
    photo: bytes | None = None,
    client: str = "",
) -> int:
    require_editable(actor, event)
    values, errors = clean_speaker(data)
    if not errors:
        values["photo"] = _photo(photo, errors)
    if errors:
        raise ValidationFailed(errors)
    speaker = Speaker(event=event["id"], **values)
    await speaker.save()
    await event_search.event_changed(event["id"])
    await record(
        actor,
        "agenda.speaker.create",
        "speaker",
        speaker.id,
        client=client,
        after={"event": event["id"], **values},
    )
    return speaker.id


async def update_speaker(
    actor: Viewer,
    event: dict[str, Any],
    speaker: dict[str, Any],
    data: dict[str, str],
    photo: bytes | None = None,
    client: str = "",
) -> None:
    require_editable(actor, event)
    values, errors = clean_speaker(data)
    if not errors:
        values["photo"] = _photo(photo, errors) or speaker["photo"]
    if errors:
        raise ValidationFailed(errors)
    await Speaker.update(values).where(Speaker.id == speaker["id"])
    before = {
        **{field: Translated.load(speaker[field]).dump() for field in SPEAKER_FIELDS},
        "photo": speaker["photo"],
    }
    await event_search.event_changed(event["id"])
    await record_changes(
        actor,
        "agenda.speaker.update",
        "speaker",
        speaker["id"],
        client=client,
        before=before,
        after=values,
    )


async def delete_speaker(
    actor: Viewer, event: dict[str, Any], speaker: dict[str, Any], client: str = ""
) -> None:
    """Remove a speaker and take them off every session they were in."""
    require_editable(actor, event)
    async with write_transaction():
        await SessionSpeaker.delete().where(SessionSpeaker.speaker == speaker["id"])
        await Speaker.delete().where(Speaker.id == speaker["id"])
    await event_search.event_changed(event["id"])
    await record(
        actor,
        "agenda.speaker.delete",
        "speaker",
        speaker["id"],
        client=client,
        before={"event": event["id"], "name": Translated.load(speaker["name"]).dump()},
    )
