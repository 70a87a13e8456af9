"""The board's Atom feed (RFC 4287): newly published demands and offers in the reader's
language, built with a serializer like the news feed (core.feeds.publish), with stable ids."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

from cooperation.services.vocabulary import KIND_LABELS
from core.content import Translated
from core.feeds.publish import ATOM_NS, EMPTY_UPDATED, XML_LANG, etag_of, rfc3339
from core.feeds.sanitize import xml_safe
from core.i18n import gettext
from core.settings import get_settings

__all__ = ["atom", "etag_of"]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = xml_safe(text)
    return element


def profile_urn(profile_id: int) -> str:
    base = get_settings().base_url
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}/cooperation/{profile_id}')}"


def atom(rows: list[dict[str, Any]], lang: str) -> bytes:
    base = get_settings().base_url
    page = f"{base}/{lang}/cooperation/"
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: lang})
    _sub(
        feed, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}/{lang}/cooperation.atom')}"
    )
    _sub(feed, "title", gettext("Hongshan: technology demands and offers"), type="text")
    newest = max((row["updated_at"] for row in rows), default=EMPTY_UPDATED)
    _sub(feed, "updated", rfc3339(newest))
    _sub(
        feed,
        "link",
        rel="self",
        type="application/atom+xml",
        href=f"{base}/{lang}/cooperation.atom",
    )
    _sub(feed, "link", rel="alternate", type="text/html", href=page)
    author = _sub(feed, "author")
    _sub(author, "name", gettext("Hongshan"))
    kinds = {key.value: str(label) for key, label in KIND_LABELS.items()}
    for row in rows:
        title = Translated.load(row["title"]).show(lang)
        entry = _sub(feed, "entry")
        entry.set(XML_LANG, title.lang)
        _sub(entry, "id", profile_urn(row["id"]))
        _sub(
            entry,
            "title",
            gettext("%(kind)s: %(title)s", kind=kinds[row["kind"]], title=title.text),
            type="text",
        )
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{page}{row['id']}/")
        _sub(entry, "updated", rfc3339(row["updated_at"]))
        if row["published_at"]:
            _sub(entry, "published", rfc3339(row["published_at"]))
        organization = row.get("organization_row") or {}
        who = _sub(entry, "author")
        _sub(who, "name", Translated.load(organization.get("name")).show(lang).text or "—")
        _sub(entry, "category", term=row["kind"], label=kinds[row["kind"]])
        summary = Translated.load(row.get("description")).show(lang).text
        if summary:
            _sub(entry, "summary", summary[:600], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
