"""Client addresses: X-Forwarded-For counts only when a configured proxy sends it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest

from core.cli import server_config
from core.proxies import forwarded_client, parse_networks
from core.settings import get_settings
from tests.support.asgi import asgi_client, served
from tests.support.factories import PASSWORD, audit, make_user, post_form, sign_in

PEER = "203.0.113.7"  # the address the test client connects from (tests/conftest.py)
PROXIES = parse_networks("203.0.113.0/24, 10.0.0.1")


def test_forwarded_addresses_are_ignored_unless_the_peer_is_a_trusted_proxy() -> None:
    assert forwarded_client(PEER, "198.51.100.9", ()) == PEER
    assert forwarded_client("192.0.2.1", "198.51.100.9", PROXIES) == "192.0.2.1"
    assert forwarded_client(PEER, "198.51.100.9", PROXIES) == "198.51.100.9"


def test_the_client_is_the_nearest_address_that_is_not_a_trusted_proxy() -> None:
    # The client may put anything at the left of the chain; only what our proxies added counts.
    chain = "1.2.3.4, 198.51.100.9, 10.0.0.1"
    assert forwarded_client(PEER, chain, PROXIES) == "198.51.100.9"
    assert forwarded_client(PEER, "10.0.0.1", PROXIES) == "10.0.0.1"
    assert forwarded_client(PEER, "", PROXIES) == PEER
    assert forwarded_client(PEER, "not-an-address", PROXIES) == PEER


def test_a_malformed_trusted_proxy_setting_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/8, proxy.example")


def test_uvicorn_itself_never_reads_forwarded_headers() -> None:
    config = server_config(object(), "127.0.0.1", 8000)
    assert config.proxy_headers is False


async def change_password_from(client: httpx.AsyncClient, forwarded_for: str) -> str:
    user = await make_user()
    await sign_in(client, user)
    await post_form(
        client,
        "/en/account/password",
        {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    (entry,) = await audit("account.password_change")
    return entry["client"]


async def test_a_forged_forwarded_address_is_not_what_the_audit_log_records(app) -> None:
    async with served(app) as client:
        assert await change_password_from(client, "198.51.100.9") == "127.0.0.1"


async def test_rotating_forwarded_addresses_does_not_escape_the_sign_in_limit(app) -> None:
    statuses = []
    async with served(app) as client:
        for number in range(25):
            response = await post_form(
                client,
                "/en/account/login",
                {"email": f"nobody{number}@example.org", "password": "wrong-password-1"},
                headers={"X-Forwarded-For": f"198.51.100.{number}"},
            )
            statuses.append(response.status_code)
    assert 429 in statuses


@pytest.fixture
async def behind_proxy(redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The site as deployed behind a proxy at the test client's address."""
    from core.app import create_app

    os.environ["HONGSHAN_TRUSTED_PROXIES"] = "203.0.113.0/24"
    get_settings.cache_clear()
    try:
        async with asgi_client(create_app(redis_url), (PEER, 50000)) as client:
            yield client
    finally:
        del os.environ["HONGSHAN_TRUSTED_PROXIES"]
        get_settings.cache_clear()


async def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(behind_proxy) -> None:
    assert await change_password_from(behind_proxy, "198.51.100.9") == "198.51.100.9"
