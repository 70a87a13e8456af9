"""What the core itself gives search: partner organizations and their feeds' news and events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from core.content import Translated, json_value
from core.hooks import EPOCH, SearchDocument, SearchKind
from core.i18n import N_
from core.search import index
from core.tables import FeedItem, Organization

KINDS = (
    SearchKind("partner", N_("Partners"), order=50),
    SearchKind("news", N_("News"), order=60),
)


def organization_document(row: dict[str, Any]) -> SearchDocument:
    name = Translated.load(json_value(row["name"]))
    city = Translated.load(json_value(row["city"]))
    return SearchDocument(
        kind="partner",
        object_id=row["id"],
        path=f"partners/{row['slug']}/"
        if row["is_public"]
        else f"manage/organizations/{row['slug']}/",
        title=name.text,
        body={lang: city.show(lang).text for lang in name.text},
        public=bool(row["is_public"]),
        readers=(f"org:{row['id']}", "role:fao"),
        sort_at=row["created_at"] or EPOCH,
        aliases=row["slug"],
    )


def news_document(row: dict[str, Any]) -> SearchDocument:
    """A partner's news item or event, in the language the partner wrote it in; found by
    everybody while its organization is public. Its address is the partner's own page."""
    return SearchDocument(
        kind="news",
        object_id=row["id"],
        path=row["link"] or f"news/?organization={row['organization_slug']}",
        title={row["language"]: row["title"]},
        body={row["language"]: row["excerpt"] or row["location"]},
        public=bool(row["organization_public"]),
        sort_at=row["sort_at"] or EPOCH,
    )


def _organizations() -> Any:
    return Organization.select(
        Organization.id,
        Organization.slug,
        Organization.name,
        Organization.city,
        Organization.is_public,
        Organization.created_at,
    )


def _news() -> Any:
    return FeedItem.select(
        FeedItem.id,
        FeedItem.link,
        FeedItem.title,
        FeedItem.excerpt,
        FeedItem.location,
        FeedItem.language,
        FeedItem.sort_at,
        FeedItem.organization.slug.as_alias("organization_slug"),
        FeedItem.organization.is_public.as_alias("organization_public"),
    )


async def documents() -> AsyncIterator[SearchDocument]:
    for row in await _organizations():
        yield organization_document(row)
    for row in await _news():
        yield news_document(row)


async def organization_changed(organization_id: int) -> None:
    """Index one organization again, and its news, whose visibility follows it."""
    rows = await _organizations().where(Organization.id == organization_id)
    news = await _news().where(FeedItem.organization == organization_id)
    await index.replace(
        [f"partner:{organization_id}", *(f"news:{row['id']}" for row in news)],
        [*map(organization_document, rows), *map(news_document, news)],
    )


async def source_changed(source_id: int) -> None:
    """Index a feed's items again after a sync, and forget items that left it."""
    rows = await _news().where(FeedItem.source == source_id)
    await index.replace([f"news:{row['id']}" for row in rows], map(news_document, rows))
    await index.forget_missing("news", FeedItem)
