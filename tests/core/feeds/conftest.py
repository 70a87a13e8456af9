"""Fixtures for feed tests: the local feed server, a strict fast policy, refusing private
addresses for one test, and running the `hongshan` command in-process."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator

import pytest

from core import db
from core.cli import main
from core.feeds import guard
from tests.core.feeds.factories import CliRunner
from tests.core.feeds.server import FeedServer, running


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with running() as server:
        yield server


@pytest.fixture
def refuse_private(monkeypatch: pytest.MonkeyPatch) -> None:
    """HONGSHAN_FEED_ALLOW_PRIVATE off, as in production (the suite turns it on globally)."""
    monkeypatch.setattr(guard, "private_allowed", lambda: False)


@pytest.fixture
def loopback_counts_as_public(monkeypatch: pytest.MonkeyPatch, refuse_private: None) -> None:
    """Private addresses refused, except 127.0.0.1 itself, which stands in for a partner's
    public server here: a redirect from it to an internal address must still be refused."""
    refused = guard.is_refused_ip
    server = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(guard, "is_refused_ip", lambda ip: ip != server and refused(ip))


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """`hongshan …` through core.cli.main, as a shell would run it: in its own event loop
    (a thread here), so it opens its own database pool, not the test's."""

    async def run(*argv: str) -> tuple[int, str, str]:
        engine = db.engine()
        pool = getattr(engine, "pool", None)
        if pool is not None:
            engine.pool = None  # the command starts and closes a pool of its own
        try:
            code = await asyncio.to_thread(main, list(argv))
        finally:
            if pool is not None:
                engine.pool = pool
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
