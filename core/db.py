"""The database engine, built from the database URL, the write-transaction helper, and
counting rows per value in one query.

SQLite gets WAL, a busy timeout and IMMEDIATE write transactions (a DEFERRED transaction
that later writes fails with "database is locked" under concurrency); PostgreSQL gets a pool.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from piccolo.columns import Column
from piccolo.columns.combination import Combinable
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.query.functions.aggregate import Count

from core.datafiles import create_private, private_dir

SQLITE_BUSY_TIMEOUT_S = 30
_writer_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


def sqlite_path(url: str) -> Path:
    """`sqlite:///relative.db` and `sqlite:////abs/path.db` both work, as in SQLAlchemy."""
    return Path(url.removeprefix("sqlite:///"))


def postgres_config(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    config: dict[str, object] = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "database": parts.path.lstrip("/") or "postgres",
        "user": unquote(parts.username or "postgres"),
    }
    if parts.password:
        config["password"] = unquote(parts.password)
    return config


def largest_integer(url: str) -> int:
    """The largest id or number an integer column holds: SQLite's INTEGER is 64-bit, while on
    PostgreSQL Piccolo's Serial and Integer columns are 32-bit (SERIAL, INTEGER)."""
    return 2**63 - 1 if url.startswith("sqlite:") else 2**31 - 1


def create_engine(url: str) -> Engine:
    if url.startswith("sqlite:"):
        path = sqlite_path(url)
        private_dir(path.parent)
        create_private(path)
        _enable_wal(path)
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresEngine(config=postgres_config(url))
    raise ValueError(f"Unsupported database URL scheme: {url.split(':', 1)[0]}")


def _enable_wal(path: Path) -> None:
    # WAL is a property of the database file, so setting it once at start-up is enough.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def engine() -> Engine:
    from piccolo.engine.finder import engine_finder

    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("piccolo_conf.DB is not configured")
    return found


def _sqlite_writer() -> asyncio.Lock:
    """The lock of the running event loop (tests and the CLI may run several loops)."""
    loop = asyncio.get_running_loop()
    return _writer_locks.setdefault(loop, asyncio.Lock())


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for read-then-write work: IMMEDIATE on SQLite, plain on PostgreSQL.

    SQLite has one writer at a time. Writers of this process queue on an asyncio lock rather
    than all polling the file lock: under a burst of a thousand, polling ran past the busy
    timeout ("database is locked"); other processes still wait through the busy timeout.
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        if db.current_transaction.get() is not None:  # nested: the outer one holds the lock
            async with db.transaction(transaction_type=TransactionType.immediate):
                yield
            return
        async with _sqlite_writer(), db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


async def start_pool() -> bool:
    """Start PostgreSQL's pool; False when there is none to start (SQLite, or already up)."""
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is None:
        await db.start_connection_pool(max_size=10)
        return True
    return False


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


async def counts_by(column: Column, condition: Combinable) -> dict[Any, int]:
    """How many rows meeting `condition` there are per value of `column`, in one query.
    `column` may be reached through foreign keys: rows are counted in the table it starts from."""
    chain = column._meta.call_chain
    table = chain[0]._meta.table if chain else column._meta.table
    rows = (
        await table.select(column.as_alias("key"), Count(alias="count"))
        .where(condition)
        .group_by(column)
    )
    return {row["key"]: int(row["count"]) for row in rows}
