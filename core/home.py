"""The home page: the sections domains offer through their `home_sections` hook, each loaded
with a query or two, in their order; sections with nothing to show are left out. The core
adds the latest partner news."""

from __future__ import annotations

from typing import Any

from core.domains import load_domains
from core.feeds.queries import newest_news
from core.hooks import HomeSection

NEWS = 6


async def partner_news(lang: str) -> dict[str, Any] | None:
    items = await newest_news(limit=NEWS)
    return {"items": items, "lang": lang} if items else None


NEWS_SECTION = HomeSection("partner-news", "core/home/_news.html", partner_news, order=30)


async def sections(lang: str) -> list[tuple[HomeSection, Any]]:
    """(section, what it shows) for every section with something to show."""
    offered = sorted(
        (section for domain in load_domains() for section in domain.home_sections),
        key=lambda section: section.order,
    )
    shown = []
    for section in offered:
        data = await section.load(lang)
        if data:
            shown.append((section, data))
    return shown
