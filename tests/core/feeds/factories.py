"""Feed test data: sources, calendars dated relative to now, and a strict fast policy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from core.feeds.policy import FeedPolicy
from core.tables import FeedSource

# Tight limits so the slow and oversize fixtures end quickly.
FAST = FeedPolicy(
    deadline_s=1.5,
    idle_timeout_s=1.0,
    max_bytes=64 * 1024,
    max_redirects=3,
    concurrency=4,
    pause_after=3,
)

CliRunner = Callable[..., Awaitable[tuple[int, str, str]]]


async def make_source(organization_id: int, url: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"organization": organization_id, "url": url, "language": "ru"}
    values.update(fields)
    source = FeedSource(**values)
    await source.save()
    return {"id": source.id, **values}


def _ical_time(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def calendar(now: datetime | None = None, *, include_cancelled_later: bool = True) -> bytes:
    """An iCalendar feed: an event in Almaty time, a weekly event in Tashkent time with one
    date excluded, an all-day event, and one that is cancelled."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    day = (now + timedelta(days=10)).replace(hour=0, minute=0, second=0)
    weekly = day + timedelta(days=1, hours=14)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Almaty Office//Events//EN",
        "X-WR-CALNAME:Almaty partner events",
        "X-WR-TIMEZONE:Asia/Almaty",
        "BEGIN:VEVENT",
        "UID:expo@almaty.example.kz",
        f"DTSTAMP:{_ical_time(now)}Z",
        f"DTSTART;TZID=Asia/Almaty:{_ical_time(day + timedelta(hours=10))}",
        f"DTEND;TZID=Asia/Almaty:{_ical_time(day + timedelta(hours=17))}",
        "SUMMARY:Almaty Innovation Expo",
        "LOCATION:Atakent Expo Centre",
        "URL:https://almaty.example.kz/expo",
        "DESCRIPTION:Exhibitors from five countries.\\nFree entry.",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:seminar@tashkent.example.uz",
        f"DTSTAMP:{_ical_time(now)}Z",
        f"DTSTART;TZID=Asia/Tashkent:{_ical_time(weekly)}",
        "DURATION:PT1H30M",
        "RRULE:FREQ=WEEKLY;COUNT=3",
        f"EXDATE;TZID=Asia/Tashkent:{_ical_time(weekly + timedelta(days=7))}",
        "SUMMARY:Weekly seminar",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:holiday@almaty.example.kz",
        f"DTSTAMP:{_ical_time(now)}Z",
        f"DTSTART;VALUE=DATE:{(day + timedelta(days=3)):%Y%m%d}",
        "SUMMARY:Open day",
        "END:VEVENT",
    ]
    if include_cancelled_later:
        lines += [
            "BEGIN:VEVENT",
            "UID:cancel-me@almaty.example.kz",
            f"DTSTAMP:{_ical_time(now)}Z",
            f"DTSTART;TZID=Asia/Almaty:{_ical_time(day + timedelta(days=5, hours=9))}",
            "SUMMARY:Workshop that will be cancelled",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


_item_numbers = iter(range(1, 1_000_000))


async def make_item(source: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A stored item as a sync would leave it (for pages that only read items)."""
    from core.tables import FeedItem

    number = next(_item_numbers)
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "source": source["id"],
        "organization": source["organization"],
        "key": f"{source['id']}:test-{number}",
        "kind": "news",
        "guid": f"item-{number}",
        "link": f"https://partner.example/news/{number}",
        "title": f"News item {number}",
        "summary": f"<p>Summary {number}</p>",
        "excerpt": f"Summary {number}",
        "language": source.get("language", "ru"),
        "published_at": now - timedelta(hours=number),
        "sort_at": now - timedelta(hours=number),
    }
    values.update(fields)
    item = FeedItem(**values)
    await item.save()
    return {"id": item.id, **values}
