"""The address guard: which URLs and addresses the feed reader refuses to fetch."""

from __future__ import annotations

import ipaddress

import pytest

from core.feeds import guard
from core.feeds.fetch import fetch
from core.feeds.guard import GuardedBackend, check_url, is_refused_ip
from core.feeds.reasons import FeedError
from tests.core.feeds.factories import FAST
from tests.core.feeds.server import Doc, FeedServer, fixture

REFUSED = {
    "loopback v4": "127.0.0.1",
    "loopback v4 elsewhere in 127/8": "127.10.0.3",
    "loopback v6": "::1",
    "private 10/8": "10.1.2.3",
    "private 172.16/12": "172.20.0.1",
    "private 192.168/16": "192.168.1.10",
    "unique local v6": "fd00::1",
    "link-local v4 (cloud metadata)": "169.254.169.254",
    "link-local v6": "fe80::1",
    "multicast v4": "224.0.0.1",
    "multicast v4 global scope": "233.252.0.1",
    "multicast v6": "ff02::1",
    "unspecified v4": "0.0.0.0",
    "unspecified v6": "::",
    "shared address space (CGNAT)": "100.64.0.1",
    "documentation": "192.0.2.10",
    "broadcast": "255.255.255.255",
    "IPv4-mapped loopback": "::ffff:127.0.0.1",
    "IPv4-mapped private": "::ffff:10.0.0.1",
    "NAT64 of loopback": "64:ff9b::7f00:1",
    "6to4 of private": "2002:c0a8:0101::1",
}
ALLOWED = {
    "public v4": "8.8.8.8",
    "public v6": "2001:4860:4860::8888",
    "IPv4-mapped public": "::ffff:8.8.8.8",
}


@pytest.mark.parametrize("address", REFUSED.values(), ids=REFUSED.keys())
def test_internal_addresses_are_refused(address: str) -> None:
    assert is_refused_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED.values(), ids=ALLOWED.keys())
def test_public_addresses_pass(address: str) -> None:
    assert not is_refused_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://partner.example.org/feed.xml",
        "gopher://partner.example.org/",
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "feed://partner.example.org/rss",
        "partner.example.org/rss",
        "http://",
        "http://partner.example.org:0/rss",
        "http://partner.example.org:99999/rss",
    ],
)
def test_only_http_and_https_urls_are_accepted(url: str) -> None:
    with pytest.raises(FeedError) as refusal:
        check_url(url)
    assert refusal.value.code == "bad_url"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/feed",
        "http://[::1]/feed",
        "http://[::ffff:7f00:1]/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/rss",
        "http://0.0.0.0/rss",
        "http://localhost/rss",
        "http://intranet.localhost/rss",
    ],
)
def test_urls_naming_internal_hosts_are_refused(url: str, refuse_private: None) -> None:
    with pytest.raises(FeedError) as refusal:
        check_url(url)
    assert refusal.value.code == "refused_address"


def test_private_addresses_are_allowed_only_when_the_setting_says_so() -> None:
    # The suite runs with HONGSHAN_FEED_ALLOW_PRIVATE=true.
    assert check_url("http://127.0.0.1:8000/feed") == "http://127.0.0.1:8000/feed"


async def test_connect_time_check_refuses_a_name_that_resolves_inside(
    refuse_private: None,
) -> None:
    # "localhost" is refused by name in check_url; here the connecting backend is asked
    # directly, as it is for any name: it resolves, sees 127.0.0.1 and refuses.
    with pytest.raises(FeedError) as refusal:
        await GuardedBackend().connect_tcp("localhost", 80, timeout=1)
    assert refusal.value.code == "refused_address"


async def test_dns_rebinding_is_caught_at_connect_time(
    feed_server: FeedServer, refuse_private: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public-looking name that resolves to an internal address when we connect: the URL
    check passes (it cannot know), the connection is refused."""
    feed_server.routes["/feed"] = Doc(fixture("almaty.rss"))
    checked: list[str] = []

    async def rebinding_resolver(host: str, port: int) -> list[ipaddress.IPv4Address]:
        checked.append(host)
        return [ipaddress.IPv4Address("127.0.0.1")]

    monkeypatch.setattr(guard, "resolve", rebinding_resolver)
    with pytest.raises(FeedError) as refusal:
        await fetch(f"http://news.partner.example:{feed_server.port}/feed", policy=FAST)
    assert refusal.value.code == "refused_address"
    assert checked == ["news.partner.example"]
    assert feed_server.requests == []


async def test_an_unknown_host_name_fails_as_not_found_in_dns() -> None:
    with pytest.raises(FeedError) as failure:
        await fetch("http://no-such-host.invalid/feed", policy=FAST)
    assert failure.value.code == "dns"
