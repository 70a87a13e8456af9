"""Browser journeys: the real site in a subprocess, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

E2E_DIR = Path(__file__).parent
REPO = E2E_DIR.parents[1]
ARTIFACTS = REPO / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_S = 30
SERVER_STOP_S = 15
# Loopback only: a proxy from the environment must not sit between the tests and the server.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

Shot = Callable[[Page, str], Path]
PageFactory = Callable[..., Page]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not only ours.
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """Journeys only talk to the live server, so the in-process database and Redis of
    tests/conftest.py stay out of it. Its async version must not run here anyway: while
    sync Playwright is started it marks its own event loop as running in this thread."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path, base_url: str) -> dict[str, str]:
    """The test process's HONGSHAN_* settings (tests/conftest.py sets some) are left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONGSHAN_")}
    env["HONGSHAN_DATA_DIR"] = str(data_dir)
    env["HONGSHAN_BASE_URL"] = base_url
    # Empty means "embedded default" (SQLite file, embedded Valkey, mail files) and, unlike
    # an absent variable, it cannot be filled in from a developer's .env file.
    for name in ("DATABASE_URL", "REDIS_URL", "MAIL_URL"):
        env[f"HONGSHAN_{name}"] = ""
    return env


def _healthy(base_url: str) -> bool:
    try:
        with _DIRECT.open(f"{base_url}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(SERVER_STOP_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_healthy(
    process: subprocess.Popen[bytes], base_url: str, log_path: Path, wait_s: float
) -> None:
    deadline = time.monotonic() + wait_s
    while not _healthy(base_url):
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log_path.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no 200 from /healthz in {wait_s} s:\n{log_path.read_text()}")
        time.sleep(0.1)


@contextmanager
def start_server(
    data_dir: Path,
    log_name: str,
    *options: str,
    wait_s: float = SERVER_START_S,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """`hongshan serve` (with `options`, such as "--demo") on a free port, keeping its data in
    `data_dir` and its output in test-artifacts/e2e/<log_name>; yields the base URL once
    /healthz answers and stops the server (SIGINT) when the block ends."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = ARTIFACTS / log_name
    command = [sys.executable, "-m", "core.cli", "serve", "--host", "127.0.0.1", *options]
    env = {**_server_env(data_dir, base_url), **(extra_env or {})}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=log
        )
        try:
            _wait_until_healthy(process, base_url, log_path, wait_s)
            yield base_url
        finally:
            _stop(process)


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
