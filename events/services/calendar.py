"""Calendar files (iCalendar, RFC 5545) of public events: one event, one session, and the
subscription feed of every public event.

Times are written in the event's own zone (DTSTART;TZID=Asia/Urumqi) with its VTIMEZONE, so
calendar apps show the local time of the venue and convert it for the reader. Texts are in the
requested language with the usual fallback, and say which language they are really in.
UIDs are stable (`event-<id>@<host>`), so a re-downloaded file updates the entry in place.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar

from core import i18n
from core.content import Shown, Translated
from core.settings import get_settings
from events.services.labels import kind_labels, session_kind_labels

MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text types
PRODID = "-//Hongshan//Events//EN"
# How often subscribed calendar apps should fetch the feed again.
REFRESH = timedelta(hours=6)


def _host() -> str:
    return urlsplit(get_settings().base_url).hostname or "localhost"


def event_uid(event: dict[str, Any]) -> str:
    return f"event-{event['id']}@{_host()}"


def session_uid(session: dict[str, Any]) -> str:
    return f"session-{session['id']}@{_host()}"


def event_url(event: dict[str, Any], lang: str) -> str:
    return f"{get_settings().base_url}/{lang}/events/{event['slug']}/"


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _local(moment: datetime, zone: str) -> datetime:
    return _utc(moment).astimezone(ZoneInfo(zone))


def _shown(raw: Any, lang: str) -> Shown:
    return Translated.load(raw).show(lang)


def _add_text(component: icalendar.Component, name: str, shown: Shown | str) -> None:
    if isinstance(shown, Shown):
        if shown.text:
            component.add(name, shown.text, parameters={"LANGUAGE": shown.lang})
    elif shown:
        component.add(name, shown)


def _calendar() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _finish(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _location(event: dict[str, Any], lang: str, room: str = "") -> str:
    venue = _shown(event["venue"], lang).text
    city = _shown(event["city"], lang).text
    parts = [room, venue, city]
    return ", ".join(part for part in parts if part)


def _stamp(component: icalendar.Component, event: dict[str, Any]) -> None:
    # Without METHOD, DTSTAMP is the time the information was last revised (RFC 5545 3.8.7.2),
    # so an unchanged event gives byte-identical files.
    revised = _utc(event["updated_at"] or event["created_at"])
    component.add("dtstamp", revised)
    component.add("last-modified", revised)


def _event_component(event: dict[str, Any], lang: str) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    _stamp(component, event)
    component.add("dtstart", _local(event["starts_at"], event["timezone"]))
    component.add("dtend", _local(event["ends_at"], event["timezone"]))
    _add_text(component, "summary", _shown(event["title"], lang))
    summary = _shown(event["summary"], lang)
    description = _shown(event["description"], lang)
    body = "\n\n".join(text for text in (summary.text, description.text) if text)
    if body:
        language = description.lang if description.text else summary.lang
        component.add("description", body, parameters={"LANGUAGE": language})
    _add_text(component, "location", _location(event, lang))
    component.add("url", event_url(event, lang))
    component.add("categories", [kind_labels().get(event["kind"], event["kind"])])
    return component


def _speaker_line(speaker: dict[str, Any], lang: str) -> str:
    name = _shown(speaker["name"], lang).text
    about = [
        text
        for text in (
            _shown(speaker["position"], lang).text,
            _shown(speaker["affiliation"], lang).text,
        )
        if text
    ]
    return f"{name} ({', '.join(about)})" if about else name


def _session_component(
    event: dict[str, Any], session: dict[str, Any], lang: str
) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", session_uid(session))
    _stamp(component, event)
    component.add("dtstart", _local(session["starts_at"], event["timezone"]))
    component.add("dtend", _local(session["ends_at"], event["timezone"]))
    title = _shown(session["title"], lang)
    event_title = _shown(event["title"], lang).text
    _add_text(component, "summary", title)
    lines = []
    description = _shown(session["description"], lang)
    if description.text:
        lines.append(description.text)
    speakers = session.get("speakers") or []
    if speakers:
        lines.append(
            i18n.gettext(
                "Speakers: %(names)s",
                names="; ".join(_speaker_line(speaker, lang) for speaker in speakers),
            )
        )
    if session["track"]:
        lines.append(i18n.gettext("Track: %(track)s", track=session["track"]))
    lines.append(i18n.gettext("Part of %(event)s", event=event_title))
    component.add("description", "\n\n".join(lines))
    _add_text(component, "location", _location(event, lang, session["room"]))
    component.add("url", f"{event_url(event, lang)}#session-{session['id']}")
    component.add("categories", [session_kind_labels().get(session["kind"], session["kind"])])
    component.add("related-to", event_uid(event))
    return component


def event_calendar(event: dict[str, Any], lang: str) -> bytes:
    """One event as a calendar file with a single VEVENT."""
    with i18n.language(lang):
        calendar = _calendar()
        calendar.add_component(_event_component(event, lang))
        return _finish(calendar)


def session_calendar(event: dict[str, Any], session: dict[str, Any], lang: str) -> bytes:
    """One agenda session (with its speakers) as a calendar file."""
    with i18n.language(lang):
        calendar = _calendar()
        calendar.add_component(_session_component(event, session, lang))
        return _finish(calendar)


def feed_calendar(events: list[dict[str, Any]], lang: str) -> bytes:
    """The subscription feed: every public event, one VEVENT each."""
    with i18n.language(lang):
        calendar = _calendar()
        name = i18n.gettext("Hongshan events")
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")  # the same, for older clients
        for event in events:
            calendar.add_component(_event_component(event, lang))
        return _finish(calendar)


def filename(*parts: str) -> str:
    return "-".join(parts) + ".ics"
