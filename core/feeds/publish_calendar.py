"""Partner events as one iCalendar subscription (RFC 5545), apart from Hongshan's own
`/<lang>/events.ics`: a reader subscribes to either or both.

Times are written in UTC (calendar apps show them in the reader's zone); all-day events are
dates of the partner's own zone. UIDs are stable per stored item, so a partner's change to
an event updates the entry in place; its link goes to the partner's own page.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar

from core.content import Translated
from core.feeds.sanitize import xml_safe
from core.i18n import gettext
from core.settings import get_settings

PRODID = "-//Hongshan//Partner events//EN"
REFRESH = timedelta(hours=6)


def _uid(item: dict[str, Any]) -> str:
    host = urlsplit(get_settings().base_url).hostname or "localhost"
    return f"partner-event-{item['id']}@{host}"


def _event(item: dict[str, Any], lang: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", _uid(item))
    event.add("dtstamp", item["changed_at"].astimezone(UTC))
    zone = ZoneInfo(item["timezone"] or "UTC")
    if item["all_day"]:
        first = item["starts_at"].astimezone(zone).date()
        event.add("dtstart", first)
        if item["ends_at"]:
            event.add("dtend", max(item["ends_at"].astimezone(zone).date(), first + timedelta(1)))
    else:
        event.add("dtstart", item["starts_at"].astimezone(UTC))
        if item["ends_at"]:
            event.add("dtend", item["ends_at"].astimezone(UTC))
    event.add("summary", xml_safe(item["title"]), parameters={"LANGUAGE": item["language"]})
    organization = Translated.load(item["organization_name"]).show(lang).text
    description = gettext("Partner event announced by %(organization)s.", organization=organization)
    if item["excerpt"]:
        description = f"{description}\n\n{xml_safe(item['excerpt'])}"
    event.add("description", description)
    if item["location"]:
        event.add("location", xml_safe(item["location"]))
    if item["link"]:
        event.add("url", item["link"])
    event.add("categories", [gettext("Partner event")])
    return event


def partner_calendar(items: list[dict[str, Any]], lang: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", gettext("Hongshan: events from partners"))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    for item in items:
        calendar.add_component(_event(item, lang))
    return calendar.to_ical()
