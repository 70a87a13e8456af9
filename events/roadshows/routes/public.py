"""The public side of a roadshow: its accepted pitches at /<lang>/events/<slug>/roadshow/,
and as JSON at /api/v1/events/<slug>/pitches. Only public fields; drafts do not exist."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from core.content import Translated
from core.pages import found_or_404
from events.roadshows.routes.loading import event_or_404
from events.roadshows.services import outcomes, pitches, submissions


async def _public_event(slug: str) -> dict[str, Any]:
    event = await event_or_404(slug)
    if not pitches.is_public(event):
        found_or_404(None)
    return event


class PublicController(Controller):
    path = "/events/{slug:str}/roadshow"

    @get("/")
    async def page(self, slug: FromPath[str]) -> Template:
        event = await _public_event(slug)
        return Template(
            "events/roadshows/public/pitches.html",
            context={
                "event": event,
                "pitches": await pitches.scheduled(event["id"]),
                "labels": submissions.all_labels(),
                "headline": await outcomes.headline(event),
            },
        )


class TextIn(msgspec.Struct):
    """A text in each language it is written in, and the language it was written first in."""

    source: str
    text: dict[str, str]


class PitchOut(msgspec.Struct):
    position: int
    title: TextIn
    summary: TextIn
    field: str
    technology_readiness_level: int
    stage: str
    sought: list[str]
    organization: TextIn
    country: str
    presenter: str
    starts_at: str | None
    ends_at: str | None
    room: str


def _text(raw: Any) -> TextIn:
    loaded = Translated.load(raw)
    return TextIn(source=loaded.source, text=dict(loaded.text))


class PitchesApi(Controller):
    path = "/events/{slug:str}/pitches"
    tags = ["roadshows"]

    @get("/", summary="Accepted pitches of a public roadshow, in schedule order")
    async def pitches(self, slug: FromPath[str]) -> list[PitchOut]:
        event = await _public_event(slug)
        return [
            PitchOut(
                position=row["position"],
                title=_text(row["title"]),
                summary=_text(row["summary"]),
                field=row["field"],
                technology_readiness_level=row["trl"],
                stage=row["stage"],
                sought=list(row["sought"] or []),
                organization=_text(row["organization_name"]),
                country=row["country"],
                presenter=row["presenter"],
                starts_at=row["starts_at"].isoformat() if row["starts_at"] else None,
                ends_at=row["ends_at"].isoformat() if row["ends_at"] else None,
                room=row["room"] or "",
            )
            for row in await pitches.scheduled(event["id"])
        ]
