"""Pitch slots: accepted submissions placed one after another in the roadshow's agenda (as
sessions of the kind "roadshow slot"), best ranked first, with a presenter from the team and
the same room clash check the agenda has. The public list shows only public fields."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import current_language, format_datetime, gettext
from events.roadshows.services.moments import read_int, read_moment
from events.roadshows.services.ranking import ranking
from events.roadshows.tables import Decision, Pitch, Submission, SubmissionStatus
from events.tables import AgendaSession, EventStatus, SessionKind


async def accepted_in_order(call: dict[str, Any]) -> list[dict[str, Any]]:
    """Accepted submissions, best ranked first, at most as many as the call has slots."""
    return [
        entry.submission
        for entry in await ranking(call)
        if entry.submission["decision"] == Decision.accepted.value
    ][: call["pitch_slots"]]


def room_clashes(
    planned: list[tuple[Any, Any]], room: str, others: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Agenda sessions in `room` that overlap any planned (start, end)."""
    key = room.strip().casefold()
    return [
        session
        for session in others
        if key
        and session["room"].strip().casefold() == key
        and any(start < session["ends_at"] and session["starts_at"] < end for start, end in planned)
    ]


async def schedule(
    actor: Viewer,
    event: dict[str, Any],
    call: dict[str, Any],
    data: dict[str, str],
    client: str = "",
) -> int:
    """Lay the accepted pitches out from a start time, each `minutes` long with `gap`
    minutes between; refused if the room is booked for something else then."""
    require(actor, "roadshow.manage")
    errors: dict[str, str] = {}
    start = read_moment(data, "starts_at", event["timezone"], errors)
    minutes = read_int(data, "minutes", 5, 120, errors)
    gap = read_int(data, "gap", 0, 60, errors)
    room = data.get("room", "").strip()[:120]
    if not room:
        errors["room"] = gettext("Name the room.")
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        chosen = await accepted_in_order(call)
        if not chosen:
            raise ValidationFailed({"": gettext("No project has been accepted yet.")})
        times = [
            (
                start + timedelta(minutes=(minutes + gap) * n),
                start + timedelta(minutes=(minutes + gap) * n + minutes),
            )
            for n in range(len(chosen))
        ]
        existing = await Pitch.select().where(Pitch.event == event["id"])
        ours = {row["session"] for row in existing}
        others = [
            s
            for s in await AgendaSession.select().where(AgendaSession.event == event["id"])
            if s["id"] not in ours
        ]
        clashes = room_clashes(times, room, others)
        if clashes:
            first = clashes[0]
            raise ValidationFailed(
                {
                    "room": gettext(
                        "Room “%(room)s” is taken then by “%(session)s” (%(moment)s).",
                        room=room,
                        session=Translated.load(first["title"]).show(current_language()).text,
                        moment=format_datetime(first["starts_at"], event["timezone"]),
                    )
                }
            )
        await _write(event, chosen, times, room, existing)
        await record(
            actor,
            "roadshow.pitches_schedule",
            "event",
            event["id"],
            client=client,
            after={"pitches": len(chosen), "room": room},
        )
    return len(chosen)


async def _write(
    event: dict[str, Any],
    chosen: list[dict[str, Any]],
    times: list[tuple[Any, Any]],
    room: str,
    existing: list[dict[str, Any]],
) -> None:
    by_submission = {row["submission"]: row for row in existing}
    keep = {row["id"] for row in chosen}
    for row in existing:
        if row["submission"] not in keep:
            await Pitch.delete().where(Pitch.id == row["id"])
            if row["session"]:
                await AgendaSession.delete().where(AgendaSession.id == row["session"])
    for position, (submission, (starts, ends)) in enumerate(zip(chosen, times, strict=True), 1):
        values = {
            "kind": SessionKind.roadshow_slot.value,
            "title": submission["title"],
            "description": submission["summary"],
            "starts_at": starts,
            "ends_at": ends,
            "room": room,
        }
        pitch = by_submission.get(submission["id"])
        if pitch and pitch["session"]:
            await AgendaSession.update(values).where(AgendaSession.id == pitch["session"])
            await Pitch.update({Pitch.position: position}).where(Pitch.id == pitch["id"])
            continue
        session = AgendaSession(event=event["id"], track="", **values)
        await session.save()
        team = submission["team"] or []
        presenter = team[0]["name"] if team else ""
        if pitch:
            await Pitch.update({Pitch.session: session.id, Pitch.position: position}).where(
                Pitch.id == pitch["id"]
            )
        else:
            await Pitch(
                submission=submission["id"],
                event=event["id"],
                session=session.id,
                position=position,
                presenter=presenter,
            ).save()


async def set_presenter(
    actor: Viewer, event: dict[str, Any], pitch_id: int, presenter: str, client: str = ""
) -> None:
    require(actor, "roadshow.manage")
    pitch = (
        await Pitch.select().where((Pitch.id == pitch_id) & (Pitch.event == event["id"])).first()
    )
    if pitch is None:
        raise ValidationFailed({"": gettext("This pitch is no longer on the schedule.")})
    submission = (
        await Submission.select(Submission.team)
        .where(Submission.id == pitch["submission"])
        .output(load_json=True)
        .first()
    )
    names = [m["name"] for m in (submission or {}).get("team") or []]
    if presenter not in names:
        raise ValidationFailed({"presenter": gettext("Choose someone from the team.")})
    await Pitch.update({Pitch.presenter: presenter}).where(Pitch.id == pitch_id)
    await record(actor, "roadshow.presenter", "roadshow_pitch", pitch_id, client=client)


async def scheduled(event_id: int) -> list[dict[str, Any]]:
    """The event's pitches in order, with their session's time and room, and every field
    the public may read; team names only as the chosen presenter."""
    rows = (
        await Pitch.select(
            Pitch.id,
            Pitch.position,
            Pitch.presenter,
            Pitch.submission.id.as_alias("submission_id"),
            Pitch.submission.title.as_alias("title"),
            Pitch.submission.summary.as_alias("summary"),
            Pitch.submission.field.as_alias("field"),
            Pitch.submission.trl.as_alias("trl"),
            Pitch.submission.stage.as_alias("stage"),
            Pitch.submission.sought.as_alias("sought"),
            Pitch.submission.team.as_alias("team"),
            Pitch.submission.organization.name.as_alias("organization_name"),
            Pitch.submission.organization.country.as_alias("country"),
            Pitch.session.starts_at.as_alias("starts_at"),
            Pitch.session.ends_at.as_alias("ends_at"),
            Pitch.session.room.as_alias("room"),
        )
        .where(
            (Pitch.event == event_id)
            & (Pitch.submission.decision == Decision.accepted.value)
            & (Pitch.submission.status == SubmissionStatus.submitted.value)
        )
        .order_by(Pitch.position)
        .output(load_json=True)
    )
    return rows


def is_public(event: dict[str, Any]) -> bool:
    return event["status"] != EventStatus.draft.value
