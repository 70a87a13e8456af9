"""`hongshan feeds check | add | sync`, run through core.cli.main as a shell would."""

from __future__ import annotations

from core.tables import FeedItem, FeedSource
from tests.core.feeds.factories import CliRunner, calendar, make_source
from tests.core.feeds.server import Doc, FeedServer, Status, fixture
from tests.support.factories import make_organization


async def test_check_prints_kind_count_and_first_titles(
    feed_server: FeedServer, run_cli: CliRunner
) -> None:
    feed_server.routes["/rss"] = Doc(fixture("almaty.rss"))
    feed_server.routes["/ics"] = Doc(calendar(), "text/calendar")

    code, out, _err = await run_cli("feeds", "check", feed_server.url("/rss"))
    assert code == 0
    assert "Kind: RSS" in out
    assert "Title: Almaty Innovation Office" in out
    assert "Items: 2" in out
    assert "  - Алматы открывает технопарк" in out

    code, out, _err = await run_cli(
        "feeds", "check", feed_server.url("/ics"), "--zone", "Asia/Almaty"
    )
    assert code == 0 and "Kind: iCalendar" in out and "Almaty Innovation Expo" in out
    assert await FeedSource.count() == 0  # checking stores nothing


async def test_check_explains_a_refusal_or_failure_with_a_non_zero_exit(
    feed_server: FeedServer, run_cli: CliRunner, refuse_private: None
) -> None:
    code, out, err = await run_cli("feeds", "check", "http://169.254.169.254/latest/meta-data/")
    assert code == 1 and out == ""
    assert "Refused address (internal or private network)" in err

    code, _out, err = await run_cli("feeds", "check", "ftp://partner.example/feed")
    assert code == 1 and "Not a web address" in err


async def test_check_reports_not_found_and_not_a_feed(
    feed_server: FeedServer, run_cli: CliRunner
) -> None:
    feed_server.routes["/html"] = Doc(fixture("not-a-feed.html"), "text/html")
    code, _out, err = await run_cli("feeds", "check", feed_server.url("/missing"))
    assert code == 1 and "Not found" in err and "HTTP 404" in err
    code, _out, err = await run_cli("feeds", "check", feed_server.url("/html"))
    assert code == 1 and "Not a feed" in err


async def test_add_creates_a_source_for_an_organization(
    feed_server: FeedServer, run_cli: CliRunner
) -> None:
    org = await make_organization("almaty")
    code, out, _err = await run_cli(
        "feeds", "add", "almaty", feed_server.url("/rss"), "--lang", "kk"
    )
    assert code == 0 and "Added feed" in out
    source = await FeedSource.select().first()
    assert source["organization"] == org["id"]
    assert (source["url"], source["language"], source["enabled"]) == (
        feed_server.url("/rss"),
        "kk",
        True,
    )

    code, _out, err = await run_cli("feeds", "add", "almaty", feed_server.url("/rss"))
    assert code == 2 and "already has a feed at this address" in err
    code, _out, err = await run_cli("feeds", "add", "nowhere", feed_server.url("/x"))
    assert code == 2 and "No organization with the short name 'nowhere'" in err
    assert await FeedSource.count() == 1


async def test_sync_reads_due_sources_and_prints_a_summary(
    feed_server: FeedServer, run_cli: CliRunner
) -> None:
    org = await make_organization("almaty")
    feed_server.routes["/rss"] = Doc(fixture("almaty.rss"))
    feed_server.routes["/down"] = Status(503)
    await make_source(org["id"], feed_server.url("/rss"))
    await make_source(org["id"], feed_server.url("/down"))

    code, out, _err = await run_cli("feeds", "sync")

    assert code == 0
    assert "Read 2 feed(s)" in out
    assert "1 changed, 0 unchanged, 1 failed (0 paused); 2 new item(s), 0 updated." in out
    assert f"{feed_server.url('/down')}: Server error" in out
    assert await FeedItem.count() == 2

    code, out, _err = await run_cli("feeds", "sync")
    assert "Read 0 feed(s)" in out  # nothing is due again yet
