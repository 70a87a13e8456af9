"""`hongshan serve` in a subprocess on a free port, as a user starts it, for browser journeys."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.ports import free_port

REPO = Path(__file__).parents[2]
ARTIFACTS = REPO / "test-artifacts" / "e2e"
# A bound, not a target: the server is polled until it answers. Loading every domain's demo
# on a busy two-core machine has taken over two minutes.
SERVER_START_S = 300
SERVER_STOP_S = 15
# Loopback only: a proxy from the environment must not sit between the tests and the server.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

Shot = Callable[[Page, str], Path]
PageFactory = Callable[..., Page]


def server_env(data_dir: Path, base_url: str) -> dict[str, str]:
    """The test process's HONGSHAN_* settings (tests/conftest.py sets some) are left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONGSHAN_")}
    env["HONGSHAN_DATA_DIR"] = str(data_dir)
    env["HONGSHAN_BASE_URL"] = base_url
    # Empty means "embedded default" (SQLite file, embedded Valkey, mail files) and, unlike
    # an absent variable, it cannot be filled in from a developer's .env file.
    for name in ("DATABASE_URL", "REDIS_URL", "MAIL_URL"):
        env[f"HONGSHAN_{name}"] = ""
    # The demo's accounts are hashed at start-up: production's argon2 cost only slows that.
    env["HONGSHAN_PASSWORD_HASHING"] = "cheapest"
    return env


def healthy(base_url: str) -> bool:
    try:
        with _DIRECT.open(f"{base_url}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
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
    while not healthy(base_url):
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
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = ARTIFACTS / log_name
    # One web process with the job worker inside: journeys wait on mail and letters, and a
    # separate worker process only adds its own start-up to every wait.
    command = [
        *(sys.executable, "-m", "core.cli", "serve", "--host", "127.0.0.1", "--workers", "1"),
        *options,
    ]
    env = {**server_env(data_dir, base_url), **(extra_env or {})}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=log
        )
        try:
            _wait_until_healthy(process, base_url, log_path, wait_s)
            yield base_url
        finally:
            stop(process)
