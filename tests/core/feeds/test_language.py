"""The language of partner items: read from the feed, else the organization's, unless the
source says otherwise."""

from __future__ import annotations

import json

import httpx

from core.content import Translated
from core.feeds import sync
from core.tables import FeedItem, FeedSource
from tests.core.feeds.factories import FAST, CliRunner, make_source
from tests.core.feeds.server import Doc, FeedServer, fixture
from tests.support.factories import make_organization, make_user, post_form, sign_in

KAZAKH_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="kk-KZ">
  <id>urn:astana-news</id>
  <title>Астана инновациялар орталығы</title>
  <updated>2026-11-03T10:00:00Z</updated>
  <entry>
    <id>urn:astana-news:1</id>
    <title>Астанада жаңа зертхана ашылды</title>
    <link href="https://astana.example.kz/news/1"/>
    <updated>2026-11-03T10:00:00Z</updated>
  </entry>
  <entry xml:lang="ru">
    <id>urn:astana-news:2</id>
    <title>В Астане открылась лаборатория</title>
    <link href="https://astana.example.kz/ru/news/2"/>
    <updated>2026-11-02T10:00:00Z</updated>
  </entry>
</feed>
""".encode()


async def languages_of(source_id: int) -> dict[str, str]:
    rows = await FeedItem.select(FeedItem.title, FeedItem.language).where(
        FeedItem.source == source_id
    )
    return {row["title"]: row["language"] for row in rows}


async def test_feeds_added_without_a_language_keep_the_language_they_declare(
    client: httpx.AsyncClient, feed_server: FeedServer, run_cli: CliRunner
) -> None:
    await make_organization("almaty")
    await make_organization("astana")
    feed_server.routes["/almaty.rss"] = Doc(fixture("almaty.rss"))
    feed_server.routes["/astana.atom"] = Doc(KAZAKH_ATOM, "application/atom+xml")

    code, out, _err = await run_cli("feeds", "add", "almaty", feed_server.url("/almaty.rss"))
    assert code == 0 and "language detected from the feed" in out
    await run_cli("feeds", "add", "astana", feed_server.url("/astana.atom"))
    await run_cli("feeds", "sync")

    almaty, astana = await FeedSource.select(FeedSource.id).order_by(FeedSource.id)
    assert set((await languages_of(almaty["id"])).values()) == {"ru"}
    assert await languages_of(astana["id"]) == {
        "Астанада жаңа зертхана ашылды": "kk",
        "В Астане открылась лаборатория": "ru",  # the entry's own xml:lang
    }
    wall = (await client.get("/en/news/")).text
    assert 'hreflang="ru">Алматы открывает технопарк' in wall
    assert 'hreflang="kk">Астанада жаңа зертхана ашылды' in wall
    kazakh_only = (await client.get("/en/news/", params={"language": "kk"})).text
    assert "Астанада жаңа зертхана ашылды" in kazakh_only
    assert "Алматы открывает технопарк" not in kazakh_only


async def test_a_feed_that_declares_nothing_is_taken_to_be_in_the_organizations_language(
    feed_server: FeedServer,
) -> None:
    org = await make_organization(
        "bishkek", name=Translated.of("ru", ru="Бишкекский инновационный центр").dump()
    )
    undeclared = fixture("almaty.rss").replace(b"<language>ru</language>", b"")
    feed_server.routes["/rss"] = Doc(undeclared)
    items = json.loads(fixture("bishkek.json"))
    items.pop("language", None)
    for item in items["items"]:
        item.pop("language", None)
    items["items"][0]["language"] = "en-GB"
    feed_server.routes["/json"] = Doc(json.dumps(items).encode(), "application/feed+json")
    rss = await make_source(org["id"], feed_server.url("/rss"), language="")
    json_feed = await make_source(org["id"], feed_server.url("/json"), language="")

    await sync.sync_source(rss["id"], policy=FAST)
    await sync.sync_source(json_feed["id"], policy=FAST)

    assert set((await languages_of(rss["id"])).values()) == {"ru"}
    json_languages = list((await languages_of(json_feed["id"])).values())
    assert sorted(json_languages) == ["en"] + ["ru"] * (len(json_languages) - 1)


async def test_a_language_chosen_in_the_form_overrides_the_feed_until_set_back_to_detect(
    client: httpx.AsyncClient, feed_server: FeedServer
) -> None:
    org = await make_organization("almaty")
    feed_server.routes["/rss"] = Doc(fixture("almaty.rss"), etag='"v1"')
    source = await make_source(org["id"], feed_server.url("/rss"), language="")
    await sync.sync_source(source["id"], policy=FAST)
    await sign_in(client, await make_user("admin"))
    form = (await client.get(f"/en/manage/feeds/{source['id']}/edit")).text
    assert '<option value="" selected>Detect from the feed</option>' in form

    edit = f"/en/manage/feeds/{source['id']}/edit"
    fields = {"organization": "almaty", "url": feed_server.url("/rss"), "enabled": "on"}
    await post_form(client, edit, {**fields, "language": "kk"})
    assert set((await languages_of(source["id"])).values()) == {"kk"}
    page = (await client.get(f"/en/manage/feeds/{source['id']}/")).text
    assert "Қазақша" in page

    await post_form(client, edit, {**fields, "language": ""})
    await sync.sync_source(source["id"], policy=FAST, force=True)
    assert set((await languages_of(source["id"])).values()) == {"ru"}
    page = (await client.get(f"/en/manage/feeds/{source['id']}/")).text
    assert "Detected from the feed" in page
