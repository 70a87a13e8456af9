"""Factories for roadshows: a roadshow event with an open call, submissions, reviewers."""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from core.access import Viewer
from core.content import Translated
from core.tables import Membership, User
from events.roadshows.services import calls
from events.roadshows.tables import Attendee, Review, RoadshowCall, Submission
from events.tables import AgendaSession, Registration
from tests.events.factories import make_event

_numbers = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CRITERIA = [
    {"key": "innovation", "label": Translated.of("en", en="Innovation").dump(), "weight": 30},
    {"key": "market", "label": Translated.of("en", en="Market").dump(), "weight": 30},
    {"key": "team", "label": Translated.of("en", en="Team").dump(), "weight": 20},
    {"key": "fit", "label": Translated.of("en", en="Fit").dump(), "weight": 20},
]


def pptx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


async def make_roadshow(**call_fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A roadshow event (in Beijing time) and its call, open from ten days ago for ten days."""
    number = next(_numbers)
    event = await make_event(
        slug=f"roadshow-{number}",
        kind="roadshow",
        timezone="Asia/Shanghai",
        title=Translated.of("en", en=f"Roadshow {number}", ru=f"Роудшоу {number}").dump(),
    )
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "event": event["id"],
        "text": Translated.of("en", en="Bring your best technology.").dump(),
        "opens_at": now - timedelta(days=10),
        "closes_at": now + timedelta(days=10),
        "fields": ["agriculture", "medicine", "energy"],
        "criteria": CRITERIA,
        "reviews_per_submission": 2,
        "blind": True,
        "pitch_slots": 8,
        "rates": {},
    }
    values.update(call_fields)
    row = RoadshowCall(**values)
    await row.save()
    call = await calls.call_of(event["id"])
    assert call is not None
    call["timezone"] = event["timezone"]
    return event, call


def viewer_for(user: dict[str, Any], organization_id: int | None = None, **kw: Any) -> Viewer:
    return Viewer(
        id=user["id"],
        email=user["email"],
        role=kw.get("role", "member"),
        language=kw.get("language", "en"),
        organization_ids=frozenset([organization_id] if organization_id else []),
    )


async def make_submission(
    call: dict[str, Any], organization_id: int, **fields: Any
) -> dict[str, Any]:
    number = next(_numbers)
    values: dict[str, Any] = {
        "call": call["id"],
        "event": call["event"],
        "organization": organization_id,
        "code": f"P-T{number:05d}",
        "status": "submitted",
        "title": Translated.of("en", en=f"Project {number}").dump(),
        "summary": Translated.of("en", en="A drought-resistant wheat.").dump(),
        "field": "agriculture",
        "trl": 5,
        "sought": ["investment"],
        "amount": 1000000,
        "team": [{"name": "Aigerim Sultanova", "role": "lead"}],
        "language": "en",
    }
    values.update(fields)
    row = Submission(**values)
    await row.save()
    return (
        await Submission.select().output(load_json=True).where(Submission.id == row.id).first()
    ) or {}


async def make_reviewer(email: str, organization_id: int | None = None) -> dict[str, Any]:
    user = User(email=email, name=email.split("@")[0], role="reviewer", language="zh")
    await user.save()
    if organization_id:
        await Membership(user=user.id, organization=organization_id).save()
    return {"id": user.id, "email": email}


async def make_review(submission: dict[str, Any], reviewer_id: int, **scores: int) -> int:
    row = Review(
        submission=submission["id"],
        reviewer=reviewer_id,
        pair=f"{submission['id']}:{reviewer_id}",
        scores=scores,
        done=bool(scores),
    )
    await row.save()
    return int(row.id)


async def make_investor(
    event: dict[str, Any], email: str, *, investor: bool = True, language: str = "en"
) -> dict[str, Any]:
    """A signed-up person with a confirmed registration of the event, flagged as an
    investor unless told otherwise."""
    from tests.support.factories import make_user

    user = await make_user(email=email, language=language, name=email.split("@")[0].title())
    registration = Registration(
        event=event["id"],
        code=f"R-{next(_numbers)}",
        status="confirmed",
        user=user["id"],
        name=email.split("@")[0].title(),
        email=email,
        language=language,
        answers={},
        active_key=f"{event['id']}:{email}",
    )
    await registration.save()
    if investor:
        await Attendee(event=event["id"], registration=registration.id, investor=True).save()
    return {**user, "registration": registration.id}


async def make_meeting_slots(event: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """`count` half-hour matchmaking sessions on 15 September 2026 from 14:00 Beijing time."""
    start = datetime(2026, 9, 15, 6, 0, tzinfo=UTC)
    for n in range(count):
        await AgendaSession(
            event=event["id"],
            kind="matchmaking",
            title=Translated.of("en", en=f"Meetings {n + 1}").dump(),
            description=Translated.of("en", en="").dump(),
            starts_at=start + timedelta(minutes=30 * n),
            ends_at=start + timedelta(minutes=30 * n + 25),
        ).save()
    return (
        await AgendaSession.select()
        .where((AgendaSession.event == event["id"]) & (AgendaSession.kind == "matchmaking"))
        .order_by(AgendaSession.starts_at)
    )
