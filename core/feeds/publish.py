"""Hongshan's partner news as feeds for readers: Atom 1.0 (RFC 4287) and JSON Feed 1.1.

Built with a serializer rather than a template, so the output is well-formed whatever the
partners wrote. Ids are stable URNs (a name-based UUID of the site and the item), never
the partners' guids, so two partners cannot collide and a re-published item keeps its id.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from core.content import Translated
from core.feeds.sanitize import escape_text, xml_safe
from core.i18n import gettext
from core.settings import get_settings

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# The feed's `updated` when there are no entries yet (it must not change on every request).
EMPTY_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)

ET.register_namespace("", ATOM_NS)


def rfc3339(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def item_urn(item_id: int) -> str:
    base = get_settings().base_url
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}/feed-item/{item_id}')}"


def feed_urn(lang: str, kind: str) -> str:
    base = get_settings().base_url
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}/{lang}/news.{kind}')}"


def _updated(item: dict[str, Any]) -> datetime:
    return item["modified_at"] or item["published_at"] or item["sort_at"]


def _organization_name(item: dict[str, Any], lang: str) -> str:
    return Translated.load(item["organization_name"]).show(lang).text or item["organization_slug"]


def _titles(lang: str) -> tuple[str, str]:
    return (
        gettext("Hongshan: news from partners"),
        gettext("News from partner cities and institutions in China and Central Asia."),
    )


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = xml_safe(text)
    return element


def atom(items: list[dict[str, Any]], lang: str) -> bytes:
    base = get_settings().base_url
    page = f"{base}/{lang}/news/"
    title, subtitle = _titles(lang)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: lang})
    _sub(feed, "id", feed_urn(lang, "atom"))
    _sub(feed, "title", title, type="text")
    _sub(feed, "subtitle", subtitle, type="text")
    newest = max((_updated(item) for item in items), default=EMPTY_UPDATED)
    _sub(feed, "updated", rfc3339(newest))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base}/{lang}/news.atom")
    _sub(feed, "link", rel="alternate", type="text/html", href=page)
    author = _sub(feed, "author")
    _sub(author, "name", gettext("Hongshan"))
    _sub(author, "uri", f"{base}/{lang}/")
    _sub(feed, "generator", "Hongshan")
    for item in items:
        entry = _sub(feed, "entry")
        entry.set(XML_LANG, item["language"])
        _sub(entry, "id", item_urn(item["id"]))
        _sub(entry, "title", item["title"], type="text")
        _sub(entry, "link", rel="alternate", type="text/html", href=item["link"] or page)
        _sub(entry, "updated", rfc3339(_updated(item)))
        if item["published_at"]:
            _sub(entry, "published", rfc3339(item["published_at"]))
        who = _sub(entry, "author")
        _sub(who, "name", _organization_name(item, lang))
        _sub(who, "uri", f"{base}/{lang}/partners/{item['organization_slug']}/")
        summary = item["summary"] or escape_text(item["excerpt"])
        if summary:
            _sub(entry, "summary", summary, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def json_feed(items: list[dict[str, Any]], lang: str) -> bytes:
    base = get_settings().base_url
    title, subtitle = _titles(lang)
    entries = []
    for item in items:
        entry: dict[str, Any] = {
            "id": item_urn(item["id"]),
            "title": item["title"],
            "content_html": item["summary"] or escape_text(item["excerpt"]),
            "date_modified": rfc3339(_updated(item)),
            "authors": [
                {
                    "name": _organization_name(item, lang),
                    "url": f"{base}/{lang}/partners/{item['organization_slug']}/",
                }
            ],
            "language": item["language"],
        }
        if item["link"]:
            entry["url"] = item["link"]
        if item["excerpt"]:
            entry["summary"] = item["excerpt"]
        if item["published_at"]:
            entry["date_published"] = rfc3339(item["published_at"])
        entries.append(entry)
    document = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "description": subtitle,
        "home_page_url": f"{base}/{lang}/news/",
        "feed_url": f"{base}/{lang}/news.json",
        "language": lang,
        "authors": [{"name": gettext("Hongshan"), "url": f"{base}/{lang}/"}],
        "items": entries,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
