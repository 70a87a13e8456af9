"""The sync service: one pass over many sources, items kept once, health and schedule."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.access import Viewer
from core.feeds import sources, sync
from core.feeds.queries import partner_events
from core.tables import FeedItem, FeedSource
from tests.core.feeds.factories import FAST, calendar, make_source
from tests.core.feeds.server import Doc, FeedServer, Redirect, Status, Steps, Trickle, fixture
from tests.support.factories import make_organization, make_user


async def admin() -> Viewer:
    user = await make_user("admin")
    return Viewer(id=user["id"], email=user["email"], role="admin")


async def source_row(source_id: int) -> dict[str, Any]:
    row = await FeedSource.select().where(FeedSource.id == source_id).first()
    assert row is not None
    return row


async def items_of(source_id: int) -> list[dict[str, Any]]:
    return await FeedItem.select().where(FeedItem.source == source_id).order_by(FeedItem.id)


async def test_one_pass_reads_good_feeds_and_records_why_bad_ones_failed(
    feed_server: FeedServer, loopback_counts_as_public: None
) -> None:
    """Valid feeds of every kind next to broken, huge, slow and hostile ones, in one pass:
    none crashes the pass or keeps the others from being read."""
    org = await make_organization("almaty")
    routes = {
        "/rss": Doc(fixture("almaty.rss")),
        "/atom": Doc(fixture("tashkent.atom"), "application/atom+xml"),
        "/json": Doc(fixture("bishkek.json"), "application/feed+json"),
        "/ics": Doc(calendar(), "text/calendar; charset=utf-8"),
        "/gzip": Doc(fixture("astana-cp1251.rss"), "application/xml", gzipped=True),
        "/malformed": Doc(fixture("malformed.xml")),
        "/html": Doc(fixture("not-a-feed.html"), "text/html"),
        "/huge": Doc(b"<rss>" + b"x" * (FAST.max_bytes * 2) + b"</rss>"),
        "/slow": Trickle(every_s=0.05),
        "/to-metadata": Redirect("http://169.254.169.254/latest/meta-data/"),
        "/missing": Status(404),
    }
    feed_server.routes.update(routes)
    ids = {path: (await make_source(org["id"], feed_server.url(path)))["id"] for path in routes}
    ids["internal"] = (await make_source(org["id"], "http://10.0.0.7/rss"))["id"]

    summary = await sync.sync_due(policy=FAST)

    outcomes = {o.source_id: o for o in summary.outcomes}
    expected_kinds = {
        "/rss": "rss",
        "/atom": "atom",
        "/json": "json",
        "/ics": "ical",
        "/gzip": "rss",
    }
    for path, kind in expected_kinds.items():
        row = await source_row(ids[path])
        assert outcomes[ids[path]].status == "changed", path
        assert row["kind"] == kind, path
        assert row["last_status"] == 200 and row["last_error"] == "", path
        assert row["last_items_added"] == len(await items_of(ids[path])) > 0, path
    expected_errors = {
        "/malformed": "malformed",
        "/html": "not_feed",
        "/huge": "too_large",
        "/slow": "timeout",
        "/to-metadata": "refused_address",
        "/missing": "not_found",
        "internal": "refused_address",
    }
    for path, code in expected_errors.items():
        row = await source_row(ids[path])
        assert outcomes[ids[path]].status == "failed", path
        assert row["last_error"] == code, path
        assert row["consecutive_errors"] == 1, path
        assert row["enabled"], path
        assert await items_of(ids[path]) == [], path
    assert summary.checked == len(ids)
    assert summary.failed == len(expected_errors)
    assert (await source_row(ids["/missing"]))["last_status"] == 404
    # The calendar's events are events, in their own zones.
    events = await items_of(ids["/ics"])
    assert {e["kind"] for e in events} == {"event"}
    assert {e["timezone"] for e in events} == {"Asia/Almaty", "Asia/Tashkent"}


async def test_an_unchanged_feed_costs_a_304_and_no_parsing(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await make_organization()
    feed_server.routes["/feed"] = Doc(
        fixture("almaty.rss"), etag='"abc"', last_modified="Mon, 02 Nov 2026 03:00:00 GMT"
    )
    source = await make_source(org["id"], feed_server.url("/feed"))
    first = await sync.sync_source(source["id"], policy=FAST)
    assert (first.status, first.added) == ("changed", 2)
    stored = await items_of(source["id"])

    def must_not_parse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a 304 must not be parsed")

    monkeypatch.setattr(sync, "detect_and_parse", must_not_parse)
    second = await sync.sync_source(source["id"], policy=FAST, force=True)

    assert (second.status, second.added, second.updated) == ("unchanged", 0, 0)
    assert feed_server.hits("/feed")[1]["If-None-Match"] == '"abc"'
    row = await source_row(source["id"])
    assert row["last_status"] == 304
    assert row["etag"] == '"abc"'
    assert row["kind"] == "rss" and row["last_items_found"] == 2
    assert await items_of(source["id"]) == stored


async def test_a_refetch_never_duplicates_and_a_changed_item_is_updated(
    feed_server: FeedServer,
) -> None:
    org = await make_organization()
    feed_server.routes["/feed"] = Doc(fixture("almaty.rss"))  # no validators: full re-fetch
    source = await make_source(org["id"], feed_server.url("/feed"))
    await sync.sync_source(source["id"], policy=FAST)
    again = await sync.sync_source(source["id"], policy=FAST, force=True)
    assert (again.status, again.added, again.updated) == ("changed", 0, 0)
    assert len(await items_of(source["id"])) == 2

    changed = fixture("almaty.rss").replace(
        "Алматы открывает технопарк".encode(), "Алматы открыла технопарк".encode()
    )
    feed_server.routes["/feed"] = Doc(changed)
    third = await sync.sync_source(source["id"], policy=FAST, force=True)

    assert (third.added, third.updated) == (0, 1)
    titles = [item["title"] for item in await items_of(source["id"])]
    assert titles == ["Алматы открыла технопарк", "Делегация из Урумчи посетила университет"]


async def test_items_without_guid_are_recognised_by_link_and_title(
    feed_server: FeedServer,
) -> None:
    org = await make_organization()
    body = fixture("almaty.rss").replace(b'<guid isPermaLink="false">almaty-news-1</guid>', b"")
    feed_server.routes["/feed"] = Doc(body)
    source = await make_source(org["id"], feed_server.url("/feed"))
    first = await sync.sync_source(source["id"], policy=FAST)
    second = await sync.sync_source(source["id"], policy=FAST, force=True)
    assert first.added == 2 and second.added == 0
    assert len(await items_of(source["id"])) == 2


async def test_a_failing_feed_backs_off_then_recovers(feed_server: FeedServer) -> None:
    org = await make_organization()
    feed_server.routes["/feed"] = Steps([Status(500), Status(502), Doc(fixture("almaty.rss"))])
    source = await make_source(org["id"], feed_server.url("/feed"))
    start = datetime.now(UTC)

    await sync.sync_due(policy=FAST, now=start)
    row = await source_row(source["id"])
    assert (row["consecutive_errors"], row["last_error"], row["last_status"]) == (
        1,
        "server_error",
        500,
    )
    assert row["next_attempt_at"] == start + FAST.base_backoff

    # Not due yet: nothing is fetched.
    early = await sync.sync_due(policy=FAST, now=start + timedelta(minutes=1))
    assert early.checked == 0 and len(feed_server.requests) == 1

    second_try = start + FAST.base_backoff
    await sync.sync_due(policy=FAST, now=second_try)
    row = await source_row(source["id"])
    assert row["consecutive_errors"] == 2
    assert row["next_attempt_at"] == second_try + FAST.base_backoff * 2  # doubled

    recovered_at = second_try + FAST.base_backoff * 2
    summary = await sync.sync_due(policy=FAST, now=recovered_at)
    row = await source_row(source["id"])
    assert summary.changed == 1
    assert (row["consecutive_errors"], row["last_error"]) == (0, "")
    assert row["last_success_at"] == recovered_at
    assert row["next_attempt_at"] == recovered_at + FAST.interval
    assert len(await items_of(source["id"])) == 2


def test_backoff_grows_exponentially_up_to_the_ceiling() -> None:
    waits = [FAST.backoff(n) for n in range(1, 12)]
    assert waits[:4] == [FAST.base_backoff * f for f in (1, 2, 4, 8)]
    assert max(waits) == FAST.max_backoff
    assert waits[-1] == FAST.max_backoff


async def test_after_n_failures_in_a_row_a_source_is_paused_until_re_enabled(
    feed_server: FeedServer,
) -> None:
    org = await make_organization()
    feed_server.routes["/feed"] = Status(404)
    source = await make_source(org["id"], feed_server.url("/feed"))
    moment = datetime.now(UTC)
    for _attempt in range(FAST.pause_after):
        await sync.sync_due(policy=FAST, now=moment)
        moment += FAST.max_backoff
    row = await source_row(source["id"])
    assert not row["enabled"]
    assert row["paused_reason"] == "not_found"
    assert row["consecutive_errors"] == FAST.pause_after
    assert sources.health(row) == "paused"

    # Paused: later passes leave it alone.
    requests = len(feed_server.requests)
    assert (await sync.sync_due(policy=FAST, now=moment + timedelta(days=30))).checked == 0
    assert len(feed_server.requests) == requests

    feed_server.routes["/feed"] = Doc(fixture("almaty.rss"))
    await sources.set_enabled(await admin(), row, True)
    row = await source_row(source["id"])
    assert row["enabled"] and row["paused_reason"] == "" and row["consecutive_errors"] == 0
    summary = await sync.sync_due(policy=FAST)
    assert summary.changed == 1
    assert sources.health(await source_row(source["id"])) == "ok"


async def test_a_gone_feed_is_paused_at_once(feed_server: FeedServer) -> None:
    org = await make_organization()
    feed_server.routes["/feed"] = Status(410)
    source = await make_source(org["id"], feed_server.url("/feed"))
    outcome = await sync.sync_source(source["id"], policy=FAST)
    assert outcome.paused
    row = await source_row(source["id"])
    assert (row["enabled"], row["paused_reason"]) == (False, "gone")


async def test_retry_after_is_honoured(feed_server: FeedServer) -> None:
    org = await make_organization()
    feed_server.routes["/busy"] = Status(503, {"Retry-After": "7200"})
    feed_server.routes["/limited"] = Status(429, {"Retry-After": "60"})
    busy = await make_source(org["id"], feed_server.url("/busy"))
    limited = await make_source(org["id"], feed_server.url("/limited"))
    moment = datetime.now(UTC)
    await sync.sync_due(policy=FAST, now=moment)

    busy_row = await source_row(busy["id"])
    assert busy_row["last_error"] == "server_error"
    assert busy_row["next_attempt_at"] == moment + timedelta(hours=2)  # longer than backoff
    limited_row = await source_row(limited["id"])
    assert limited_row["last_error"] == "rate_limited"
    assert limited_row["next_attempt_at"] == moment + FAST.base_backoff  # backoff is longer
    # Not fetched again before the server said so.
    await sync.sync_due(policy=FAST, now=moment + timedelta(hours=1))
    assert len(feed_server.hits("/busy")) == 1


async def test_a_source_being_read_is_not_read_twice_at_once(feed_server: FeedServer) -> None:
    org = await make_organization()
    feed_server.routes["/feed"] = Doc(fixture("almaty.rss"))
    source = await make_source(org["id"], feed_server.url("/feed"))
    now = datetime.now(UTC)
    await FeedSource.update({FeedSource.lease_until: now + timedelta(minutes=1)}).where(
        FeedSource.id == source["id"]
    )
    assert (await sync.sync_source(source["id"], policy=FAST, force=True)).status == "skipped"
    assert feed_server.requests == []
    # A claim that ran out (a worker died) does not block it for ever.
    later = now + timedelta(minutes=2)
    assert (await sync.sync_source(source["id"], policy=FAST, now=later)).status == "changed"


async def test_calendar_events_follow_the_partner_calendar(feed_server: FeedServer) -> None:
    org = await make_organization("almaty", timezone="Asia/Almaty")
    now = datetime.now(UTC)
    feed_server.routes["/ics"] = Doc(calendar(now), "text/calendar")
    source = await make_source(org["id"], feed_server.url("/ics"))
    await sync.sync_source(source["id"], policy=FAST)

    window = await partner_events(now, now + timedelta(days=60))
    titles = [event["title"] for event in window]
    assert titles.count("Weekly seminar") == 2
    assert "Workshop that will be cancelled" in titles
    expo = next(e for e in window if e["title"] == "Almaty Innovation Expo")
    assert expo["timezone"] == "Asia/Almaty"
    assert expo["organization_slug"] == "almaty"
    assert expo["location"] == "Atakent Expo Centre"
    assert await partner_events(now - timedelta(days=60), now - timedelta(days=30)) == []

    # The workshop leaves the calendar: it is gone from ours too.
    feed_server.routes["/ics"] = Doc(calendar(now, include_cancelled_later=False), "text/calendar")
    await sync.sync_source(source["id"], policy=FAST, force=True)
    titles = [event["title"] for event in await partner_events(now, now + timedelta(days=60))]
    assert "Workshop that will be cancelled" not in titles
    assert "Almaty Innovation Expo" in titles


async def test_a_crash_inside_one_source_is_recorded_and_the_pass_goes_on(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = await make_organization()
    feed_server.routes["/a"] = Doc(fixture("almaty.rss"))
    feed_server.routes["/b"] = Doc(fixture("tashkent.atom"))
    a = await make_source(org["id"], feed_server.url("/a"))
    b = await make_source(org["id"], feed_server.url("/b"))
    real_store = sync.store_items

    async def store_or_crash(source: dict[str, Any], *args: Any) -> tuple[int, int]:
        if source["id"] == a["id"]:
            raise RuntimeError("disk on fire")
        return await real_store(source, *args)

    monkeypatch.setattr(sync, "store_items", store_or_crash)
    summary = await sync.sync_due(policy=FAST)
    assert summary.failed == 1 and summary.changed == 1
    row = await source_row(a["id"])
    assert row["last_error"] == "internal" and row["lease_until"] is None
    assert len(await items_of(b["id"])) == 2


async def test_check_now_waits_for_a_read_already_under_way(feed_server: FeedServer) -> None:
    org = await make_organization()
    feed_server.routes["/feed"] = Doc(fixture("almaty.rss"))
    source = await make_source(org["id"], feed_server.url("/feed"))
    await FeedSource.update(
        {FeedSource.lease_until: datetime.now(UTC) + timedelta(minutes=1)}
    ).where(FeedSource.id == source["id"])

    async def other_worker_finishes() -> None:
        await asyncio.sleep(0.3)
        await FeedSource.update({FeedSource.lease_until: None}).where(FeedSource.id == source["id"])

    finishing = asyncio.create_task(other_worker_finishes())
    outcome = await sync.check_now(source["id"], policy=FAST, poll_s=0.05)
    await finishing
    assert outcome.status == "read_by_another_worker"
    assert feed_server.requests == []  # not fetched twice
