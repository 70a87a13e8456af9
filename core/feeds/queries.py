"""What the public reads from partner feeds: the news wall, a partner's latest items, and
partner events for calendars.

Only items of public organizations are shown. For the events pages (another part of the
site), `partner_events(start, end)` returns partner iCalendar events overlapping a period
and `listed_partner_events(now, past=…)` those a list shows, each with its own IANA time
zone so it can be shown as the partner announced it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.content import Translated
from core.i18n import LANGUAGES, current_language
from core.paging import Page, paginate
from core.tables import FeedItem, Organization

NEWS_PER_PAGE = 20
LISTED_EVENTS = 20  # partner events next to our own on the events list
PAST_EVENTS_WINDOW = timedelta(days=90)  # as long as calendar history is kept


@dataclass(frozen=True)
class NewsFilters:
    country: str = ""
    city: str = ""  # a city key from `filter_options`
    organization: str = ""  # slug
    language: str = ""  # language of the content

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def city_key(city: Any) -> str:
    """One key per city whatever language it is shown in: its English name, else its
    source-language name."""
    return Translated.load(city).show("en").text.strip()


def _item_columns() -> list[Any]:
    return [
        FeedItem.id,
        FeedItem.kind,
        FeedItem.title,
        FeedItem.link,
        FeedItem.excerpt,
        FeedItem.summary,
        FeedItem.language,
        FeedItem.published_at,
        FeedItem.modified_at,
        FeedItem.sort_at,
        FeedItem.changed_at,
        FeedItem.starts_at,
        FeedItem.ends_at,
        FeedItem.timezone,
        FeedItem.all_day,
        FeedItem.location,
        FeedItem.organization.slug.as_alias("organization_slug"),
        FeedItem.organization.name.as_alias("organization_name"),
        FeedItem.organization.country.as_alias("organization_country"),
        FeedItem.organization.city.as_alias("organization_city"),
    ]


def _public() -> Any:
    return FeedItem.organization.is_public == True


async def _publishing_organizations() -> list[dict[str, Any]]:
    """Public organizations that have at least one news item."""
    with_news = FeedItem.select(FeedItem.organization).where(FeedItem.kind == "news")
    return (
        await Organization.select(
            Organization.id,
            Organization.slug,
            Organization.name,
            Organization.country,
            Organization.city,
        )
        .where((Organization.is_public == True) & Organization.id.is_in(with_news))
        .order_by(Organization.slug)
    )


async def filter_options() -> dict[str, Any]:
    """Choices for the wall's filters, from what is actually published."""
    organizations = await _publishing_organizations()
    lang = current_language()
    cities: dict[str, str] = {}
    for org in organizations:
        key = city_key(org["city"])
        if key:
            cities.setdefault(key, Translated.load(org["city"]).show(lang).text)
    languages = (
        await FeedItem.select(FeedItem.language)
        .where((FeedItem.kind == "news") & _public())
        .distinct()
    )
    present = {row["language"] for row in languages}
    return {
        "countries": sorted({org["country"] for org in organizations}),
        "cities": sorted(cities.items(), key=lambda pair: pair[1]),
        "organizations": organizations,
        "languages": [code for code in LANGUAGES if code in present],
    }


async def news_page(filters: NewsFilters, number: int) -> Page:
    """Partner news, newest first, narrowed by the filters."""
    condition = (FeedItem.kind == "news") & _public()
    if filters.country:
        condition &= FeedItem.organization.country == filters.country.upper()
    if filters.organization:
        condition &= FeedItem.organization.slug == filters.organization
    if filters.language:
        condition &= FeedItem.language == filters.language
    if filters.city:
        ids = [
            org["id"]
            for org in await _publishing_organizations()
            if city_key(org["city"]) == filters.city
        ]
        condition &= FeedItem.organization.is_in(ids or [0])
    query = (
        FeedItem.select(*_item_columns())
        .where(condition)
        .order_by(FeedItem.sort_at, ascending=False)
        .order_by(FeedItem.id, ascending=False)
    )
    return await paginate(query, FeedItem.count().where(condition), number, NEWS_PER_PAGE)


async def latest_for_organization(organization_id: int, limit: int = 5) -> list[dict[str, Any]]:
    """A partner's newest news items, for its public page."""
    return (
        await FeedItem.select(*_item_columns())
        .where((FeedItem.organization == organization_id) & (FeedItem.kind == "news"))
        .order_by(FeedItem.sort_at, ascending=False)
        .order_by(FeedItem.id, ascending=False)
        .limit(limit)
    )


async def partner_events(
    start: datetime, end: datetime, *, organization_id: int | None = None
) -> list[dict[str, Any]]:
    """Partner calendar events overlapping [start, end), in start order.

    Each row has `title`, `link`, `excerpt`, `location`, `starts_at` and `ends_at` (UTC),
    `timezone` (the IANA zone the partner gave; show the times there), `all_day`, and the
    organization's `organization_slug` / `organization_name` (translated content).
    """
    condition = (
        (FeedItem.kind == "event")
        & _public()
        & (FeedItem.starts_at < end)
        & (
            (FeedItem.ends_at >= start)
            | (FeedItem.ends_at.is_null() & (FeedItem.starts_at >= start))
        )
    )
    if organization_id is not None:
        condition &= FeedItem.organization == organization_id
    return (
        await FeedItem.select(*_item_columns())
        .where(condition)
        .order_by(FeedItem.starts_at)
        .order_by(FeedItem.id)
    )


def with_local_start(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each event with `local_start`: an all-day event is a day in its own zone, and pages
    show that day, not UTC's."""
    for event in events:
        event["local_start"] = event["starts_at"].astimezone(ZoneInfo(event["timezone"] or "UTC"))
    return events


async def listed_partner_events(now: datetime, *, past: bool) -> list[dict[str, Any]]:
    """Partner events for a list beside our own: the next ones, or (past) the latest that
    ended within the kept history, latest first."""
    if not past:
        return with_local_start(await upcoming_partner_events(now, LISTED_EVENTS))
    over = FeedItem.ends_at.is_not_null() & (FeedItem.ends_at <= now)
    over |= FeedItem.ends_at.is_null() & (FeedItem.starts_at < now)
    condition = (
        (FeedItem.kind == "event")
        & _public()
        & over
        & (FeedItem.starts_at >= now - PAST_EVENTS_WINDOW)
    )
    rows = (
        await FeedItem.select(*_item_columns())
        .where(condition)
        .order_by(FeedItem.starts_at, ascending=False)
        .order_by(FeedItem.id, ascending=False)
        .limit(LISTED_EVENTS)
    )
    return with_local_start(rows)


async def upcoming_partner_events(now: datetime, limit: int = 8) -> list[dict[str, Any]]:
    condition = (
        (FeedItem.kind == "event")
        & _public()
        & ((FeedItem.starts_at >= now) | (FeedItem.ends_at > now))
    )
    return (
        await FeedItem.select(*_item_columns())
        .where(condition)
        .order_by(FeedItem.starts_at)
        .order_by(FeedItem.id)
        .limit(limit)
    )


async def newest_news(limit: int = 50) -> list[dict[str, Any]]:
    """What our Atom and JSON feeds carry."""
    return (
        await FeedItem.select(*_item_columns())
        .where((FeedItem.kind == "news") & _public())
        .order_by(FeedItem.sort_at, ascending=False)
        .order_by(FeedItem.id, ascending=False)
        .limit(limit)
    )
