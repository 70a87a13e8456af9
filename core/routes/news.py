"""The public news wall of partner feeds, and the same news as Atom and JSON Feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from core.feeds import publish, publish_calendar, queries
from core.feeds.sync import utcnow
from core.i18n import LANGUAGE_NAMES, LANGUAGES, current_language
from core.pagecache import PUBLIC_CACHE
from core.pages import viewer_of
from core.paging import parse_page

FEED_CACHE_S = 300
# What the partner-events subscription holds around today.
CALENDAR_PAST = timedelta(days=30)
CALENDAR_AHEAD = timedelta(days=400)


def _filters(country: str, city: str, organization: str, language: str) -> queries.NewsFilters:
    country = country.strip().upper()
    return queries.NewsFilters(
        country=country if len(country) == 2 and country.isalpha() else "",
        city=city.strip()[:100],
        organization=organization.strip()[:80],
        language=language if language in LANGUAGES else "",
    )


def _query_string(values: dict[str, str]) -> str:
    shown = {key: value for key, value in values.items() if value}
    return urlencode(shown) + "&" if shown else ""


@get("/news/", opt=PUBLIC_CACHE)
async def news_wall(
    request: Request,
    country: FromQuery[str] = "",
    city: FromQuery[str] = "",
    organization: FromQuery[str] = "",
    language: FromQuery[str] = "",
    page: FromQuery[str] = "",
) -> Template:
    filters = _filters(country, city, organization, language)
    listing = await queries.news_page(filters, parse_page(page))
    options = await queries.filter_options()
    events = queries.with_local_start(await queries.upcoming_partner_events(utcnow()))
    context: dict[str, Any] = {
        "page": listing,
        "filters": filters.as_dict(),
        "filter_query": _query_string(filters.as_dict()),
        "filtered": any(filters.as_dict().values()),
        "options": options,
        "language_choices": [(code, LANGUAGE_NAMES[code]) for code in options["languages"]],
        "events": events,
        "zone": viewer_of(request).timezone,
    }
    return Template("core/news/wall.html", context=context)


def _feed_response(request: Request, body: bytes, media_type: str) -> Response[bytes]:
    """A feed with an ETag, so readers that poll get a 304 while nothing is new."""
    etag = publish.etag_of(body)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={FEED_CACHE_S}"}
    asked = request.headers.get("if-none-match", "")
    if etag in [tag.strip().removeprefix("W/") for tag in asked.split(",")]:
        return Response(b"", status_code=304, headers=headers, media_type=media_type)
    return Response(body, headers=headers, media_type=media_type)


@get("/news.atom", opt=PUBLIC_CACHE)
async def news_atom(request: Request) -> Response[bytes]:
    body = publish.atom(await queries.newest_news(), current_language())
    return _feed_response(request, body, "application/atom+xml; charset=utf-8")


@get("/news.json", opt=PUBLIC_CACHE)
async def news_json(request: Request) -> Response[bytes]:
    body = publish.json_feed(await queries.newest_news(), current_language())
    return _feed_response(request, body, "application/feed+json; charset=utf-8")


@get("/partner-events.ics")
async def partner_events_calendar(request: Request) -> Response[bytes]:
    """Partner events as a calendar subscription, apart from our own events.ics."""
    now = utcnow()
    items = await queries.partner_events(now - CALENDAR_PAST, now + CALENDAR_AHEAD)
    body = publish_calendar.partner_calendar(items, current_language())
    return _feed_response(request, body, "text/calendar; charset=utf-8")


pages = [news_wall, news_atom, news_json, partner_events_calendar]
