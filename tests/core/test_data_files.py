"""What the site writes to its data directory is readable by its own account only."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from core import uploads
from core.db import create_engine
from core.mail import FileTransport
from core.redis_server import EmbeddedRedis

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def permissive_umask():
    """Start from the usual 022 umask, under which files used to come out 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_uploaded_files_and_their_folders_are_private() -> None:
    name = uploads.store_image(PNG, "logos", "org")
    stored = uploads.stored_path("logos", name)
    assert stored is not None
    assert mode(stored) == 0o600
    assert mode(stored.parent) == mode(stored.parent.parent) == 0o700


async def test_spooled_mail_is_private() -> None:
    folder = Path(tempfile.mkdtemp()) / "mail"
    message = EmailMessage()
    message["To"] = "aigerim@example.org"
    message.set_content("Passport number AB1234567")
    await FileTransport(folder).send(message, "letter-1")
    assert mode(folder) == 0o700
    assert mode(folder / "letter-1.eml") == 0o600


def test_a_new_sqlite_database_and_its_journal_are_private() -> None:
    folder = Path(tempfile.mkdtemp()) / "db"
    path = folder / "site.sqlite3"
    create_engine(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    assert mode(folder) == 0o700
    assert {mode(p) for p in folder.iterdir()} == {0o600}
    assert {p.name for p in folder.iterdir()} >= {"site.sqlite3", "site.sqlite3-wal"}


def test_a_fresh_data_directory_and_its_generated_secret_key_are_private() -> None:
    folder = Path(tempfile.mkdtemp()) / "fresh"
    env = {k: v for k, v in os.environ.items() if k != "HONGSHAN_SECRET_KEY"}
    env["HONGSHAN_DATA_DIR"] = str(folder)
    code = "from core.settings import get_settings; get_settings()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert mode(folder) == 0o700
    assert mode(folder / "secret_key") == 0o600


def test_the_embedded_redis_keeps_its_data_private() -> None:
    socket_path = Path(tempfile.mkdtemp(prefix="hs-")) / "redis" / "redis.sock"
    with EmbeddedRedis(socket_path) as server:
        assert server.process is not None
    files = [p for p in socket_path.parent.rglob("*") if p.is_file()]
    assert files, "the server wrote no data"
    assert mode(socket_path.parent) == 0o700
    assert {mode(p) for p in files} == {0o600}
