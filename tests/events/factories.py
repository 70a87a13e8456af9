"""Factories for events, their agenda sessions and speakers, and registrations."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from core.content import Translated
from events.tables import AgendaSession, Event, EventQuota, SessionSpeaker, Speaker

_numbers = itertools.count(1)


async def make_event(**fields: Any) -> dict[str, Any]:
    number = next(_numbers)
    starts = datetime.now(UTC) + timedelta(days=30)
    values: dict[str, Any] = {
        "slug": f"event-{number}",
        "kind": "forum",
        "status": "registration_open",
        "title": Translated.of("en", en=f"Forum {number}", ru=f"Форум {number}").dump(),
        "summary": Translated.of("en", en="A forum.").dump(),
        "description": Translated.of("en", en="About the forum.").dump(),
        "venue": Translated.of("en", en="Urumqi Convention Centre").dump(),
        "city": Translated.of("en", en="Urumqi", zh="乌鲁木齐").dump(),
        "timezone": "Asia/Urumqi",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=8),
        "capacity": 50,
    }
    values.update(fields)
    event = Event(**values)
    await event.save()
    return (await Event.select().where(Event.id == event.id).first()) or {}


async def make_quota(event_id: int, organization_id: int, seats: int) -> None:
    await EventQuota(
        event=event_id,
        organization=organization_id,
        seats=seats,
        event_organization=f"{event_id}:{organization_id}",
    ).save()


async def make_session(event: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An agenda session of `event` (an hour from the event's start unless told)."""
    speakers = fields.pop("speakers", [])
    starts = fields.pop("starts_at", event["starts_at"])
    values: dict[str, Any] = {
        "event": event["id"],
        "kind": "plenary",
        "title": Translated.of("en", en="Opening plenary", ru="Пленарное заседание").dump(),
        "description": Translated.of("en", en="Welcome addresses.").dump(),
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "room": "Hall A",
        "track": "",
    }
    values.update(fields)
    session = AgendaSession(**values)
    await session.save()
    for speaker in speakers:
        await SessionSpeaker(session=session.id, speaker=speaker["id"]).save()
    return {"id": session.id, **values}


async def make_speaker(event: dict[str, Any], **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "event": event["id"],
        "name": Translated.of("en", en="Aigerim Sultanova", ru="Айгерим Султанова").dump(),
        "position": Translated.of("en", en="Director").dump(),
        "affiliation": Translated.of(
            "en", en="China–Central Asia Technology Transfer Center"
        ).dump(),
        "bio": Translated.of("en", en="Works on technology transfer.").dump(),
    }
    values.update(fields)
    speaker = Speaker(**values)
    await speaker.save()
    return {"id": speaker.id, **values}
