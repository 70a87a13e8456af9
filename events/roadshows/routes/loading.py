"""What every roadshow page needs from a request: the roadshow event and its call (or a 404)."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import CacheControlHeader
from litestar.response import File

from core.pages import found_or_404
from events.roadshows.services import calls, decks

NO_STORE = CacheControlHeader(no_store=True)


async def event_or_404(slug: str) -> dict[str, Any]:
    return found_or_404(await calls.roadshow(slug))


async def call_or_404(slug: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The roadshow event and its call; a 404 when either is missing."""
    event = await event_or_404(slug)
    call = found_or_404(await calls.call_of(event["id"]))
    call.update(timezone=event["timezone"], slug=event["slug"], event_title=event["title"])
    return event, call


def deck_file(submission: dict[str, Any]) -> File:
    """The submission's deck as a download named by its code only (or a 404)."""
    found = found_or_404(decks.deck_of(submission))
    return File(found.path, filename=found.filename, media_type=found.content_type)
