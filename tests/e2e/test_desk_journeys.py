"""Journeys: each demo account signs in and lands on its own desk with its work queue; the
public reads the home page and searches in Chinese.

Runs its own server with `--demo`; screenshots land in test-artifacts/e2e/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.live_server import PageFactory, Shot, start_server

DEMO_PASSWORD = "hongshan-demo"
DEMO_START_S = 90  # every domain's demo content is loaded first

# account, page language, a panel its desk must show
DESKS = [
    ("admin@example.org", "zh", "待审核的报名"),
    ("fao@example.org", "zh", "代表团"),
    ("coordinator@example.org", "ru", "Регистрации вашей организации"),
    ("lead@example.org", "ru", "Следующий отчёт"),
    ("reviewer@example.org", "en", "Nothing waits for you at the moment."),
]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("desk-demo")
    with start_server(data_dir, "desk-demo.log", "--demo", wait_s=DEMO_START_S) as base_url:
        yield base_url


@pytest.mark.parametrize(
    ("email", "lang", "expected"), DESKS, ids=[d[0].split("@")[0] for d in DESKS]
)
def test_signing_in_lands_on_the_desk_of_ones_role(
    demo_site: str, new_page: PageFactory, artifacts: Shot, email: str, lang: str, expected: str
) -> None:
    page = new_page()
    page.goto(f"{demo_site}/{lang}/account/login")
    page.fill("#f-email", email)
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{demo_site}/{lang}/manage/")
    expect(page.locator("main")).to_contain_text(expected)
    artifacts(page, "desk")


def test_the_public_reads_the_home_page_and_searches_in_chinese(
    demo_site: str, new_page: PageFactory, artifacts: Shot
) -> None:
    page = new_page(locale="zh-CN")
    page.goto(f"{demo_site}/zh/")
    expect(page.locator("#home-conference")).to_be_visible()
    expect(page.locator("#home-news")).to_be_visible()
    expect(page.locator("#home-labs")).to_be_visible()
    artifacts(page, "home-zh")

    page.fill("#home-q", "开幕")
    page.locator(".home-search button").click()
    expect(page.locator("#group-session")).to_be_visible()
    expect(page.locator(".search-hits mark").first).to_have_text("开幕")
    artifacts(page, "search-zh")

    page.goto(f"{demo_site}/en/search/?q=Rakhimov")
    expect(page.locator("#group-speaker")).to_be_visible()
    artifacts(page, "search-latin-name")
