"""Browser journeys: the real site in a subprocess, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.support import clock
from tests.support.live_server import ARTIFACTS, PageFactory, Shot, start_server

E2E_DIR = Path(__file__).parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not only ours.
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package", autouse=True)
def real_clock() -> Iterator[None]:
    """The servers under test run in their own processes on the real clock; the journeys
    compute dates to type into their forms, so they must read the same clock."""
    clock.stop()
    yield
    clock.start()


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """Journeys only talk to the live server, so the in-process database and Redis of
    tests/conftest.py stay out of it. Its async version must not run here anyway: while
    sync Playwright is started it marks its own event loop as running in this thread."""


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`hongshan serve` on a free port with a fresh data directory; yields its base URL."""
    with start_server(tmp_path_factory.mktemp("live-server"), "live-server.log") as base_url:
        yield base_url


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for all journeys. Package scope, not session: while sync Playwright is
    started it marks its event loop as running in this thread, so every pytest-asyncio test
    or fixture collected after tests/e2e would fail with "Runner.run() cannot be called from
    a running event loop". Stopping it when the journeys end clears that mark."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[PageFactory]:
    """Pages in fresh contexts (desktop, en-US unless overridden), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        options = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US", **options}
        contexts.append(browser.new_context(**options))
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: PageFactory) -> Page:
    return new_page()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Shot:
    """`artifacts(page, step)` saves a full-page screenshot as <test-name>-<step>.png."""
    test_name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def shot(page: Page, step: str) -> Path:
        path = ARTIFACTS / f"{test_name}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return shot
