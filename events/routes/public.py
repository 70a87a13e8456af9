"""Event pages: what the public and partners' systems see — the list and pages of public
events, their calendar files, cover images, and the JSON API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from litestar import Controller, Response, get
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, QueryParameter
from litestar.response import File, Template

from core.feeds import queries as feed_queries
from core.i18n import current_language
from core.pagecache import PUBLIC_CACHE
from core.pages import PUBLIC_IMAGE_HEADERS, found_or_404, stored_image
from core.paging import parse_page
from core.settings import get_settings
from events import schemas
from events.services import calendar, catalog
from events.services.events import MEDIA_FOLDER
from events.services.labels import kind_labels, session_kind_labels
from events.tables import EventKind

_CALENDAR_SUFFIX = ".ics"


def _calendar_response(content: bytes, name: str) -> Response[bytes]:
    return Response(
        content,
        media_type=calendar.MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, max-age=300",
        },
    )


async def _event_or_404(slug: str) -> dict:
    return found_or_404(await catalog.public_event(slug))


# --- pages under /<lang>/ --------------------------------------------------------------


class PublicEventsController(Controller):
    """The public's events: the list, one event with its agenda, and calendars."""

    opt = PUBLIC_CACHE

    @get("/events/", name="events:list")
    async def event_list(
        self,
        when: Annotated[str | None, QueryParameter(name="when")] = None,
        kind: Annotated[str | None, QueryParameter(name="kind")] = None,
        city: Annotated[str | None, QueryParameter(name="city")] = None,
        page: Annotated[str | None, QueryParameter(name="page")] = None,
    ) -> Template:
        chosen_when = catalog.When.past if when == catalog.When.past else catalog.When.upcoming
        kinds = kind_labels()
        chosen_kind = kind if kind in kinds else ""
        cities = await catalog.city_choices()
        chosen_city = city if city in dict(cities) else ""
        listing = await catalog.list_events(
            when=chosen_when, kind=chosen_kind, city=chosen_city, page=parse_page(page)
        )
        filters = {"kind": chosen_kind, "city": chosen_city}
        filter_query = "".join(f"{key}={value}&" for key, value in filters.items() if value)
        base = get_settings().base_url
        lang = current_language()
        return Template(
            "events/list.html",
            context={
                "page": listing,
                "when": chosen_when.value,
                "filters": filters,
                "filter_query": filter_query,
                "kinds": kinds,
                "cities": cities,
                "date_span": catalog.date_span,
                "feed_url": f"/{lang}/events.ics",
                "subscribe_url": "webcal://" + base.split("://", 1)[-1] + f"/{lang}/events.ics",
                "partner_events": await feed_queries.listed_partner_events(
                    datetime.now(UTC), past=chosen_when == catalog.When.past
                ),
                "partner_subscribe_url": "webcal://"
                + base.split("://", 1)[-1]
                + f"/{lang}/partner-events.ics",
            },
        )

    @get("/events.ics", name="events:feed")
    async def event_feed(self) -> Response[bytes]:
        lang = current_language()
        content = calendar.feed_calendar(await catalog.feed_events(), lang)
        return _calendar_response(content, calendar.filename("hongshan-events", lang))

    @get("/events/{name:str}/", name="events:detail")
    async def event_page(self, name: FromPath[str]) -> Template | Response[bytes]:
        """`/events/<slug>/` is the page; `/events/<slug>.ics` (a path parameter cannot end in a
        fixed suffix in Litestar, so it arrives here too) is its calendar file."""
        lang = current_language()
        if name.endswith(_CALENDAR_SUFFIX):
            event = await _event_or_404(name.removesuffix(_CALENDAR_SUFFIX))
            return _calendar_response(
                calendar.event_calendar(event, lang), calendar.filename(event["slug"])
            )
        event = await _event_or_404(name)
        return Template(
            "events/detail.html",
            context={
                "event": event,
                "programme": await catalog.programme(event),
                "box": await catalog.registration_box(event),
                "kinds": kind_labels(),
                "session_kinds": session_kind_labels(),
                "date_span": catalog.date_span,
                "time_span": catalog.time_span,
            },
        )

    @get("/events/{slug:str}/sessions/{name:str}", name="events:session-calendar")
    async def session_calendar(self, slug: FromPath[str], name: FromPath[str]) -> Response[bytes]:
        number = name.removesuffix(_CALENDAR_SUFFIX)
        if not name.endswith(_CALENDAR_SUFFIX) or not number.isdigit():
            raise NotFoundException()
        event = await _event_or_404(slug)
        session = found_or_404(await catalog.public_session(event, int(number)))
        return _calendar_response(
            calendar.session_calendar(event, session, current_language()),
            calendar.filename(event["slug"], "session", number),
        )


class EventMediaController(Controller):
    """Event covers and speaker photos, served from the uploads folder."""

    @get("/media/covers/{name:str}", include_in_schema=False)
    async def cover(self, name: FromPath[str]) -> File:
        """A public event's cover image (uploads are kept under events.MEDIA_FOLDER)."""
        if not await catalog.is_public_cover(name):
            raise NotFoundException()
        return _image(name)

    @get("/media/speakers/{name:str}", include_in_schema=False)
    async def speaker_photo(self, name: FromPath[str]) -> File:
        if not await catalog.is_public_speaker_photo(name):
            raise NotFoundException()
        return _image(name)


class EventsApiController(Controller):
    """The read-only events API for partners' systems."""

    opt = PUBLIC_CACHE

    @get(
        "/events",
        summary="List public events",
        description=(
            "Public events (never drafts), soonest first; with `upcoming=false`, past events, "
            "most recent first. An event counts as upcoming until it ends."
        ),
        responses={
            200: ResponseSpec(
                data_container=schemas.EventList,
                description="One page of public events.",
                generate_examples=False,
                examples=[Example(summary="A page with one event", value=schemas.EXAMPLE_LIST)],
            )
        },
    )
    async def api_event_list(
        self,
        lang: Annotated[
            schemas.Language, QueryParameter(name="lang", description=_LANG_DOC)
        ] = "en",
        kind: Annotated[
            KindName | None, QueryParameter(name="kind", description="Only events of this kind.")
        ] = None,
        city: Annotated[
            str | None,
            QueryParameter(name="city", description="Only events in this city (its English name)."),
        ] = None,
        upcoming: Annotated[
            bool | None,
            QueryParameter(
                name="upcoming",
                description="`true`: events not over yet; `false`: past events; absent: all.",
            ),
        ] = None,
        page: Annotated[int, QueryParameter(name="page", ge=1, description="Page number.")] = 1,
        per_page: Annotated[
            int, QueryParameter(name="per_page", ge=1, le=100, description="Events per page.")
        ] = 20,
    ) -> schemas.EventList:
        when = (
            None if upcoming is None else (catalog.When.upcoming if upcoming else catalog.When.past)
        )
        listing = await catalog.list_events(
            when=when, kind=kind or "", city=city or "", page=page, per_page=per_page
        )
        return schemas.EventList(
            items=[schemas.event_summary(event, lang) for event in listing.items],
            page=listing.number,
            per_page=listing.per_page,
            total=listing.total,
            pages=listing.pages,
        )

    @get(
        "/events/{slug:str}",
        summary="One public event with its agenda and speakers",
        responses={
            200: ResponseSpec(
                data_container=schemas.EventDetail,
                description="The event, its agenda in time order and its speakers.",
                generate_examples=False,
                examples=[
                    Example(summary="An event with one session", value=schemas.EXAMPLE_DETAIL)
                ],
            ),
            404: ResponseSpec(
                data_container=schemas.ApiError,
                description="No public event has this slug (drafts are not public).",
                generate_examples=False,
                examples=[Example(summary="Unknown event", value=schemas.EXAMPLE_NOT_FOUND)],
            ),
        },
    )
    async def api_event_detail(
        self,
        slug: FromPath[str],
        lang: Annotated[
            schemas.Language, QueryParameter(name="lang", description=_LANG_DOC)
        ] = "en",
    ) -> schemas.EventDetail:
        event = await catalog.public_event(slug)
        if event is None:
            raise NotFoundException()
        programme = await catalog.programme(event)
        return schemas.event_detail(
            event,
            programme.sessions,
            programme.speakers,
            await catalog.registration_box(event),
            lang,
        )


# --- site root -------------------------------------------------------------------------


def _image(name: str) -> File:
    return stored_image(MEDIA_FOLDER, name, PUBLIC_IMAGE_HEADERS)


# --- JSON API under /api/v1/ -----------------------------------------------------------

KindName = Literal["conference", "forum", "roadshow", "matchmaking"]
assert set(KindName.__args__) == {kind.value for kind in EventKind}  # type: ignore[attr-defined]

_LANG_DOC = (
    "Language of translated fields. A field missing in it falls back to the text's source "
    "language, then English, then Chinese, and says so (`fallback: true`)."
)
