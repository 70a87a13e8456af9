"""Test harness: a clean database per test (SQLite, or PostgreSQL when HONGSHAN_DATABASE_URL is
set), a real Redis (embedded Valkey, or HONGSHAN_REDIS_URL), and the app through its test client.

The environment is fixed here, before any project module reads its settings.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

_DATA_DIR = Path(tempfile.mkdtemp(prefix="hongshan-test-"))
_SERVER_DB_URL = os.environ.get("HONGSHAN_DATABASE_URL", "")
_PG_TEST_DB = f"hongshan_test_{uuid.uuid4().hex[:10]}"


def _postgres_admin_url(url: str, database: str) -> str:
    base, _sep, _old = url.rpartition("/")
    return f"{base}/{database}"


async def _create_postgres_database() -> None:
    import asyncpg

    connection = await asyncpg.connect(_SERVER_DB_URL)
    try:
        await connection.execute(f'CREATE DATABASE "{_PG_TEST_DB}"')
    finally:
        await connection.close()


async def _drop_postgres_database() -> None:
    import asyncpg

    connection = await asyncpg.connect(_SERVER_DB_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{_PG_TEST_DB}" WITH (FORCE)')
    finally:
        await connection.close()


os.environ["HONGSHAN_DATA_DIR"] = str(_DATA_DIR)
os.environ["HONGSHAN_SECRET_KEY"] = "test-secret-key-" + "x" * 32
os.environ["HONGSHAN_FEED_ALLOW_PRIVATE"] = "true"
# Thousands of sign-ins: argon2's production cost is slow on purpose (tested on its own).
os.environ["HONGSHAN_PASSWORD_HASHING"] = "cheapest"
os.environ["HONGSHAN_BASE_URL"] = "http://testserver.local"
os.environ["HONGSHAN_MAIL_URL"] = f"file://{_DATA_DIR / 'mail'}"
os.environ.pop("HONGSHAN_DEMO", None)
if _SERVER_DB_URL.startswith("postgres"):
    asyncio.run(_create_postgres_database())
    os.environ["HONGSHAN_DATABASE_URL"] = _postgres_admin_url(_SERVER_DB_URL, _PG_TEST_DB)
else:
    os.environ["HONGSHAN_DATABASE_URL"] = f"sqlite:///{_DATA_DIR / 'test.sqlite3'}"

from core import db, jobqueue  # noqa: E402 - settings must see the environment above
from core.migrations import migrate  # noqa: E402
from core.redis_server import EmbeddedRedis  # noqa: E402
from tests.support import clock  # noqa: E402
from tests.support.app import browser, running  # noqa: E402
from tests.support.database import empty_tables  # noqa: E402

clock.start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _SERVER_DB_URL.startswith("postgres"):
        asyncio.run(_drop_postgres_database())


def _own_database_per_worker(url: str) -> str:
    """Parallel test workers (pytest-xdist) each get their own Redis database number, since
    every test empties its database first."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    base, _sep, number = url.rpartition("/")
    if not worker.startswith("gw") or not number.isdigit():
        return url
    return f"{base}/{int(number) + 1 + int(worker[2:])}"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    configured = os.environ.get("HONGSHAN_REDIS_URL")
    if configured:
        yield _own_database_per_worker(configured)
        return
    with EmbeddedRedis(_DATA_DIR / "redis" / "redis.sock", persistent=False) as server:
        yield server.url


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[None]:
    await migrate()
    await db.start_pool()
    yield
    await db.close_pool()


@pytest.fixture(autouse=True)
async def clean_state(database: None, redis_url: str) -> AsyncIterator[None]:
    """Every test starts with empty tables and an empty queue."""
    await empty_tables()
    await jobqueue.open_queue(redis_url)
    await jobqueue.redis().flushdb()
    yield


@pytest.fixture(scope="session")
def app(redis_url: str):
    """One application object for the whole run: building one per test cost more than many
    tests themselves. Each test still runs the app's lifespan and starts from empty tables."""
    from core.app import create_app

    return create_app(redis_url)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP through the app's lifespan, on the test's own event loop (see tests.support.app)."""
    async with running(app), browser(app) as test_client:
        yield test_client


@pytest.fixture
def run_jobs(redis_url: str):
    """Run every queued job to completion in-process, as a real worker would."""

    async def run() -> None:
        worker = jobqueue.create_worker(redis_url, burst=True, poll_delay=0)
        try:
            await worker.main()
        finally:
            await worker.close()

    return run


@pytest.fixture
def mail_dir() -> Path:
    return _DATA_DIR / "mail"
