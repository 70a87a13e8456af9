"""Which language a feed's items are written in: what the feed declares (per item, then for
the whole feed), else the organization's own language; a language set on the source wins.

Feeds declare languages as tags (`ru`, `ru-RU`, `kk-Cyrl-KZ`, `zh-Hans`); only the four
languages of the site count, anything else is treated as undeclared.
"""

from __future__ import annotations

from typing import Any

from core.content import Translated
from core.i18n import LANGUAGES
from core.tables import Organization

AUTO = ""  # a source's language when it is read from the feed


def language_of_tag(tag: Any) -> str:
    """One of the site's languages for a language tag, or "" when it is none of them."""
    if not isinstance(tag, str):
        return ""
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else ""


def entry_language(entry: Any) -> str:
    """An RSS/Atom entry's own language (Atom's xml:lang on the entry or its texts)."""
    details = [entry.get("title_detail"), entry.get("summary_detail"), *entry.get("content", [])]
    for detail in details:
        if isinstance(detail, dict) and (found := language_of_tag(detail.get("language"))):
            return found
    return ""


def calendar_event_language(event: Any) -> str:
    """An iCalendar event's language, from the LANGUAGE parameter of its summary."""
    summary = event.get("SUMMARY")
    params = getattr(summary, "params", None) or {}
    return language_of_tag(params.get("LANGUAGE"))


def item_language(
    source_language: str, item_language: str, feed_language: str, fallback: str
) -> str:
    return source_language or item_language or feed_language or fallback


async def organization_language(organization_id: int) -> str:
    """The language an organization writes in: the source language of its name."""
    row = (
        await Organization.select(Organization.name)
        .where(Organization.id == organization_id)
        .first()
    )
    return Translated.load(row["name"]).source if row else "en"
