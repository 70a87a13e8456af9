"""Reading documents: kinds detected, items extracted, content made safe, dates and zones kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from core.feeds.parse import detect_and_parse
from core.feeds.reasons import FeedError
from core.feeds.sanitize import clean_html, escape_text
from tests.core.feeds.factories import calendar
from tests.core.feeds.server import fixture


def parse(name: str, content_type: str = "", url: str = "https://partner.example/feed"):
    return detect_and_parse(fixture(name), content_type, url, default_zone="Asia/Almaty")


def test_rss_items_have_guid_link_title_summary_and_date() -> None:
    feed = parse("almaty.rss", "application/rss+xml")
    assert feed.kind == "rss"
    assert feed.title == "Almaty Innovation Office"
    first = feed.items[0]
    assert first.guid == "almaty-news-1"
    assert first.title == "Алматы открывает технопарк"
    assert first.link == "https://almaty.example.kz/news/technopark"
    assert first.summary == "<p>Новый технопарк откроется в <b>декабре</b>.</p>"
    assert first.excerpt == "Новый технопарк откроется в декабре."
    assert first.published_at == datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def test_atom_titles_lose_markup_and_relative_links_are_resolved() -> None:
    feed = parse("tashkent.atom", "application/atom+xml", "https://tashkent.example.uz/feed")
    assert feed.kind == "atom"
    first, second = feed.items
    assert first.title == "Joint lab opens in Tashkent"
    assert first.link == "https://tashkent.example.uz/news/joint-lab"
    assert first.published_at == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    assert 'href="https://tashkent.example.uz/lab"' in first.summary
    # text/plain content is escaped, not trusted.
    assert second.summary == "<p>Pitches will be heard in spring &amp; summer.</p>"


def test_json_feed_follows_the_spec() -> None:
    feed = parse("bishkek.json", "application/feed+json")
    assert feed.kind == "json"
    assert feed.title == "Bishkek Innovation Centre"
    first, second = feed.items
    assert first.guid == "bishkek-1"
    assert first.summary == "<p>Меморандум о <strong>сотрудничестве</strong>.</p>"
    assert first.published_at == datetime(2026, 11, 4, 0, 0, tzinfo=UTC)
    # A numeric id is still an id; a relative url resolves against home_page_url; an item
    # without a title is named by the start of its text.
    assert second.guid == "2"
    assert second.link == "https://bishkek.example.kg/news/2"
    assert second.title.startswith("A microblog post without a title.")
    assert second.summary == "<p>A microblog post without a title.<br>Second line.</p>"


def test_json_that_is_not_a_json_feed_is_not_a_feed() -> None:
    with pytest.raises(FeedError) as refusal:
        detect_and_parse(json.dumps({"hello": "world"}).encode(), "application/json", "x")
    assert refusal.value.code == "not_feed"
    with pytest.raises(FeedError) as broken:
        detect_and_parse(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "", "x")
    assert broken.value.code == "malformed"


def test_html_page_is_not_a_feed_and_broken_xml_is_malformed() -> None:
    with pytest.raises(FeedError) as html_page:
        parse("not-a-feed.html", "text/html")
    assert html_page.value.code == "not_feed"
    with pytest.raises(FeedError) as broken:
        parse("malformed.xml", "application/rss+xml")
    assert broken.value.code == "malformed"
    with pytest.raises(FeedError) as empty:
        detect_and_parse(b"   ", "text/xml", "x")
    assert empty.value.code == "not_feed"


def test_a_feed_body_naming_a_local_file_is_not_read_from_disk(tmp_path) -> None:
    """feedparser opens a string as a file name if it can; a hostile server must not be
    able to make us read our own files."""
    secret = tmp_path / "secret.rss"
    secret.write_bytes(fixture("almaty.rss"))
    with pytest.raises(FeedError):
        detect_and_parse(str(secret).encode(), "text/plain", "x")


def test_charset_from_the_xml_declaration_is_honoured() -> None:
    feed = parse("astana-cp1251.rss", "application/xml")
    assert feed.title == "Новости Астаны"
    assert feed.items[0].title == "Астана принимает форум"


def test_charset_from_the_http_header_is_honoured_for_json_and_icalendar() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Ташкент",
        "items": [{"id": "1", "content_text": "Жаңалықтар"}],
    }
    feed = detect_and_parse(
        json.dumps(document, ensure_ascii=False).encode("cp1251", errors="replace"),
        "application/json; charset=windows-1251",
        "x",
    )
    assert feed.title == "Ташкент"
    ics = calendar().replace(b"Almaty Innovation Expo", "Выставка".encode("cp1251"))
    events = detect_and_parse(ics, "text/calendar; charset=windows-1251", "x")
    assert "Выставка" in [item.title for item in events.items]


def test_icalendar_events_keep_their_zone_recurrences_and_all_day_dates() -> None:
    now = datetime.now(UTC)
    feed = detect_and_parse(calendar(now), "text/calendar", "x", default_zone="Asia/Urumqi")
    assert feed.kind == "ical"
    assert feed.title == "Almaty partner events"
    by_title: dict[str, list] = {}
    for item in feed.items:
        by_title.setdefault(item.title, []).append(item)
    expo = by_title["Almaty Innovation Expo"][0]
    assert expo.kind == "event"
    assert expo.timezone == "Asia/Almaty"
    assert expo.location == "Atakent Expo Centre"
    assert expo.link == "https://almaty.example.kz/expo"
    assert expo.summary == "<p>Exhibitors from five countries.<br>Free entry.</p>"
    assert expo.ends_at - expo.starts_at == timedelta(hours=7)
    # Weekly, three times, one date excluded: two occurrences, each its own item.
    seminars = by_title["Weekly seminar"]
    assert len(seminars) == 2
    assert {s.timezone for s in seminars} == {"Asia/Tashkent"}
    assert seminars[1].starts_at - seminars[0].starts_at == timedelta(days=14)
    assert len({s.identity() for s in seminars}) == 2
    open_day = by_title["Open day"][0]
    assert open_day.all_day
    assert open_day.timezone == "Asia/Almaty"  # the calendar's X-WR-TIMEZONE
    assert open_day.ends_at - open_day.starts_at == timedelta(days=1)


def test_cancelled_and_unreadable_events_are_left_out() -> None:
    ics = calendar().replace(
        b"SUMMARY:Workshop that will be cancelled", b"SUMMARY:Workshop\r\nSTATUS:CANCELLED"
    )
    ics = ics.replace(b"DTSTART;VALUE=DATE:", b"DTSTART;VALUE=DATE:garbage")
    feed = detect_and_parse(ics, "text/calendar", "x")
    titles = [item.title for item in feed.items]
    assert "Workshop" not in titles
    assert "Open day" not in titles
    assert "Almaty Innovation Expo" in titles


def test_broken_icalendar_is_malformed() -> None:
    with pytest.raises(FeedError) as broken:
        detect_and_parse(b"BEGIN:VCALENDAR\r\nthis is not a content line\r\n", "", "x")
    assert broken.value.code == "malformed"


def test_sanitising_removes_scripts_handlers_javascript_urls_and_tracking_pixels() -> None:
    feed = parse("unsafe.rss")
    item = feed.items[0]
    html = item.summary
    assert "script" not in html and "alert" not in html
    assert "onclick" not in html and "onmouseover" not in html
    assert "javascript:" not in html
    assert "tracker.example.net" not in html
    assert "iframe" not in html and "<style" not in html and "display:none" not in html
    assert 'href="https://ok.example.org/page"' in html
    assert 'rel="noopener noreferrer nofollow ugc"' in html
    assert 'src="https://images.example.org/photo.jpg"' in html
    # The item's own link was javascript: and is dropped, not kept as a link.
    assert item.link == ""
    assert item.title == "Scripts & trackers"


def test_plain_text_content_is_escaped() -> None:
    feed = parse("plain-text.atom")
    item = feed.items[0]
    assert item.title == "Less than <b>bold</b>"  # shown as text: the page escapes it
    assert item.summary == (
        "<p>Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; friends<br>on two lines.</p>"
    )


def test_clean_html_and_escape_text_directly() -> None:
    assert clean_html('<img src="x.gif" width="0" height="0">') == ""
    assert clean_html('<img src="https://feeds.feedburner.com/~r/x/~4/abc">') == ""
    assert (
        clean_html('<a href="JaVaScRiPt:alert(1)">x</a>')
        == '<a rel="noopener noreferrer nofollow ugc">x</a>'
    )
    assert clean_html("<svg onload=alert(1)><p>ok</p></svg>") == "<p>ok</p>"
    assert escape_text("a < b\n\nc & d") == "<p>a &lt; b</p><p>c &amp; d</p>"
    assert "\x0b" not in clean_html("bad\x0bchar")
