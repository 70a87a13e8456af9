"""Factories for events and registrations."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from core.content import Translated
from events.tables import Event, EventQuota

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
