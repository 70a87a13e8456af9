"""A fetched document → its kind and items: RSS/Atom (feedparser), JSON Feed 1.0/1.1 (by the
spec at jsonfeed.org), iCalendar (the icalendar package; events become items of kind event).

Every text that reaches an item has been through core.feeds.sanitize; links are http(s) only.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, available_timezones

import feedparser
import icalendar
from dateutil.rrule import rrulestr

from core.feeds.language import calendar_event_language, entry_language, language_of_tag
from core.feeds.reasons import FeedError
from core.feeds.sanitize import clean_html, escape_text, excerpt, html_to_text, plain_text

log = logging.getLogger(__name__)

KINDS = ("rss", "atom", "json", "ical")
JSON_FEED_VERSION = "https://jsonfeed.org/version/"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
# Recurring events are expanded inside this window around now, at most this many times each.
RECURRENCE_PAST = timedelta(days=30)
RECURRENCE_FUTURE = timedelta(days=400)
MAX_OCCURRENCES = 100
# Calendar events that ended longer ago than this are not kept.
EVENT_HISTORY = timedelta(days=90)


@dataclass
class ParsedItem:
    guid: str
    link: str
    title: str
    summary: str  # sanitised HTML
    excerpt: str  # plain text
    published_at: datetime | None = None
    modified_at: datetime | None = None
    kind: str = "news"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str = ""
    all_day: bool = False
    location: str = ""
    language: str = ""  # declared by the item itself; "" when it says nothing

    def identity(self) -> str:
        """What makes this item the same item on the next fetch: its guid, or else its link
        and title together."""
        basis = f"guid:{self.guid}" if self.guid else f"link+title:{self.link}\n{self.title}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]

    def content_hash(self) -> str:
        """Changes when anything a reader sees changes."""
        parts = [
            self.title,
            self.link,
            self.summary,
            _iso(self.published_at),
            _iso(self.starts_at),
            _iso(self.ends_at),
            self.timezone,
            str(self.all_day),
            self.location,
        ]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass
class ParsedFeed:
    kind: str
    title: str
    items: list[ParsedItem] = field(default_factory=list)
    complete: bool = True  # False when items were cut at the policy's maximum
    language: str = ""  # declared for the whole feed; "" when it says nothing


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def charset_of(content_type: str) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_content_charset()
    if charset is None:
        return None
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def decode_text(body: bytes, content_type: str) -> str:
    """Text by byte-order mark, then the declared charset, then UTF-8 (JSON's and
    iCalendar's default), replacing what cannot be decoded rather than failing."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    declared = charset_of(content_type)
    if declared:
        try:
            return body.decode(declared)
        except UnicodeDecodeError:
            pass
    return body.decode("utf-8", errors="replace")


def _sniff(body: bytes) -> str:
    """The start of the document as text, enough to tell JSON, iCalendar and XML apart."""
    return decode_text(body[:2048], "").lstrip("\ufeff \t\r\n")


def web_link(value: Any, base: str = "") -> str:
    """An http(s) link, resolved against `base`; anything else (javascript:, data:…) is ''."""
    if not isinstance(value, str) or not value.strip():
        return ""
    link = urljoin(base, value.strip()) if base else value.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return link[:2000]


def _title_or_excerpt(title: str, text: str, link: str) -> str:
    return title or excerpt(text, 100) or link


def detect_and_parse(
    body: bytes,
    content_type: str,
    url: str,
    *,
    max_items: int = 200,
    default_zone: str = "UTC",
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse any supported document; FeedError("not_feed" | "malformed") otherwise."""
    start = _sniff(body)
    if not start:
        raise FeedError("not_feed", "empty document")
    if start.startswith(("{", "[")):
        return parse_json_feed(body, content_type, url, max_items=max_items)
    if start[:15].upper() == "BEGIN:VCALENDAR":
        return parse_icalendar(
            body, content_type, max_items=max_items, default_zone=default_zone, now=now
        )
    return parse_xml_feed(body, content_type, url, max_items=max_items)


# --- RSS and Atom --------------------------------------------------------------------------


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _detail_html(detail: Any, value: str) -> str:
    """Entry text as safe HTML: cleaned when it is HTML, escaped when it is plain text
    (feedparser passes text/plain through untouched)."""
    kind = (detail or {}).get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if kind in HTML_TYPES:
        return clean_html(value)
    return escape_text(value)


def _entry(entry: Any) -> ParsedItem | None:
    title_detail = entry.get("title_detail") or {}
    raw_title = entry.get("title") or ""
    if title_detail.get("type", "text/plain") in HTML_TYPES:
        title = html_to_text(raw_title)
    else:
        title = plain_text(raw_title)
    link = web_link(entry.get("link"))
    summary = ""
    # feedparser copies content into `summary` without a `summary_detail`; the content's own
    # type then says whether it is HTML or plain text.
    if entry.get("summary_detail"):
        summary = _detail_html(entry["summary_detail"], entry.get("summary") or "")
    elif entry.get("content"):
        first = entry["content"][0]
        summary = _detail_html(first, first.get("value", ""))
    elif entry.get("summary"):
        summary = _detail_html(None, entry["summary"])
    text = html_to_text(summary)
    if not (title or link or text):
        return None
    return ParsedItem(
        guid=plain_text(str(entry.get("id") or ""))[:1000],
        link=link,
        title=_title_or_excerpt(title, text, link)[:1000],
        summary=summary,
        excerpt=excerpt(text),
        published_at=_struct_time(
            entry.get("published_parsed")
            or entry.get("updated_parsed")
            or entry.get("created_parsed")
        ),
        modified_at=_struct_time(entry.get("updated_parsed")),
        language=entry_language(entry),
    )


def _looks_like_feed_xml(start: str) -> bool:
    lowered = start[:2048].lower()
    return lowered.startswith("<") and any(
        marker in lowered for marker in ("<rss", "<feed", "<rdf:rdf", "<channel")
    )


def parse_xml_feed(body: bytes, content_type: str, url: str, *, max_items: int) -> ParsedFeed:
    # A file object, never bytes or str: given a string, feedparser tries it as a URL to
    # fetch and as a local file name to open before it treats it as the document.
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": url,
        },
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    version = result.get("version") or ""
    if not version:
        if _looks_like_feed_xml(_sniff(body)):
            raise FeedError("malformed", str(result.get("bozo_exception") or "")[:300])
        raise FeedError("not_feed", content_type[:100])
    if result.get("bozo") and not result.entries:
        raise FeedError("malformed", str(result.get("bozo_exception") or "")[:300])
    items = [item for item in (_entry(e) for e in result.entries[:max_items]) if item]
    feed = result.get("feed", {})
    return ParsedFeed(
        kind="atom" if version.startswith("atom") else "rss",
        title=html_to_text(feed.get("title") or "")[:300],
        items=items,
        complete=len(result.entries) <= max_items,
        language=language_of_tag(feed.get("language")),
    )


# --- JSON Feed -----------------------------------------------------------------------------


def _rfc3339(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json_item(item: dict[str, Any], base: str) -> ParsedItem | None:
    link = web_link(item.get("url"), base) or web_link(item.get("external_url"), base)
    title = plain_text(str(item.get("title") or ""))
    if isinstance(item.get("content_html"), str) and item["content_html"].strip():
        body = clean_html(item["content_html"])
    elif isinstance(item.get("content_text"), str):
        body = escape_text(item["content_text"])
    else:
        body = ""
    summary_text = plain_text(str(item.get("summary") or ""))
    summary = escape_text(summary_text) if summary_text else body
    text = summary_text or html_to_text(body)
    if not (title or link or text):
        return None
    raw_id = item.get("id")
    guid = str(raw_id) if isinstance(raw_id, str | int | float) and str(raw_id).strip() else ""
    return ParsedItem(
        guid=plain_text(guid)[:1000],
        link=link,
        title=_title_or_excerpt(title, text, link)[:1000],
        summary=summary,
        excerpt=excerpt(text),
        published_at=_rfc3339(item.get("date_published")) or _rfc3339(item.get("date_modified")),
        modified_at=_rfc3339(item.get("date_modified")),
        language=language_of_tag(item.get("language")),
    )


def parse_json_feed(body: bytes, content_type: str, url: str, *, max_items: int) -> ParsedFeed:
    try:
        data = json.loads(decode_text(body, content_type))
    except ValueError as error:
        raise FeedError("malformed", f"JSON: {error}"[:300]) from None
    if not isinstance(data, dict):
        raise FeedError("not_feed", "JSON without a feed object")
    version = data.get("version")
    if not isinstance(version, str) or not version.startswith(JSON_FEED_VERSION):
        raise FeedError("not_feed", "JSON without a JSON Feed version")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise FeedError("malformed", "JSON Feed without items")
    base = web_link(data.get("home_page_url")) or url
    items = [
        parsed
        for raw in raw_items[:max_items]
        if isinstance(raw, dict) and (parsed := _json_item(raw, base))
    ]
    return ParsedFeed(
        kind="json",
        title=plain_text(str(data.get("title") or ""))[:300],
        items=items,
        complete=len(raw_items) <= max_items,
        language=language_of_tag(data.get("language")),
    )


# --- iCalendar -----------------------------------------------------------------------------


def _valid_zone(name: Any) -> str | None:
    if not isinstance(name, str) or not name:
        return None
    name = name.strip()
    if name in available_timezones():
        return name
    try:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

        mapped = WINDOWS_TO_OLSON.get(name)
    except ImportError:  # pragma: no cover - icalendar layout change
        mapped = None
    return mapped if mapped in available_timezones() else None


def _zone_of(prop: Any, value: datetime, fallback: str) -> str:
    """The IANA zone an event is in: its tzinfo's key, else its TZID mapped from a Windows
    name, else the calendar's or the organization's zone."""
    key = getattr(value.tzinfo, "key", None)
    if key and _valid_zone(key):
        return key
    params = getattr(prop, "params", {}) or {}
    return _valid_zone(params.get("TZID")) or fallback


def _moment(value: date | datetime, zone: str) -> datetime:
    """A DTSTART/DTEND value as an aware datetime: floating times and dates are in `zone`."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))
    return datetime.combine(value, time(), tzinfo=ZoneInfo(zone))


def _dt(prop: Any) -> date | datetime | None:
    try:
        value = getattr(prop, "dt", None)
    except Exception:  # icalendar's vBroken raises on access to a value it could not read
        return None
    return value if isinstance(value, date | datetime) else None


def _event_fields(event: Any, zone_fallback: str) -> dict[str, Any] | None:
    start_prop = event.get("DTSTART")
    start_value = _dt(start_prop)
    if start_value is None:
        return None
    all_day = not isinstance(start_value, datetime)
    zone = _zone_of(start_prop, start_value, zone_fallback) if not all_day else zone_fallback
    starts = _moment(start_value, zone)
    end_value = _dt(event.get("DTEND"))
    duration = getattr(event.get("DURATION"), "dt", None)
    if end_value is not None:
        ends: datetime | None = _moment(end_value, zone)
    elif isinstance(duration, timedelta):
        ends = starts + duration
    else:
        ends = starts + timedelta(days=1) if all_day else None
    description = str(event.get("DESCRIPTION") or "")
    summary = escape_text(description) if description else ""
    title = plain_text(str(event.get("SUMMARY") or ""))
    return {
        "uid": plain_text(str(event.get("UID") or "")),
        "title": title,
        "summary": summary,
        "text": plain_text(description),
        "link": web_link(str(event.get("URL") or "")),
        "location": plain_text(str(event.get("LOCATION") or ""))[:500],
        "starts": starts,
        "ends": ends,
        "zone": zone,
        "all_day": all_day,
        "stamp": _dt(event.get("LAST-MODIFIED")) or _dt(event.get("DTSTAMP")),
        "language": calendar_event_language(event),
    }


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _event_item(fields: dict[str, Any], guid: str, starts: datetime) -> ParsedItem:
    length = fields["ends"] - fields["starts"] if fields["ends"] else None
    stamp = fields["stamp"]
    return ParsedItem(
        guid=guid[:1000],
        link=fields["link"],
        title=_title_or_excerpt(fields["title"], fields["text"], fields["link"])[:1000],
        summary=fields["summary"],
        excerpt=excerpt(fields["text"]),
        published_at=None,
        modified_at=_utc(stamp) if isinstance(stamp, datetime) and stamp.tzinfo else None,
        kind="event",
        starts_at=_utc(starts),
        ends_at=_utc(starts + length) if length is not None else None,
        timezone=fields["zone"],
        all_day=fields["all_day"],
        location=fields["location"],
        language=fields["language"],
    )


def _excluded(event: Any) -> set[datetime]:
    found: set[datetime] = set()
    raw = event.get("EXDATE")
    for entry in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        for value in getattr(entry, "dts", []):
            if isinstance(value.dt, datetime) and value.dt.tzinfo:
                found.add(_utc(value.dt))
            elif isinstance(value.dt, datetime | date):
                found.add(_utc(_moment(value.dt, "UTC")))
    return found


def _occurrences(event: Any, fields: dict[str, Any], now: datetime) -> list[datetime]:
    """Start times of a recurring event inside the window, EXDATEs left out."""
    rule = event.get("RRULE")
    first: datetime = fields["starts"]
    if rule is None:
        return [first]
    try:
        text = rule.to_ical().decode()
        if fields["all_day"]:
            # Dates recur as naive midnights; the zone goes back on afterwards.
            naive = rrulestr(text, dtstart=first.replace(tzinfo=None), ignoretz=True)
            starts = [
                o.replace(tzinfo=first.tzinfo)
                for o in naive.between(
                    (now - RECURRENCE_PAST).replace(tzinfo=None),
                    (now + RECURRENCE_FUTURE).replace(tzinfo=None),
                    inc=True,
                )
            ]
        else:
            starts = list(
                rrulestr(text, dtstart=first).between(
                    now - RECURRENCE_PAST, now + RECURRENCE_FUTURE, inc=True
                )
            )
    except (ValueError, TypeError) as error:
        log.info("unreadable RRULE", extra={"uid": fields["uid"], "error": str(error)})
        return [first]
    skipped = _excluded(event)
    return [s for s in starts if _utc(s) not in skipped][:MAX_OCCURRENCES]


def parse_icalendar(
    body: bytes,
    content_type: str,
    *,
    max_items: int,
    default_zone: str = "UTC",
    now: datetime | None = None,
) -> ParsedFeed:
    now = now or datetime.now(UTC)
    try:
        calendar = icalendar.Calendar.from_ical(decode_text(body, content_type))
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise FeedError("malformed", f"iCalendar: {error}"[:300]) from None
    calendar_zone = _valid_zone(str(calendar.get("X-WR-TIMEZONE") or "")) or default_zone
    events = list(calendar.walk("VEVENT"))
    # Changed single occurrences of a recurring event (RECURRENCE-ID) replace the rule's.
    overridden: set[tuple[str, datetime]] = set()
    for event in events:
        recurrence = _dt(event.get("RECURRENCE-ID"))
        if recurrence is not None:
            zone = calendar_zone
            overridden.add((str(event.get("UID") or ""), _utc(_moment(recurrence, zone))))
    items: list[ParsedItem] = []
    for event in events:
        if str(event.get("STATUS") or "").upper() == "CANCELLED":
            continue
        try:
            fields = _event_fields(event, calendar_zone)
        except (ValueError, TypeError, OverflowError) as error:
            log.info("unreadable event", extra={"error": str(error)[:200]})
            continue
        if fields is None:
            continue
        recurrence = _dt(event.get("RECURRENCE-ID"))
        uid = fields["uid"]
        if recurrence is not None:
            original = _utc(_moment(recurrence, fields["zone"]))
            items.append(_event_item(fields, f"{uid}#{original.isoformat()}", fields["starts"]))
            continue
        recurring = event.get("RRULE") is not None
        for start in _occurrences(event, fields, now):
            if recurring and (uid, _utc(start)) in overridden:
                continue
            guid = f"{uid}#{_utc(start).isoformat()}" if recurring else uid
            items.append(_event_item(fields, guid, start))
    cutoff = now - EVENT_HISTORY
    kept = [i for i in items if (i.ends_at or i.starts_at or now) >= cutoff]
    kept.sort(key=lambda i: i.starts_at or now)
    title = plain_text(str(calendar.get("X-WR-CALNAME") or calendar.get("NAME") or ""))
    return ParsedFeed(
        kind="ical", title=title[:300], items=kept[:max_items], complete=len(kept) <= max_items
    )


def kind_for_display(kind: str) -> str:
    return {"rss": "RSS", "atom": "Atom", "json": "JSON Feed", "ical": "iCalendar"}.get(kind, "")
