"""Journey: an organizer adds a partner's feeds, checks them, and reads them on the news wall.

Runs its own server with `--demo` and HONGSHAN_FEED_ALLOW_PRIVATE=true (the shared
`live_server` refuses private addresses, as production does), next to a local feed server on
127.0.0.1 that plays the partner's website.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.core.feeds.factories import calendar
from tests.core.feeds.server import Doc, FeedServer, fixture, running
from tests.support.live_server import PageFactory, Shot, start_server

ADMIN_EMAIL = "admin@example.org"
DEMO_PASSWORD = "hongshan-demo"


@pytest.fixture(scope="module")
def partner_site() -> Iterator[FeedServer]:
    with running() as server:
        server.routes["/news.rss"] = Doc(fixture("almaty.rss"), etag='"almaty-1"')
        server.routes["/events.ics"] = Doc(calendar(), "text/calendar; charset=utf-8")
        yield server


@pytest.fixture(scope="module")
def feeds_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`hongshan serve --demo` that may fetch from 127.0.0.1; yields its base URL."""
    with start_server(
        tmp_path_factory.mktemp("feeds-server"),
        "feeds-server.log",
        "--demo",
        extra_env={"HONGSHAN_FEED_ALLOW_PRIVATE": "true"},
    ) as base_url:
        yield base_url


def add_feed(admin: Page, base: str, url: str, language: str) -> None:
    admin.goto(f"{base}/en/manage/feeds/")
    admin.locator('main a[href="/en/manage/feeds/new"]').click()
    admin.select_option("#f-organization", "almaty")
    admin.fill("#f-url", url)
    admin.select_option("#f-language", language)
    admin.locator("main form button[type=submit]").click()
    expect(admin.locator(".alert.success")).to_contain_text("The feed was added.")


def test_organizer_adds_and_checks_partner_feeds_and_reads_them_on_the_news_wall(
    feeds_server: str, partner_site: FeedServer, new_page: PageFactory, artifacts: Shot
) -> None:
    base = feeds_server

    # --- the organizer signs in and adds the Almaty office's news feed -----------------------
    admin = new_page()
    admin.goto(f"{base}/en/account/login")
    admin.fill("#f-email", ADMIN_EMAIL)
    admin.fill("#f-password", DEMO_PASSWORD)
    admin.locator("main form button[type=submit]").click()
    expect(admin).to_have_url(f"{base}/en/manage/")

    admin.goto(f"{base}/en/manage/")
    admin.locator('nav.back-office-nav a[href="/en/manage/feeds/"]').click()
    expect(admin.locator("h1")).to_have_text("Partner feeds")
    admin.locator('main a[href="/en/manage/feeds/new"]').click()
    admin.select_option("#f-organization", "almaty")
    admin.fill("#f-url", partner_site.url("/news.rss"))
    admin.select_option("#f-language", "ru")
    artifacts(admin, "01-add-feed-form")
    admin.locator("main form button[type=submit]").click()
    expect(admin.locator(".alert.success")).to_contain_text("The feed was added.")

    # --- "check now" reads it at once and shows what it found --------------------------------
    # (The worker may have read it already, right after it was added: then the partner's
    # server answers 304 and the page says so, with what the feed holds.)
    admin.get_by_role("button", name="Check now").click()
    expect(admin.locator(".alert.success")).to_contain_text("The check succeeded")
    expect(admin.locator(".alert.success")).to_contain_text("Kind: RSS.")
    expect(admin.locator(".alert.success")).to_contain_text("2 items")
    expect(admin.locator("h1")).to_have_text("Almaty Innovation Office")
    expect(admin.locator("main table.data")).to_contain_text("Алматы открывает технопарк")
    artifacts(admin, "02-feed-checked")

    # A second check finds nothing new: the partner's server answers 304.
    admin.get_by_role("button", name="Check now").click()
    expect(admin.locator(".alert.success")).to_contain_text("has not changed")

    # --- the partner's calendar too ----------------------------------------------------------
    add_feed(admin, base, partner_site.url("/events.ics"), "en")
    admin.get_by_role("button", name="Check now").click()
    expect(admin.locator(".alert.success")).to_contain_text("Kind: iCalendar")

    admin.goto(f"{base}/en/manage/feeds/")
    # The demo's partner feeds are listed too, switched off; ours are the two in good health.
    expect(admin.locator("table.feeds .badge.ok")).to_have_count(2)
    artifacts(admin, "03-feed-list-health")

    # --- a visitor reads the news wall, in English and then in Russian -----------------------
    reader = new_page()
    reader.goto(f"{base}/en/")
    reader.locator('header nav.main-nav a[href="/en/news/"]').click()
    expect(reader).to_have_url(f"{base}/en/news/")
    # The demo ships partner news of its own; the partner's items link to its site.
    items = reader.locator("ul.news-list li").filter(
        has=reader.locator('h3 a[href^="https://almaty.example.kz/news/"]')
    )
    expect(items).to_have_count(2)
    first = items.first
    expect(first.locator("h3 a")).to_have_text("Алматы открывает технопарк")
    expect(first.locator("h3 a")).to_have_attribute(
        "href", "https://almaty.example.kz/news/technopark"
    )
    expect(first).to_contain_text("Akimat of Almaty")
    events = reader.locator("aside.partner-events")
    expect(events).to_contain_text("Almaty Innovation Expo")
    expect(events).to_contain_text("UTC+05:00")  # Almaty's own zone, named
    artifacts(reader, "04-news-wall-en")

    reader.locator("header .lang-switcher").get_by_role("link", name="Русский").click()
    # The switcher links /ru/news (Litestar hands handlers the path without its slash).
    expect(reader).to_have_url(re.compile(rf"^{re.escape(base)}/ru/news/?$"))
    expect(reader.locator("html")).to_have_attribute("lang", "ru")
    ours_ru = reader.locator("ul.news-list li").filter(
        has=reader.locator('h3 a[href^="https://almaty.example.kz/news/"]')
    )
    expect(ours_ru.first).to_contain_text("Акимат города Алматы")
    expect(ours_ru.first.locator("h3 a")).to_have_text("Алматы открывает технопарк")
    artifacts(reader, "05-news-wall-ru")

    # Filters narrow the wall; the partner's own page lists its latest news.
    reader.select_option("#f-country", "KZ")
    reader.locator("form.filters button[type=submit]").click()
    expect(reader).to_have_url(re.compile(r"country=KZ"))
    expect(ours_ru).to_have_count(2)
    reader.goto(f"{base}/ru/news/?country=UZ")
    expect(ours_ru).to_have_count(0)
    reader.goto(f"{base}/ru/partners/almaty/")
    expect(reader.locator("#partner-news")).to_be_visible()
    expect(ours_ru).to_have_count(2)
    artifacts(reader, "06-partner-page-ru")
