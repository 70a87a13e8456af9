"""The public side: the news wall with its filters, a partner's latest items, partner events,
and the news as Atom and JSON Feed."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
import httpx

from core.content import Translated
from tests.core.feeds.factories import make_item, make_source
from tests.support.factories import make_organization

ATOM = "{http://www.w3.org/2005/Atom}"


async def two_partners() -> tuple[dict, dict, dict, dict]:
    almaty = await make_organization(
        "almaty",
        country="KZ",
        city=Translated.of("en", en="Almaty", ru="Алматы", zh="阿拉木图").dump(),
        name=Translated.of("en", en="Almaty Office", ru="Офис Алматы").dump(),
    )
    tashkent = await make_organization(
        "tashkent",
        country="UZ",
        city=Translated.of("en", en="Tashkent", ru="Ташкент").dump(),
        name=Translated.of("en", en="Tashkent Park", ru="Технопарк Ташкента").dump(),
        timezone="Asia/Tashkent",
    )
    almaty_feed = await make_source(almaty["id"], "https://almaty.example/rss", language="ru")
    tashkent_feed = await make_source(
        tashkent["id"], "https://tashkent.example/feed", language="en"
    )
    return almaty, tashkent, almaty_feed, tashkent_feed


async def test_news_wall_lists_partner_news_newest_first_linking_to_the_original(
    client: httpx.AsyncClient,
) -> None:
    _almaty, _tashkent, almaty_feed, tashkent_feed = await two_partners()
    now = datetime.now(UTC)
    await make_item(almaty_feed, title="Старая новость", sort_at=now - timedelta(days=2))
    await make_item(
        tashkent_feed,
        title="Fresh news from Tashkent",
        link="https://tashkent.example/news/fresh",
        excerpt="A short excerpt.",
        sort_at=now - timedelta(hours=1),
    )

    page = await client.get("/en/news/")

    assert page.status_code == 200
    text = page.text
    assert text.index("Fresh news from Tashkent") < text.index("Старая новость")
    assert 'href="https://tashkent.example/news/fresh"' in text
    assert "A short excerpt." in text
    assert "Tashkent Park" in text and 'href="/en/partners/tashkent/"' in text
    assert "2 news items" in text
    assert 'type="application/atom+xml" href="/en/news.atom"' in text
    # The menu leads here in every language.
    assert 'href="/ru/news/"' in (await client.get("/ru/")).text


async def test_news_wall_filters_by_country_city_organization_and_language(
    client: httpx.AsyncClient,
) -> None:
    _almaty, _tashkent, almaty_feed, tashkent_feed = await two_partners()
    await make_item(almaty_feed, title="Новость Алматы")
    await make_item(tashkent_feed, title="Tashkent news")

    async def titles(query: str) -> tuple[bool, bool]:
        text = (await client.get(f"/en/news/?{query}")).text
        return "Новость Алматы" in text, "Tashkent news" in text

    assert await titles("country=KZ") == (True, False)
    assert await titles("country=UZ") == (False, True)
    assert await titles("city=Tashkent") == (False, True)
    assert await titles("organization=almaty") == (True, False)
    assert await titles("language=ru") == (True, False)
    assert await titles("language=en") == (False, True)
    assert await titles("country=KZ&language=en") == (False, False)
    assert await titles("country=nonsense&language=xx") == (True, True)
    # The filter choices name cities and countries in the page language.
    russian = (await client.get("/ru/news/")).text
    assert "Ташкент" in russian and "Узбекистан" in russian
    assert (
        "No news matches these filters."
        in (await client.get("/en/news/?country=KZ&language=en")).text
    )


async def test_news_wall_pages_through_many_items(client: httpx.AsyncClient) -> None:
    _almaty, _tashkent, almaty_feed, _tashkent_feed = await two_partners()
    now = datetime.now(UTC)
    for number in range(25):
        await make_item(
            almaty_feed, title=f"Item #{number:02d}", sort_at=now - timedelta(hours=number)
        )
    first = (await client.get("/en/news/?country=KZ")).text
    second = (await client.get("/en/news/?country=KZ&page=2")).text
    assert "Item #00" in first and "Item #19" in first and "Item #20" not in first
    assert "Item #20" in second and "Item #24" in second and "Item #00" not in second
    assert 'href="?country=KZ&amp;page=2"' in first


async def test_items_of_organizations_not_shown_publicly_stay_hidden(
    client: httpx.AsyncClient,
) -> None:
    hidden = await make_organization("hidden", is_public=False)
    feed = await make_source(hidden["id"], "https://hidden.example/rss")
    await make_item(feed, title="Internal memo")
    assert "Internal memo" not in (await client.get("/en/news/")).text
    assert "Internal memo" not in (await client.get("/en/news.atom")).text


async def test_partner_events_are_marked_and_shown_in_their_own_time_zone(
    client: httpx.AsyncClient,
) -> None:
    _almaty, _tashkent, _almaty_feed, tashkent_feed = await two_partners()
    starts = datetime(2031, 3, 10, 5, 0, tzinfo=UTC)  # 10:00 in Tashkent (UTC+5)
    await make_item(
        tashkent_feed,
        kind="event",
        title="Tashkent Innovation Week",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        sort_at=starts,
        timezone="Asia/Tashkent",
        location="Tashkent City Hall",
    )
    await make_item(
        tashkent_feed,
        kind="event",
        title="Past seminar",
        starts_at=datetime(2020, 1, 1, tzinfo=UTC),
        ends_at=datetime(2020, 1, 1, 2, tzinfo=UTC),
        timezone="Asia/Tashkent",
    )

    text = (await client.get("/en/news/")).text

    assert "Events from partners" in text and "Partner event" in text
    assert "Tashkent Innovation Week" in text and "Tashkent City Hall" in text
    assert "10:00" in text and "UTC+05:00" in text
    assert "Past seminar" not in text
    # Events are not news: the count and the news list leave them out.
    assert "0 news items" in text


async def test_partner_page_shows_its_latest_news(client: httpx.AsyncClient) -> None:
    _almaty, _tashkent, almaty_feed, tashkent_feed = await two_partners()
    await make_item(almaty_feed, title="Алматы: новости недели")
    await make_item(tashkent_feed, title="Only on the Tashkent page")
    text = (await client.get("/en/partners/almaty/")).text
    assert "Latest news" in text
    assert "Алматы: новости недели" in text
    assert "Only on the Tashkent page" not in text
    assert 'href="/en/news/?organization=almaty"' in text


async def test_news_atom_is_a_valid_atom_feed(client: httpx.AsyncClient) -> None:
    _almaty, _tashkent, almaty_feed, _tashkent_feed = await two_partners()
    await make_item(
        almaty_feed,
        title="Технопарк & <партнёры>",
        summary="<p>Открытие <b>технопарка</b></p>",
        link="https://almaty.example/news/1",
        published_at=datetime(2026, 11, 2, 3, tzinfo=UTC),
        sort_at=datetime(2026, 11, 2, 3, tzinfo=UTC),
    )
    response = await client.get("/ru/news.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")

    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "http://testserver.local/ru/news.atom"
    assert links["alternate"] == "http://testserver.local/ru/news/"
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert entry.find(f"{ATOM}title").text == "Технопарк & <партнёры>"
    assert entry.find(f"{ATOM}updated").text == "2026-11-02T03:00:00Z"
    assert entry.find(f"{ATOM}link").get("href") == "https://almaty.example/news/1"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Офис Алматы"
    assert entry.find(f"{ATOM}summary").get("type") == "html"

    # A common reader reads it without complaint.
    parsed = feedparser.parse(io.BytesIO(response.content))
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.entries[0].title == "Технопарк & <партнёры>"

    # Readers that poll get a 304 while nothing changed.
    unchanged = await client.get(
        "/ru/news.atom", headers={"If-None-Match": response.headers["etag"]}
    )
    assert unchanged.status_code == 304


async def test_news_json_is_a_json_feed(client: httpx.AsyncClient) -> None:
    _almaty, _tashkent, _almaty_feed, tashkent_feed = await two_partners()
    await make_item(tashkent_feed, title="Roadshow", link="https://tashkent.example/roadshow")
    response = await client.get("/en/news.json")
    assert response.headers["content-type"].startswith("application/feed+json")
    document = json.loads(response.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == "http://testserver.local/en/news.json"
    assert document["home_page_url"] == "http://testserver.local/en/news/"
    item = document["items"][0]
    assert item["id"].startswith("urn:uuid:")
    assert item["url"] == "https://tashkent.example/roadshow"
    assert item["title"] == "Roadshow"
    assert item["authors"][0]["name"] == "Tashkent Park"
    assert "content_html" in item and "date_modified" in item


async def test_an_empty_atom_feed_is_still_valid(client: httpx.AsyncClient) -> None:
    response = await client.get("/zh/news.atom")
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}updated") is not None
    assert feed.findall(f"{ATOM}entry") == []
    assert feedparser.parse(io.BytesIO(response.content)).bozo == 0
