"""Feeds that moved for good, and feed addresses with a user name and password in them."""

from __future__ import annotations

import base64

import httpx

from core.feeds import sync
from core.tables import AuditEntry, FeedItem, FeedSource
from tests.core.feeds.factories import FAST, make_source
from tests.core.feeds.server import Doc, FeedServer, Redirect, fixture, running
from tests.support.factories import make_organization, make_user, post_form, sign_in


async def stored(source_id: int) -> dict:
    row = await FeedSource.select().where(FeedSource.id == source_id).first()
    assert row is not None
    return row


def authorization(hit: dict[str, str]) -> str:
    return {name.lower(): value for name, value in hit.items()}.get("authorization", "")


async def test_a_feed_moved_for_good_is_read_at_its_new_address_from_then_on(
    feed_server: FeedServer,
) -> None:
    org = await make_organization()
    feed_server.routes["/old"] = Redirect("/new", status=301)
    feed_server.routes["/new"] = Doc(fixture("almaty.rss"))
    source = await make_source(org["id"], feed_server.url("/old"))

    outcome = await sync.sync_source(source["id"], policy=FAST)

    assert outcome.added == 2
    assert (await stored(source["id"]))["url"] == feed_server.url("/new")
    moved = await AuditEntry.select().where(AuditEntry.action == "feed.moved").first()
    assert moved is not None and feed_server.url("/new") in str(moved["after"])
    await sync.sync_source(source["id"], policy=FAST, force=True)
    assert len(feed_server.hits("/old")) == 1  # the old address is not asked again


async def test_a_temporary_redirect_leaves_the_address_alone(feed_server: FeedServer) -> None:
    org = await make_organization()
    feed_server.routes["/feed"] = Redirect("/today", status=302)
    feed_server.routes["/moved"] = Redirect("/feed", status=308)
    feed_server.routes["/today"] = Doc(fixture("almaty.rss"))
    temporary = await make_source(org["id"], feed_server.url("/feed"))
    other_org = await make_organization()
    moved_then_temporary = await make_source(other_org["id"], feed_server.url("/moved"))
    await make_source(org["id"], feed_server.url("/elsewhere"))
    taken = await make_source(org["id"], feed_server.url("/gone"))
    feed_server.routes["/gone"] = Redirect("/elsewhere", status=301)

    for source in (temporary, moved_then_temporary, taken):
        await sync.sync_source(source["id"], policy=FAST)

    assert (await stored(temporary["id"]))["url"] == feed_server.url("/feed")
    # Moved for good to /feed, which itself only redirects for now.
    assert (await stored(moved_then_temporary["id"]))["url"] == feed_server.url("/feed")
    # Another source of the organization is already at the new address.
    assert (await stored(taken["id"]))["url"] == feed_server.url("/gone")


async def test_a_feed_address_with_a_password_is_stored_apart_and_shown_masked(
    client: httpx.AsyncClient, feed_server: FeedServer, run_jobs
) -> None:
    await make_organization("almaty")
    await sign_in(client, await make_user("admin"))
    feed_server.routes["/private.rss"] = Doc(fixture("almaty.rss"))
    with_password = feed_server.url("/private.rss").replace("://", "://partner:s3cr%40t@")

    await post_form(
        client,
        "/en/manage/feeds/new",
        {"organization": "almaty", "url": with_password, "language": "", "enabled": "on"},
    )
    await run_jobs()

    source = await stored((await FeedSource.select(FeedSource.id).first())["id"])
    assert source["url"] == feed_server.url("/private.rss")
    assert source["credentials"] == "partner:s3cr@t"
    expected = "Basic " + base64.b64encode(b"partner:s3cr@t").decode()
    assert authorization(feed_server.hits("/private.rss")[0]) == expected
    assert await FeedItem.count().where(FeedItem.source == source["id"]) == 2

    pages = [
        (await client.get(path)).text
        for path in (
            "/en/manage/feeds/",
            f"/en/manage/feeds/{source['id']}/",
            f"/en/manage/feeds/{source['id']}/edit",
            "/en/manage/audit/",
        )
    ]
    assert not any("s3cr" in page for page in pages)
    assert "partner:••••@127.0.0.1" in pages[1] and "partner:••••@127.0.0.1" in pages[2]

    masked = feed_server.url("/private.rss").replace("://", "://partner:••••@")
    edit = f"/en/manage/feeds/{source['id']}/edit"
    await post_form(
        client, edit, {"organization": "almaty", "url": masked, "language": "ru", "enabled": "on"}
    )
    assert (await stored(source["id"]))["credentials"] == "partner:s3cr@t"
    bare = feed_server.url("/private.rss")
    await post_form(
        client, edit, {"organization": "almaty", "url": bare, "language": "ru", "enabled": "on"}
    )
    assert (await stored(source["id"]))["credentials"] == ""


async def test_a_password_is_never_sent_along_a_redirect_to_another_server(
    feed_server: FeedServer,
) -> None:
    org = await make_organization()
    with running() as other:
        other.routes["/feed"] = Doc(fixture("almaty.rss"))
        feed_server.routes["/feed"] = Redirect(other.url("/feed"), status=301)
        source = await make_source(
            org["id"], feed_server.url("/feed"), credentials="partner:secret"
        )

        outcome = await sync.sync_source(source["id"], policy=FAST)

        assert outcome.added == 2
        assert authorization(feed_server.hits("/feed")[0]).startswith("Basic ")
        assert authorization(other.hits("/feed")[0]) == ""
    row = await stored(source["id"])
    assert (row["url"], row["credentials"]) == (other.url("/feed"), "")
