"""The back office of feeds over HTTP: who sees which sources, adding, checking, re-enabling."""

from __future__ import annotations

from typing import Any

import httpx

from core.tables import AuditEntry, FeedItem, FeedSource
from tests.core.feeds.factories import make_source
from tests.core.feeds.server import Doc, FeedServer, Status, fixture
from tests.support.factories import make_organization, make_user, post_form, sign_in


async def signed_in_as(
    client: httpx.AsyncClient, role: str, organization_id: int | None = None
) -> dict[str, Any]:
    user = await make_user(role, organization_id=organization_id)
    await sign_in(client, user)
    return user


async def test_admin_adds_a_feed_and_a_worker_reads_it(
    client: httpx.AsyncClient, feed_server: FeedServer, run_jobs
) -> None:
    await make_organization("almaty")
    await signed_in_as(client, "admin")
    feed_server.routes["/rss"] = Doc(fixture("almaty.rss"))
    form = await client.get("/en/manage/feeds/new")
    assert form.status_code == 200 and 'name="url"' in form.text

    response = await post_form(
        client,
        "/en/manage/feeds/new",
        {
            "organization": "almaty",
            "url": feed_server.url("/rss"),
            "language": "ru",
            "enabled": "on",
        },
    )

    source = await FeedSource.select().first()
    assert source is not None and source["language"] == "ru" and source["enabled"]
    assert response.url.path == f"/en/manage/feeds/{source['id']}/"
    assert "The feed was added." in response.text
    assert await AuditEntry.exists().where(AuditEntry.action == "feed.add")
    await run_jobs()  # the add queued a fetch
    assert await FeedItem.count().where(FeedItem.source == source["id"]) == 2
    page = (await client.get(f"/en/manage/feeds/{source['id']}/")).text
    assert "Almaty Innovation Office" in page and "Алматы открывает технопарк" in page


async def test_check_now_shows_what_was_found_or_why_it_failed(
    client: httpx.AsyncClient, feed_server: FeedServer
) -> None:
    org = await make_organization("almaty")
    await signed_in_as(client, "admin")
    feed_server.routes["/rss"] = Doc(fixture("almaty.rss"))
    good = await make_source(org["id"], feed_server.url("/rss"))
    bad = await make_source(org["id"], feed_server.url("/gone-missing"))

    checked = await post_form(client, f"/en/manage/feeds/{good['id']}/check")
    assert checked.url.path == f"/en/manage/feeds/{good['id']}/"
    assert "The check succeeded. Kind: RSS. The feed has 2 items, 2 of them new." in checked.text
    assert "Делегация из Урумчи посетила университет" in checked.text

    failed = await post_form(client, f"/ru/manage/feeds/{bad['id']}/check")
    assert failed.status_code == 200
    row = await FeedSource.select().where(FeedSource.id == bad["id"]).first()
    assert row["last_error"] == "not_found" and row["last_status"] == 404
    english = (await client.get(f"/en/manage/feeds/{bad['id']}/?checked=1")).text
    assert "The check failed: Not found." in english


async def test_the_list_shows_health_in_words(
    client: httpx.AsyncClient, feed_server: FeedServer
) -> None:
    org = await make_organization("almaty")
    await signed_in_as(client, "admin")
    feed_server.routes["/rss"] = Doc(fixture("almaty.rss"))
    feed_server.routes["/slow-error"] = Status(503, {"Retry-After": "600"})
    working = await make_source(org["id"], feed_server.url("/rss"))
    failing = await make_source(org["id"], feed_server.url("/slow-error"))
    await make_source(
        org["id"],
        "https://never.example/feed",
        enabled=False,
        paused_reason="timeout",
        consecutive_errors=10,
    )
    await post_form(client, f"/en/manage/feeds/{working['id']}/check")
    await post_form(client, f"/en/manage/feeds/{failing['id']}/check")

    text = (await client.get("/en/manage/feeds/")).text

    assert "3 feeds" in text
    assert "Working" in text and "Failing" in text and "Paused after errors" in text
    assert "Server error" in text and "Timed out" in text
    assert "HTTP 503" in text and "HTTP 200" in text
    assert "2 items kept" in text
    only_failing = (await client.get("/en/manage/feeds/?health=failing")).text
    assert "1 feed" in only_failing and "Server error" in only_failing


async def test_a_paused_feed_can_be_re_enabled(
    client: httpx.AsyncClient, feed_server: FeedServer
) -> None:
    org = await make_organization("almaty")
    await signed_in_as(client, "admin")
    feed_server.routes["/rss"] = Doc(fixture("almaty.rss"))
    source = await make_source(
        org["id"],
        feed_server.url("/rss"),
        enabled=False,
        paused_reason="not_found",
        consecutive_errors=10,
    )
    page = (await client.get(f"/en/manage/feeds/{source['id']}/")).text
    assert "Paused after 10 failed attempts in a row: Not found." in page
    assert "Re-enable" in page

    response = await post_form(client, f"/en/manage/feeds/{source['id']}/enable")

    assert "The feed is enabled again" in response.text
    row = await FeedSource.select().where(FeedSource.id == source["id"]).first()
    assert row["enabled"] and row["paused_reason"] == "" and row["consecutive_errors"] == 0
    assert await AuditEntry.exists().where(AuditEntry.action == "feed.enable")


async def test_bad_addresses_are_refused_in_the_form(
    client: httpx.AsyncClient, refuse_private: None
) -> None:
    org = await make_organization("almaty")
    await signed_in_as(client, "admin")
    cases = {
        "ftp://almaty.example/rss": "Enter a web address starting with http:// or https://.",
        "http://169.254.169.254/latest/": (
            "This address is refused: it points to an internal or private network."
        ),
        "": "Enter the address of the feed.",
    }
    for url, message in cases.items():
        response = await post_form(
            client, "/en/manage/feeds/new", {"organization": "almaty", "url": url, "language": "ru"}
        )
        assert response.status_code == 400, url
        assert message in response.text, url
    await make_source(org["id"], "https://almaty.example/rss")
    duplicate = await post_form(
        client,
        "/en/manage/feeds/new",
        {"organization": "almaty", "url": "https://almaty.example/rss", "language": "ru"},
    )
    assert "This organization already has a feed at this address." in duplicate.text
    assert await FeedSource.count() == 1


async def test_admin_edits_a_feed_and_a_new_address_starts_afresh(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organization("almaty")
    await signed_in_as(client, "admin")
    source = await make_source(
        org["id"],
        "https://almaty.example/old",
        etag='"x"',
        kind="rss",
        consecutive_errors=2,
        last_error="timeout",
    )
    form = (await client.get(f"/en/manage/feeds/{source['id']}/edit")).text
    assert "https://almaty.example/old" in form

    await post_form(
        client,
        f"/en/manage/feeds/{source['id']}/edit",
        {
            "organization": "almaty",
            "url": "https://almaty.example/new",
            "language": "kk",
            "enabled": "on",
        },
    )

    row = await FeedSource.select().where(FeedSource.id == source["id"]).first()
    assert (row["url"], row["language"], row["etag"], row["kind"]) == (
        "https://almaty.example/new",
        "kk",
        "",
        "",
    )
    assert row["consecutive_errors"] == 0


async def test_a_coordinator_manages_only_their_own_organizations_feeds(
    client: httpx.AsyncClient,
) -> None:
    own = await make_organization("almaty")
    other = await make_organization("tashkent")
    mine = await make_source(own["id"], "https://almaty.example/rss")
    theirs = await make_source(other["id"], "https://tashkent.example/rss")
    await signed_in_as(client, "coordinator", own["id"])

    listing = (await client.get("/en/manage/feeds/")).text
    assert "https://almaty.example/rss" in listing
    assert "tashkent" not in listing
    assert 'href="/en/manage/feeds/"' in listing  # the back-office menu has it
    assert (await client.get(f"/en/manage/feeds/{mine['id']}/")).status_code == 200
    for path in ("/", "/edit"):
        assert (await client.get(f"/en/manage/feeds/{theirs['id']}{path}")).status_code == 404
    for action in ("check", "enable", "disable", "edit"):
        response = await post_form(client, f"/en/manage/feeds/{theirs['id']}/{action}")
        assert response.status_code == 404, action
    assert (await client.get("/en/manage/feeds/999999/")).status_code == 404

    # The form offers only their organization, and another one's slug is refused.
    form = (await client.get("/en/manage/feeds/new")).text
    assert 'value="almaty"' in form and 'value="tashkent"' not in form
    refused = await post_form(
        client,
        "/en/manage/feeds/new",
        {"organization": "tashkent", "url": "https://tashkent.example/other", "language": "ru"},
    )
    assert refused.status_code == 400 and "Choose an organization." in refused.text
    added = await post_form(
        client,
        "/en/manage/feeds/new",
        {
            "organization": "almaty",
            "url": "https://almaty.example/events.ics",
            "language": "kk",
            "enabled": "on",
        },
    )
    assert added.status_code == 200
    assert await FeedSource.count().where(FeedSource.organization == own["id"]) == 2
    assert await FeedSource.count().where(FeedSource.organization == other["id"]) == 1


async def test_people_without_feed_work_are_kept_out(client: httpx.AsyncClient) -> None:
    org = await make_organization("almaty")
    source = await make_source(org["id"], "https://almaty.example/rss")
    anonymous = await client.get("/en/manage/feeds/", follow_redirects=False)
    assert anonymous.status_code == 303 and "/en/account/login" in anonymous.headers["location"]
    await signed_in_as(client, "fao")
    assert (await client.get("/en/manage/feeds/")).status_code == 403
    assert (await client.get("/en/manage/feeds/new")).status_code == 403
    assert (await client.get(f"/en/manage/feeds/{source['id']}/")).status_code == 404
    assert 'href="/en/manage/feeds/"' not in (await client.get("/en/manage/")).text
