"""What the event core gives search: events, their agenda sessions and their speakers, found by
everybody once the event is published, by organizers only while it is a draft."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from core.content import Translated, json_value
from core.hooks import SearchDocument, SearchKind
from core.i18n import N_
from core.search import index
from events.tables import AgendaSession, Event, EventStatus, Speaker

KINDS = (
    SearchKind("event", N_("Events"), order=10),
    SearchKind("session", N_("Sessions"), order=20),
    SearchKind("speaker", N_("Speakers"), order=30),
)


def _texts(*values: Any) -> dict[str, str]:
    """Several translated fields joined per language, each in that language or its fallback."""
    contents = [Translated.load(json_value(value)) for value in values]
    languages = {lang for content in contents for lang in content.text}
    return {
        lang: " ".join(filter(None, (content.show(lang).text for content in contents)))
        for lang in languages
    }


def _title(value: Any) -> dict[str, str]:
    return dict(Translated.load(json_value(value)).text)


def _is_public(event: dict[str, Any]) -> bool:
    return event["status"] != EventStatus.draft.value


def _path(event: dict[str, Any], anchor: str = "") -> str:
    if _is_public(event):
        return f"events/{event['slug']}/{anchor}"
    return f"manage/events/{event['slug']}/"


def event_document(event: dict[str, Any]) -> SearchDocument:
    return SearchDocument(
        kind="event",
        object_id=event["id"],
        path=_path(event),
        title=_title(event["title"]),
        body=_texts(event["summary"], event["city"], event["venue"], event["description"]),
        public=_is_public(event),
        sort_at=event["starts_at"],
        aliases=event["slug"],
    )


def session_document(session: dict[str, Any], event: dict[str, Any]) -> SearchDocument:
    return SearchDocument(
        kind="session",
        object_id=session["id"],
        path=_path(event, f"#session-{session['id']}"),
        title=_title(session["title"]),
        body=_texts(session["description"], event["title"]),
        public=_is_public(event),
        sort_at=session["starts_at"],
    )


def speaker_document(speaker: dict[str, Any], event: dict[str, Any]) -> SearchDocument:
    names = _title(speaker["name"])
    return SearchDocument(
        kind="speaker",
        object_id=speaker["id"],
        path=_path(event, f"#speaker-{speaker['id']}"),
        title=names,
        body=_texts(speaker["position"], speaker["affiliation"], speaker["bio"]),
        public=_is_public(event),
        sort_at=event["starts_at"],
        aliases=" ".join(names.values()),  # a name is found in every language it is written in
    )


def _events() -> Any:
    return Event.select(
        Event.id,
        Event.slug,
        Event.status,
        Event.title,
        Event.summary,
        Event.description,
        Event.venue,
        Event.city,
        Event.starts_at,
    )


async def _documents(events: list[dict[str, Any]]) -> list[SearchDocument]:
    by_id = {event["id"]: event for event in events}
    ids = list(by_id) or [0]
    sessions = await AgendaSession.select(
        AgendaSession.id,
        AgendaSession.event,
        AgendaSession.title,
        AgendaSession.description,
        AgendaSession.starts_at,
    ).where(AgendaSession.event.is_in(ids))
    speakers = await Speaker.select(
        Speaker.id,
        Speaker.event,
        Speaker.name,
        Speaker.position,
        Speaker.affiliation,
        Speaker.bio,
    ).where(Speaker.event.is_in(ids))
    return [
        *map(event_document, events),
        *(session_document(row, by_id[row["event"]]) for row in sessions),
        *(speaker_document(row, by_id[row["event"]]) for row in speakers),
    ]


async def documents() -> AsyncIterator[SearchDocument]:
    for document in await _documents(await _events()):
        yield document


async def events_changed(event_ids: Iterable[int]) -> None:
    """Index events again with their agenda and speakers; forget sessions and speakers gone."""
    ids = list(event_ids)
    documents = await _documents(await _events().where(Event.id.is_in(ids or [0])))
    await index.replace(
        [*(f"event:{event_id}" for event_id in ids), *(document.key for document in documents)],
        documents,
    )
    await index.forget_missing("session", AgendaSession)
    await index.forget_missing("speaker", Speaker)


async def event_changed(event_id: int) -> None:
    await events_changed([event_id])
