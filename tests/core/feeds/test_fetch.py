"""One fetch against a real local server: limits, redirects, compression, validators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.feeds.fetch import fetch, parse_retry_after
from core.feeds.reasons import FeedError
from tests.core.feeds.factories import FAST
from tests.core.feeds.server import Doc, FeedServer, Redirect, Status, Trickle, fixture


async def test_gzip_is_decoded(feed_server: FeedServer) -> None:
    feed_server.routes["/feed"] = Doc(fixture("almaty.rss"), gzipped=True)
    fetched = await fetch(feed_server.url("/feed"), policy=FAST)
    assert fetched.body == fixture("almaty.rss")
    assert "gzip" in feed_server.hits("/feed")[0]["Accept-Encoding"]


async def test_a_body_over_the_cap_is_refused_with_or_without_a_declared_length(
    feed_server: FeedServer,
) -> None:
    big = b"<rss>" + b"x" * (FAST.max_bytes + 1) + b"</rss>"
    feed_server.routes["/declared"] = Doc(big)
    feed_server.routes["/streamed"] = Doc(big, send_length=False)
    for path in ("/declared", "/streamed"):
        with pytest.raises(FeedError) as refusal:
            await fetch(feed_server.url(path), policy=FAST)
        assert refusal.value.code == "too_large", path


async def test_a_gzip_bomb_stops_at_the_cap(feed_server: FeedServer) -> None:
    feed_server.routes["/bomb"] = Doc(b"<rss>" + b" " * (FAST.max_bytes * 50), gzipped=True)
    with pytest.raises(FeedError) as refusal:
        await fetch(feed_server.url("/bomb"), policy=FAST)
    assert refusal.value.code == "too_large"


async def test_a_trickling_server_hits_the_total_deadline(feed_server: FeedServer) -> None:
    # Each byte arrives well within the idle timeout; only the total deadline ends it.
    feed_server.routes["/slow"] = Trickle(every_s=0.05)
    with pytest.raises(FeedError) as refusal:
        await fetch(feed_server.url("/slow"), policy=FAST)
    assert refusal.value.code == "timeout"


async def test_redirects_are_followed_within_the_limit(feed_server: FeedServer) -> None:
    feed_server.routes["/old"] = Redirect("/moved", status=301)
    feed_server.routes["/moved"] = Redirect(feed_server.url("/feed"), status=307)
    feed_server.routes["/feed"] = Doc(fixture("almaty.rss"))
    fetched = await fetch(feed_server.url("/old"), policy=FAST)
    assert fetched.url == feed_server.url("/feed")
    assert fetched.body == fixture("almaty.rss")

    feed_server.routes["/loop"] = Redirect("/loop")
    with pytest.raises(FeedError) as refusal:
        await fetch(feed_server.url("/loop"), policy=FAST)
    assert refusal.value.code == "too_many_redirects"
    assert len(feed_server.hits("/loop")) == FAST.max_redirects + 1


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/feed",
        "http://[::1]/feed",
        "http://localhost/feed",
        "file:///etc/passwd",
    ],
)
async def test_a_redirect_to_a_refused_address_is_refused(
    feed_server: FeedServer, loopback_counts_as_public: None, target: str
) -> None:
    feed_server.routes["/feed"] = Redirect(target)
    with pytest.raises(FeedError) as refusal:
        await fetch(feed_server.url("/feed"), policy=FAST)
    assert refusal.value.code in ("refused_address", "bad_url")
    assert len(feed_server.requests) == 1


async def test_validators_are_sent_and_a_304_comes_back_empty(feed_server: FeedServer) -> None:
    feed_server.routes["/feed"] = Doc(
        fixture("almaty.rss"), etag='"v1"', last_modified="Mon, 02 Nov 2026 03:00:00 GMT"
    )
    first = await fetch(feed_server.url("/feed"), policy=FAST)
    assert (first.status, first.etag) == (200, '"v1"')
    again = await fetch(
        feed_server.url("/feed"), etag=first.etag, last_modified=first.last_modified, policy=FAST
    )
    assert again.not_modified and again.body == b""
    sent = feed_server.hits("/feed")[1]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Mon, 02 Nov 2026 03:00:00 GMT"


@pytest.mark.parametrize(
    ("status", "code"),
    [(404, "not_found"), (410, "gone"), (403, "forbidden"), (429, "rate_limited"),
     (500, "server_error"), (418, "http_error")],
)  # fmt: skip
async def test_error_statuses_become_reasons(
    feed_server: FeedServer, status: int, code: str
) -> None:
    feed_server.routes["/feed"] = Status(status, {"Retry-After": "120"})
    with pytest.raises(FeedError) as failure:
        await fetch(feed_server.url("/feed"), policy=FAST)
    assert (failure.value.code, failure.value.status) == (code, status)
    if status in (429, 500):
        assert failure.value.retry_after == timedelta(seconds=120)


async def test_nothing_listening_is_a_connection_failure(feed_server: FeedServer) -> None:
    port = feed_server.port
    feed_server.stop()
    with pytest.raises(FeedError) as failure:
        await fetch(f"http://127.0.0.1:{port}/feed", policy=FAST)
    assert failure.value.code == "connection"


def test_retry_after_is_read_as_seconds_or_as_a_date() -> None:
    now = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    assert parse_retry_after("3600", now) == timedelta(hours=1)
    assert parse_retry_after("Thu, 05 Nov 2026 14:00:00 GMT", now) == timedelta(hours=2)
    assert parse_retry_after("Thu, 05 Nov 2026 10:00:00 GMT", now) == timedelta(0)
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
