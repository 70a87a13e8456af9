"""`hongshan backup` and `hongshan restore`: the demo site comes back table for table."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from core import uploads
from core.backup import BackupError, backup, restore
from core.db import postgres_config, sqlite_path
from core.demo import load_demo
from core.settings import get_settings

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
HONGSHAN = str(Path(sys.executable).parent / "hongshan")


def sqlite_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(sqlite_path(url)) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            # sorted here: some tables (the search index's) have no rowid to order by
            name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


async def postgres_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    connection = await asyncpg.connect(**postgres_config(url))
    try:
        names = [
            row["table_name"]
            for row in await connection.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
        return {
            name: [
                tuple(row) for row in await connection.fetch(f'SELECT * FROM "{name}" ORDER BY 1')
            ]
            for name in names
        }
    finally:
        await connection.close()


async def tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    return sqlite_tables(url) if url.startswith("sqlite:") else await postgres_tables(url)


async def fresh_database(tmp_path: Path) -> tuple[str, Any]:
    """A new, empty database of the kind the tests run on, and how to drop it."""
    url = get_settings().database_url
    if url.startswith("sqlite:"):
        return f"sqlite:///{tmp_path / 'fresh' / 'hongshan.sqlite3'}", None
    name = f"hongshan_restore_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(**postgres_config(url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()

    async def drop() -> None:
        connection = await asyncpg.connect(**postgres_config(url))
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    return url.rsplit("/", 1)[0] + f"/{name}", drop


async def test_a_backup_restored_on_a_fresh_data_directory_holds_the_same_site(tmp_path) -> None:
    await load_demo()
    logo = uploads.store_image(PNG, "logos", "backup-test")
    settings = get_settings()
    archive = tmp_path / "hongshan-backup.tar.gz"

    summary = backup(settings, archive)
    assert summary.files >= 1 and summary.size_bytes == archive.stat().st_size
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    target_url, drop = await fresh_database(tmp_path)
    try:
        env = {k: v for k, v in os.environ.items() if k != "HONGSHAN_SECRET_KEY"}
        env.update(HONGSHAN_DATA_DIR=str(tmp_path / "fresh"), HONGSHAN_DATABASE_URL=target_url)
        done = subprocess.run(
            [HONGSHAN, "restore", str(archive)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert "Restored the" in done.stdout

        before, after = await tables(settings.database_url), await tables(target_url)
        assert set(after) == set(before)
        assert sum(len(rows) for rows in before.values()) > 100  # the demo is really there
        for name, rows in before.items():
            assert after[name] == rows, name
    finally:
        if drop is not None:
            await drop()
    restored = tmp_path / "fresh" / "uploads" / "logos" / logo
    assert restored.read_bytes() == PNG
    assert (tmp_path / "fresh" / "secret_key").read_text() == settings.secret_key


async def test_restore_refuses_a_database_that_already_holds_a_site(tmp_path) -> None:
    archive = tmp_path / "site.tar.gz"
    backup(get_settings(), archive)
    with pytest.raises(BackupError, match="not empty"):
        restore(get_settings(), archive)
