"""Placing accepted 1:1 meetings: the event's meeting slots are its agenda sessions of the
kind "matchmaking", each with the call's number of tables. The organizer flags registrants as
investors, runs the scheduler (events.roadshows.services.scheduler), sees the grid of
tables × slots, moves a meeting and marks no-shows. Each person sees their own schedule,
says which slots they cannot attend, and downloads it as an .ics file."""

from __future__ import annotations

from typing import Any

import icalendar

from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.settings import get_settings
from events.roadshows.services import scheduler
from events.roadshows.tables import (
    Attendee,
    Meeting,
    MeetingStatus,
    RoadshowCall,
    Submission,
    Unavailable,
)
from events.tables import AgendaSession, Registration, RegistrationStatus, SessionKind


def _party_user(user_id: int) -> str:
    return f"user:{user_id}"


def _party_team(submission_id: int) -> str:
    return f"submission:{submission_id}"


async def slots_of(event: dict[str, Any]) -> list[dict[str, Any]]:
    return await (
        AgendaSession.select()
        .where(
            (AgendaSession.event == event["id"])
            & (AgendaSession.kind == SessionKind.matchmaking.value)
        )
        .order_by(AgendaSession.starts_at)
        .output(load_json=True)
    )


async def registrants(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Confirmed registrations of the event, each with its investor flag."""
    rows = await (
        Registration.select(Registration.id, Registration.name, Registration.email)
        .where(
            (Registration.event == event["id"])
            & (Registration.status == RegistrationStatus.confirmed.value)
        )
        .order_by(Registration.name)
    )
    flagged = {
        row["registration"]: row["investor"]
        for row in await Attendee.select().where(Attendee.event == event["id"])
    }
    for row in rows:
        row["investor"] = flagged.get(row["id"], False)
    return rows


async def set_investor(
    actor: Viewer, event: dict[str, Any], registration_id: int, investor: bool, client: str = ""
) -> None:
    require(actor, "roadshow.manage")
    async with write_transaction():
        found = await Registration.exists().where(
            (Registration.id == registration_id) & (Registration.event == event["id"])
        )
        if not found:
            raise ValidationFailed({"": gettext("Choose a registrant of this event.")})
        await Attendee.delete().where(Attendee.registration == registration_id)
        if investor:
            await Attendee(event=event["id"], registration=registration_id, investor=True).save()
        await record(
            actor,
            "roadshow.investor_flag",
            "registration",
            registration_id,
            client=client,
            after={"investor": investor},
        )


async def _accepted_meetings(event_id: int) -> list[dict[str, Any]]:
    return await (
        Meeting.select()
        .where((Meeting.event == event_id) & (Meeting.status == MeetingStatus.accepted.value))
        .order_by(Meeting.id)
    )


async def _unavailable(slot_ids: list[int]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    if slot_ids:
        for row in await Unavailable.select().where(Unavailable.slot.is_in(slot_ids)):
            found.setdefault(row["party"], set()).add(row["slot"])
    return found


async def run_scheduler(
    actor: Viewer, event: dict[str, Any], call: dict[str, Any], tables: int, client: str = ""
) -> tuple[int, int]:
    """Place every accepted meeting that has no place yet; placed ones stay. Returns
    (placed now, left without a place)."""
    require(actor, "roadshow.manage")
    if not 1 <= tables <= 500:
        raise ValidationFailed({"tables": gettext("Enter a number of tables from 1 to 500.")})
    async with write_transaction():
        await RoadshowCall.update({RoadshowCall.meeting_tables: tables}).where(
            RoadshowCall.id == call["id"]
        )
        slots = await slots_of(event)
        if not slots:
            raise ValidationFailed(
                {"": gettext("Add meeting slots (agenda sessions of the kind matchmaking) first.")}
            )
        by_start = {slot["id"]: slot["starts_at"] for slot in slots}
        meetings = await _accepted_meetings(event["id"])
        wanted = [
            scheduler.Wanted(m["id"], (_party_user(m["requester"]), _party_team(m["submission"])))
            for m in meetings
        ]
        fixed = {
            m["id"]: (by_start[m["slot"]], m["table_number"])
            for m in meetings
            if m["slot"] in by_start and m["table_number"] and m["table_number"] <= tables
        }
        unavailable = {
            party: {by_start[s] for s in ids if s in by_start}
            for party, ids in (await _unavailable(list(by_start))).items()
        }
        plan = scheduler.schedule(
            wanted, [scheduler.Slot(s["starts_at"], tables) for s in slots], unavailable, fixed
        )
        slot_at = {start: slot_id for slot_id, start in by_start.items()}
        for meeting_id, (at, table) in plan.placed.items():
            await Meeting.update({Meeting.slot: slot_at[at], Meeting.table_number: table}).where(
                Meeting.id == meeting_id
            )
        for meeting_id in plan.unplaced:
            await Meeting.update({Meeting.slot: None, Meeting.table_number: None}).where(
                Meeting.id == meeting_id
            )
        await record(
            actor,
            "roadshow.meetings_schedule",
            "event",
            event["id"],
            client=client,
            after={"placed": len(plan.placed), "unplaced": len(plan.unplaced)},
        )
    return len(plan.placed), len(plan.unplaced)


async def _described(event_id: int) -> list[dict[str, Any]]:
    return await (
        Meeting.select(
            Meeting.all_columns(),
            Meeting.requester.name.as_alias("investor"),
            Meeting.submission.code.as_alias("code"),
            Meeting.submission.title.as_alias("title"),
            Meeting.submission.organization.as_alias("organization"),
        )
        .where((Meeting.event == event_id) & (Meeting.status == MeetingStatus.accepted.value))
        .order_by(Meeting.id)
        .output(load_json=True)
    )


async def grid(event: dict[str, Any], call: dict[str, Any]) -> dict[str, Any]:
    """Rows of slots, each with one cell per table (a meeting or None), and the meetings
    still without a place."""
    slots = await slots_of(event)
    tables = call["meeting_tables"]
    meetings = await _described(event["id"])
    cells = {(m["slot"], m["table_number"]): m for m in meetings if m["slot"]}
    rows = [
        {"slot": slot, "cells": [cells.get((slot["id"], n)) for n in range(1, tables + 1)]}
        for slot in slots
    ]
    return {
        "rows": rows,
        "tables": list(range(1, tables + 1)),
        "unplaced": [m for m in meetings if not m["slot"]],
        "meetings": meetings,
    }


async def move(
    actor: Viewer,
    event: dict[str, Any],
    call: dict[str, Any],
    meeting_id: int,
    slot_id: int,
    table: int,
    client: str = "",
) -> None:
    """Put an accepted meeting at another slot and table, if both are free for it."""
    require(actor, "roadshow.manage")
    async with write_transaction():
        meeting = (
            await Meeting.select()
            .where(
                (Meeting.id == meeting_id)
                & (Meeting.event == event["id"])
                & (Meeting.status == MeetingStatus.accepted.value)
            )
            .first()
        )
        if meeting is None:
            raise ValidationFailed({"": gettext("This meeting no longer exists.")})
        if slot_id not in {slot["id"] for slot in await slots_of(event)}:
            raise ValidationFailed({"": gettext("Choose a meeting slot of this event.")})
        if not 1 <= table <= call["meeting_tables"]:
            raise ValidationFailed({"": gettext("Choose one of the event's tables.")})
        others = await Meeting.select().where(
            (Meeting.slot == slot_id) & (Meeting.id != meeting_id)
        )
        if any(other["table_number"] == table for other in others):
            raise ValidationFailed({"": gettext("That table is taken in that slot.")})
        parties = {_party_user(meeting["requester"]), _party_team(meeting["submission"])}
        busy = {_party_user(o["requester"]) for o in others} | {
            _party_team(o["submission"]) for o in others
        }
        away = await _unavailable([slot_id])
        if parties & busy or any(slot_id in away.get(party, ()) for party in parties):
            raise ValidationFailed(
                {"": gettext("One side of this meeting is busy or away in that slot.")}
            )
        await Meeting.update({Meeting.slot: slot_id, Meeting.table_number: table}).where(
            Meeting.id == meeting_id
        )
        await record(actor, "roadshow.meeting_move", "meeting", meeting_id, client=client)


async def mark_no_show(
    actor: Viewer, event: dict[str, Any], meeting_id: int, no_show: bool, client: str = ""
) -> None:
    require(actor, "roadshow.manage")
    async with write_transaction():
        await Meeting.update({Meeting.no_show: no_show}).where(
            (Meeting.id == meeting_id) & (Meeting.event == event["id"])
        )
        await record(actor, "roadshow.meeting_no_show", "meeting", meeting_id, client=client)


async def _teams_of(viewer: Viewer, event: dict[str, Any]) -> list[int]:
    if not viewer.organization_ids:
        return []
    rows = await Submission.select(Submission.id).where(
        (Submission.event == event["id"])
        & (Submission.organization.is_in(list(viewer.organization_ids)))
    )
    return [row["id"] for row in rows]


async def schedule_of(viewer: Viewer, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The viewer's placed meetings, as investor or as a pitching team, in time order."""
    teams = set(await _teams_of(viewer, event))
    mine = [
        m
        for m in await _described(event["id"])
        if m["slot"] and (m["requester"] == viewer.id or m["submission"] in teams)
    ]
    slots = {slot["id"]: slot for slot in await slots_of(event)}
    for meeting in mine:
        meeting["starts_at"] = slots[meeting["slot"]]["starts_at"]
        meeting["ends_at"] = slots[meeting["slot"]]["ends_at"]
        meeting["as_team"] = meeting["submission"] in teams
    return sorted(mine, key=lambda m: (m["starts_at"], m["table_number"]))


async def parties_of(viewer: Viewer, event: dict[str, Any]) -> list[str]:
    return [_party_user(viewer.id or 0)] + [_party_team(s) for s in await _teams_of(viewer, event)]


async def away_slots(viewer: Viewer, event: dict[str, Any]) -> set[int]:
    parties = await parties_of(viewer, event)
    rows = await Unavailable.select(Unavailable.slot).where(Unavailable.party.is_in(parties))
    return {row["slot"] for row in rows}


async def set_away(viewer: Viewer, event: dict[str, Any], slot_ids: list[int]) -> None:
    """Record the meeting slots the viewer (and their teams) cannot attend."""
    valid = {slot["id"] for slot in await slots_of(event)}
    chosen = [s for s in slot_ids if s in valid]
    parties = await parties_of(viewer, event)
    async with write_transaction():
        await Unavailable.delete().where(
            Unavailable.party.is_in(parties) & Unavailable.slot.is_in(list(valid) or [0])
        )
        for party in parties:
            for slot_id in chosen:
                await Unavailable(slot=slot_id, party=party, key=f"{slot_id}:{party}").save()


def ics(event: dict[str, Any], meetings: list[dict[str, Any]], lang: str) -> bytes:
    """The viewer's meetings as an iCalendar file, in the event's time zone."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(event["timezone"])
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Hongshan//Roadshow meetings//EN")
    calendar.add("version", "2.0")
    host = get_settings().base_url.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    event_title = Translated.load(event["title"]).show(lang).text
    for meeting in meetings:
        item = icalendar.Event()
        item.add("uid", f"roadshow-meeting-{meeting['id']}@{host}")
        item.add("dtstamp", meeting["created_at"])
        item.add("dtstart", meeting["starts_at"].astimezone(zone))
        item.add("dtend", meeting["ends_at"].astimezone(zone))
        title = Translated.load(meeting["title"]).show(lang).text
        item.add(
            "summary",
            gettext("Meeting: %(project)s (%(code)s)", project=title, code=meeting["code"]),
        )
        item.add("location", gettext("Table %(number)s", number=meeting["table_number"]))
        item.add("description", gettext("Part of %(event)s", event=event_title))
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()


async def may_have_schedule(viewer: Viewer, event: dict[str, Any]) -> bool:
    """A pitching team of the event has a schedule page even without a registration."""
    return bool(await _teams_of(viewer, event))
