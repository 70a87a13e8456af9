"""The event core's sections of the home page (core.home): the next annual conference with
its dates in its own zone and how to register or add it to a calendar, then the upcoming
forums, roadshows and matchmaking sessions. One query each."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.hooks import HomeSection
from events.services.catalog import PUBLIC_STATUSES, date_span
from events.services.labels import kind_labels
from events.services.registrations import registration_is_open
from events.tables import Event, EventKind

UPCOMING = 4


def _upcoming(now: datetime) -> Any:
    return Event.status.is_in(list(PUBLIC_STATUSES)) & (Event.ends_at >= now)


async def next_conference(lang: str, now: datetime | None = None) -> dict[str, Any] | None:
    now = now or datetime.now(UTC)
    event = (
        await Event.select()
        .where(_upcoming(now) & (Event.kind == EventKind.conference.value))
        .order_by(Event.starts_at)
        .first()
    )
    if event is None:
        return None
    return {
        "event": event,
        "registration_open": registration_is_open(event, now),
        "date_span": date_span,
        "lang": lang,
    }


async def upcoming_events(lang: str, now: datetime | None = None) -> dict[str, Any] | None:
    now = now or datetime.now(UTC)
    events = (
        await Event.select(
            Event.slug,
            Event.kind,
            Event.title,
            Event.summary,
            Event.city,
            Event.timezone,
            Event.starts_at,
            Event.ends_at,
        )
        .where(_upcoming(now) & (Event.kind != EventKind.conference.value))
        .order_by(Event.starts_at)
        .limit(UPCOMING)
    )
    if not events:
        return None
    return {"events": events, "kinds": kind_labels(), "date_span": date_span, "lang": lang}


SECTIONS = (
    HomeSection("conference", "events/home/_conference.html", next_conference, order=10),
    HomeSection("upcoming-events", "events/home/_upcoming.html", upcoming_events, order=20),
)
