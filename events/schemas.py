"""JSON shapes of the public events API (msgspec Structs), and how rows become them.

Every translated field is a `TranslatedText`: the words, the language they are really in,
and whether that is a fallback because the requested language is missing. Times are UTC (RFC 3339);
`timezone` names the event's IANA zone, and each session's `day` is its local date there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from core.schemas import Language as Language  # re-exported: routes annotate with it
from core.schemas import TranslatedText, text
from core.settings import get_settings
from events.services.catalog import RegistrationBox, local_day
from events.services.registrations import registration_is_open


class RegistrationInfo(Struct, kw_only=True):
    """Whether and how people can register."""

    state: Annotated[
        Literal["not_yet", "open", "waiting_list", "closed", "ended"],
        Meta(
            description=(
                "`not_yet`: opens later (at `opens_at` when set); `open`: seats available; "
                "`waiting_list`: open, but new registrants join the waiting list; "
                "`closed`: no longer accepted; `ended`: the event is over."
            )
        ),
    ]
    opens_at: Annotated[datetime | None, Meta(description="When registration opens (UTC).")]
    closes_at: Annotated[datetime | None, Meta(description="Registration deadline (UTC).")]
    approval_required: Annotated[
        bool, Meta(description="Registrations wait for the organizers' approval.")
    ]
    self_registration: Annotated[
        bool,
        Meta(
            description=(
                "Individuals may register themselves; otherwise partner organizations' "
                "coordinators register their people."
            )
        ),
    ]
    url: Annotated[str, Meta(description="The registration page, in the requested language.")]


class EventSummary(Struct, kw_only=True):
    """A public event as listed."""

    slug: Annotated[str, Meta(description="Stable identifier used in URLs.")]
    kind: Annotated[
        Literal["conference", "forum", "roadshow", "matchmaking"], Meta(description="Kind.")
    ]
    status: Annotated[
        Literal[
            "published",
            "registration_open",
            "registration_closed",
            "finished",
            "archived",
        ],
        Meta(description="Where the event is in its life; drafts are never listed."),
    ]
    title: TranslatedText
    summary: TranslatedText
    city: TranslatedText
    venue: TranslatedText
    timezone: Annotated[str, Meta(description="IANA time zone of the venue.")]
    starts_at: Annotated[datetime, Meta(description="Start (UTC).")]
    ends_at: Annotated[datetime, Meta(description="End (UTC).")]
    registration_open: Annotated[
        bool, Meta(description="Registration is open now (it may lead to the waiting list).")
    ]
    url: Annotated[str, Meta(description="The event page, in the requested language.")]
    calendar_url: Annotated[str, Meta(description="The event as an iCalendar (.ics) file.")]


class EventList(Struct, kw_only=True):
    """One page of public events."""

    items: list[EventSummary]
    page: Annotated[int, Meta(description="This page's number, from 1.")]
    per_page: Annotated[int, Meta(description="Events per page.")]
    total: Annotated[int, Meta(description="Events matching the filters, on all pages.")]
    pages: Annotated[int, Meta(description="Number of pages.")]


class EventSpeaker(Struct, kw_only=True):
    """A speaker at the event."""

    id: int
    name: TranslatedText
    position: Annotated[TranslatedText, Meta(description="Job title.")]
    affiliation: TranslatedText
    bio: TranslatedText
    photo_url: Annotated[str | None, Meta(description="Photo, when there is one.")]


class EventSession(Struct, kw_only=True):
    """One session of the agenda."""

    id: int
    kind: Annotated[
        Literal["plenary", "panel", "roadshow_slot", "signing", "visit", "matchmaking", "break"],
        Meta(description="Kind of session."),
    ]
    title: TranslatedText
    description: TranslatedText
    day: Annotated[date, Meta(description="The session's date in the event's time zone.")]
    starts_at: Annotated[datetime, Meta(description="Start (UTC).")]
    ends_at: Annotated[datetime, Meta(description="End (UTC).")]
    room: str
    track: str
    speakers: Annotated[list[int], Meta(description="Ids of its speakers (see `speakers`).")]
    calendar_url: Annotated[str, Meta(description="The session as an iCalendar (.ics) file.")]


class EventDetail(EventSummary, kw_only=True):
    """A public event with its agenda and speakers."""

    description: TranslatedText
    map_url: Annotated[str, Meta(description="Link to the venue on a map; may be empty.")]
    cover_url: Annotated[str | None, Meta(description="Cover image, when there is one.")]
    registration: RegistrationInfo
    agenda: Annotated[list[EventSession], Meta(description="Sessions in time order.")]
    speakers: list[EventSpeaker]


class ApiError(Struct, kw_only=True):
    """An error answer."""

    status_code: int
    detail: str


# --- from rows -------------------------------------------------------------------------


def _page_url(event: dict[str, Any], lang: str, rest: str = "") -> str:
    return f"{get_settings().base_url}/{lang}/events/{event['slug']}{rest}"


def _summary_fields(event: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "slug": event["slug"],
        "kind": event["kind"],
        "status": event["status"],
        "title": text(event["title"], lang),
        "summary": text(event["summary"], lang),
        "city": text(event["city"], lang),
        "venue": text(event["venue"], lang),
        "timezone": event["timezone"],
        "starts_at": event["starts_at"],
        "ends_at": event["ends_at"],
        "registration_open": registration_is_open(event),
        "url": _page_url(event, lang, "/"),
        "calendar_url": _page_url(event, lang, ".ics"),
    }


def event_summary(event: dict[str, Any], lang: str) -> EventSummary:
    return EventSummary(**_summary_fields(event, lang))


def _session(event: dict[str, Any], session: dict[str, Any], lang: str) -> EventSession:
    return EventSession(
        id=session["id"],
        kind=session["kind"],
        title=text(session["title"], lang),
        description=text(session["description"], lang),
        day=local_day(session["starts_at"], event["timezone"]),
        starts_at=session["starts_at"],
        ends_at=session["ends_at"],
        room=session["room"],
        track=session["track"],
        speakers=[speaker["id"] for speaker in session["speakers"]],
        calendar_url=_page_url(event, lang, f"/sessions/{session['id']}.ics"),
    )


def _speaker(speaker: dict[str, Any], lang: str) -> EventSpeaker:
    return EventSpeaker(
        id=speaker["id"],
        name=text(speaker["name"], lang),
        position=text(speaker["position"], lang),
        affiliation=text(speaker["affiliation"], lang),
        bio=text(speaker["bio"], lang),
        photo_url=(
            f"{get_settings().base_url}/media/speakers/{speaker['photo']}"
            if speaker["photo"]
            else None
        ),
    )


def event_detail(
    event: dict[str, Any],
    sessions: list[dict[str, Any]],
    speakers: list[dict[str, Any]],
    box: RegistrationBox,
    lang: str,
) -> EventDetail:
    base = get_settings().base_url
    return EventDetail(
        **_summary_fields(event, lang),
        description=text(event["description"], lang),
        map_url=event["map_url"],
        cover_url=f"{base}/media/covers/{event['cover']}" if event["cover"] else None,
        registration=RegistrationInfo(
            state=box.availability.value,  # type: ignore[arg-type]
            opens_at=box.opens_at,
            closes_at=box.closes_at,
            approval_required=box.approval_required,
            self_registration=box.self_registration,
            url=_page_url(event, lang, "/register"),
        ),
        agenda=[_session(event, session, lang) for session in sessions],
        speakers=[_speaker(speaker, lang) for speaker in speakers],
    )


# --- what the OpenAPI document shows as examples ---------------------------------------


def _example_text(value: str, lang: str = "en", fallback: bool = False) -> dict[str, Any]:
    return {"text": value, "lang": lang, "fallback": fallback}


_EXAMPLE_BASE = "https://hongshan.example.org"
EXAMPLE_SUMMARY: dict[str, Any] = {
    "slug": "annual-conference-2026",
    "kind": "conference",
    "status": "registration_open",
    "title": _example_text("Annual Cross-Regional Collaborative Innovation Conference 2026"),
    "summary": _example_text("Two days of talks, roadshows and signings in Urumqi."),
    "city": _example_text("Urumqi"),
    "venue": _example_text("Xinjiang International Convention and Exhibition Center"),
    "timezone": "Asia/Urumqi",
    "starts_at": "2026-09-10T03:00:00Z",
    "ends_at": "2026-09-11T11:00:00Z",
    "registration_open": True,
    "url": f"{_EXAMPLE_BASE}/en/events/annual-conference-2026/",
    "calendar_url": f"{_EXAMPLE_BASE}/en/events/annual-conference-2026.ics",
}
EXAMPLE_LIST: dict[str, Any] = {
    "items": [EXAMPLE_SUMMARY],
    "page": 1,
    "per_page": 20,
    "total": 1,
    "pages": 1,
}
EXAMPLE_DETAIL: dict[str, Any] = {
    **EXAMPLE_SUMMARY,
    "description": _example_text(
        "本届年会汇聚中国与中亚五国的科研机构与企业。", lang="zh", fallback=True
    ),
    "map_url": "https://www.openstreetmap.org/?mlat=43.82&mlon=87.61",
    "cover_url": f"{_EXAMPLE_BASE}/media/covers/cover-annual-conference-2026-5f1c2a9e0b7d4c3a.jpg",
    "registration": {
        "state": "open",
        "opens_at": "2026-06-01T00:00:00Z",
        "closes_at": "2026-09-01T00:00:00Z",
        "approval_required": False,
        "self_registration": True,
        "url": f"{_EXAMPLE_BASE}/en/events/annual-conference-2026/register",
    },
    "agenda": [
        {
            "id": 11,
            "kind": "plenary",
            "title": _example_text("Opening plenary"),
            "description": _example_text("Welcome addresses and keynote."),
            "day": "2026-09-10",
            "starts_at": "2026-09-10T03:00:00Z",
            "ends_at": "2026-09-10T04:30:00Z",
            "room": "Hall A",
            "track": "",
            "speakers": [3],
            "calendar_url": f"{_EXAMPLE_BASE}/en/events/annual-conference-2026/sessions/11.ics",
        }
    ],
    "speakers": [
        {
            "id": 3,
            "name": _example_text("Aigerim Sultanova"),
            "position": _example_text("Director"),
            "affiliation": _example_text("China–Central Asia Technology Transfer Center"),
            "bio": _example_text("Алматы, технологический трансфер.", lang="ru", fallback=True),
            "photo_url": None,
        }
    ],
}
EXAMPLE_NOT_FOUND: dict[str, Any] = {"status_code": 404, "detail": "Not Found"}
