"""Matchmaking, the participants' side: registrants of the roadshow whose registration the
organizers flagged as an investor (or company) browse the accepted pitches, mark interest
and ask a team for a 1:1 meeting with a short message; the team accepts or declines.

Everyone here is checked against the event: an investor not registered for this roadshow
is refused (403), a team answers only requests to its own organization's pitch (404)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.access import Viewer, require, rule
from core.audit import record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from events.roadshows.tables import (
    Attendee,
    Decision,
    Interest,
    Meeting,
    MeetingStatus,
    Submission,
)
from events.tables import Registration, RegistrationStatus

MESSAGE_LIMIT = 500


@rule("roadshow.matchmaking")
def _matchmaking(_viewer: Viewer, attendee: Any) -> bool:
    return bool(attendee and attendee["investor"])


@rule("roadshow.meeting.answer")
def _answer(viewer: Viewer, submission: Any) -> bool:
    return viewer.acts_for(submission["organization"])


async def attendee_of(viewer: Viewer, event: dict[str, Any]) -> dict[str, Any] | None:
    """The viewer's confirmed registration of the event with its investor flag, if any."""
    if viewer.id is None:
        return None
    registration = (
        await Registration.select(Registration.id)
        .where(
            (Registration.event == event["id"])
            & (Registration.user == viewer.id)
            & (Registration.status == RegistrationStatus.confirmed.value)
        )
        .first()
    )
    if registration is None:
        return None
    return await Attendee.select().where(Attendee.registration == registration["id"]).first()


async def require_investor(viewer: Viewer, event: dict[str, Any]) -> None:
    """Refuse (403) anyone but the event's flagged registrants (and organizers)."""
    attendee = await attendee_of(viewer, event)
    require(viewer, "roadshow.matchmaking", attendee if attendee else None)


async def accepted_pitches(viewer: Viewer, event: dict[str, Any]) -> list[dict[str, Any]]:
    """Accepted projects with public fields only, and the viewer's interest and request."""
    await require_investor(viewer, event)
    rows = (
        await Submission.select(
            Submission.id,
            Submission.code,
            Submission.title,
            Submission.summary,
            Submission.field,
            Submission.trl,
            Submission.stage,
            Submission.sought,
            Submission.amount,
            Submission.currency,
        )
        .where((Submission.event == event["id"]) & (Submission.decision == Decision.accepted.value))
        .order_by(Submission.code)
        .output(load_json=True)
    )
    marked = {
        row["submission"]
        for row in await Interest.select(Interest.submission).where(Interest.user == viewer.id)
    }
    requested = {
        row["submission"]: row["status"]
        for row in await Meeting.select(Meeting.submission, Meeting.status).where(
            (Meeting.requester == viewer.id) & (Meeting.event == event["id"])
        )
    }
    for row in rows:
        row["interested"] = row["id"] in marked
        row["meeting"] = requested.get(row["id"], "")
    return rows


async def _accepted(event: dict[str, Any], submission_id: int) -> dict[str, Any]:
    row = (
        await Submission.select()
        .where(
            (Submission.id == submission_id)
            & (Submission.event == event["id"])
            & (Submission.decision == Decision.accepted.value)
        )
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise ValidationFailed({"": gettext("Choose an accepted project.")})
    return row


async def toggle_interest(viewer: Viewer, event: dict[str, Any], submission_id: int) -> bool:
    """Mark or unmark interest in an accepted pitch; returns whether it is now marked."""
    await require_investor(viewer, event)
    async with write_transaction():
        submission = await _accepted(event, submission_id)
        key = f"{submission['id']}:{viewer.id}"
        if await Interest.exists().where(Interest.key == key):
            await Interest.delete().where(Interest.key == key)
            return False
        await Interest(submission=submission["id"], user=viewer.id, key=key).save()
        return True


async def request_meeting(
    viewer: Viewer, event: dict[str, Any], submission_id: int, message: str, client: str = ""
) -> int:
    """Ask the team of an accepted pitch for a 1:1 meeting; one request per project."""
    await require_investor(viewer, event)
    text = message.strip()
    if not text:
        raise ValidationFailed({"message": gettext("Write a few words about the meeting.")})
    if len(text) > MESSAGE_LIMIT:
        raise ValidationFailed(
            {
                "message": gettext(
                    "Keep the message under %(limit)d characters.", limit=MESSAGE_LIMIT
                )
            }
        )
    async with write_transaction():
        submission = await _accepted(event, submission_id)
        key = f"{submission['id']}:{viewer.id}"
        if await Meeting.exists().where(Meeting.key == key):
            raise ValidationFailed({"": gettext("You have already asked this team for a meeting.")})
        meeting = Meeting(
            event=event["id"],
            submission=submission["id"],
            requester=viewer.id,
            key=key,
            message=text,
        )
        await meeting.save()
        await record(
            viewer, "roadshow.meeting_request", "submission", submission["id"], client=client
        )
    return int(meeting.id)


async def requests_for_team(viewer: Viewer, submission: dict[str, Any]) -> list[dict[str, Any]]:
    """Meeting requests to one pitch, for its team (and organizers)."""
    require(viewer, "roadshow.meeting.answer", submission)
    return await (
        Meeting.select(
            Meeting.id,
            Meeting.message,
            Meeting.status,
            Meeting.table_number,
            Meeting.requester.name.as_alias("requester_name"),
            Meeting.requester.email.as_alias("requester_email"),
            Meeting.slot.starts_at.as_alias("starts_at"),
        )
        .where(Meeting.submission == submission["id"])
        .order_by(Meeting.id)
    )


async def answer(
    viewer: Viewer, submission: dict[str, Any], meeting_id: int, accept: bool, client: str = ""
) -> None:
    """The team accepts or declines a request; a declined meeting loses its place."""
    require(viewer, "roadshow.meeting.answer", submission)
    async with write_transaction():
        meeting = (
            await Meeting.select()
            .where((Meeting.id == meeting_id) & (Meeting.submission == submission["id"]))
            .first()
        )
        if meeting is None:
            raise ValidationFailed({"": gettext("This request no longer exists.")})
        status = MeetingStatus.accepted if accept else MeetingStatus.declined
        changes: dict[Any, Any] = {
            Meeting.status: status.value,
            Meeting.answered_at: datetime.now(UTC),
        }
        if not accept:
            changes.update({Meeting.slot: None, Meeting.table_number: None})
        await Meeting.update(changes).where(Meeting.id == meeting_id)
        await record(
            viewer, f"roadshow.meeting_{status.value}", "meeting", meeting_id, client=client
        )
