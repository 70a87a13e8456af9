"""Backups: one archive holding the database, the uploaded files and the secret key.

The database is copied with SQLite's online backup API (a consistent copy while the site
runs) or with `pg_dump --format=custom` for PostgreSQL. `restore` brings an archive back into
an empty database and data directory: `pg_restore`, or the backup API in the other direction.
The archive holds the secret key (which also unlocks passport data unless
HONGSHAN_PASSPORT_KEY is set apart), so it is written 0600 and must be kept like the key.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from core.datafiles import PRIVATE_FILE, private_dir, write_private
from core.db import postgres_config, sqlite_path
from core.settings import SECRET_KEY_FILE, Settings

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/hongshan.sqlite3"
PG_MEMBER = "database/hongshan.dump"
UPLOADS = "uploads"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


@dataclass(frozen=True)
class Summary:
    database: str
    files: int
    size_bytes: int


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; PostgreSQL backups and restores need it.")
    return found


def _pg_env(url: str) -> dict[str, str]:
    """libpq's variables, so the password never shows on a command line (`ps`)."""
    config = postgres_config(url)
    names = {"host": "PGHOST", "port": "PGPORT", "database": "PGDATABASE", "user": "PGUSER"}
    env = {**os.environ, **{names[k]: str(v) for k, v in config.items() if k in names}}
    if "password" in config:
        env["PGPASSWORD"] = str(config["password"])
    return env


def _pg(tool: str, args: list[str], url: str) -> str:
    command = [_tool(tool), *args]
    done = subprocess.run(  # noqa: S603 - a fixed tool, arguments of our own
        command, capture_output=True, text=True, check=False, env=_pg_env(url)
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()}")
    return done.stdout


def _dump_database(settings: Settings, work: Path) -> tuple[str, Path]:
    if settings.is_sqlite:
        target = work / "hongshan.sqlite3"
        source = sqlite3.connect(sqlite_path(settings.database_url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_MEMBER, target
    target = work / "hongshan.dump"
    _pg(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        settings.database_url,
    )
    return PG_MEMBER, target


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = PRIVATE_FILE
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(content))


def backup(settings: Settings, path: Path) -> Summary:
    """Write the archive to `path` (a .tar.gz), replacing it only once it is complete."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    uploads = settings.data_dir / UPLOADS
    files = sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else []
    partial = path.with_name(path.name + ".part")
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        member, dump = _dump_database(settings, Path(work))
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": "sqlite" if settings.is_sqlite else "postgresql",
            "database_member": member,
            "uploads": len(files),
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            _add_bytes(archive, SECRET_KEY_FILE, settings.secret_key.encode())
            archive.add(dump, arcname=member)
            for file in files:
                archive.add(file, arcname=f"{UPLOADS}/{file.relative_to(uploads).as_posix()}")
    os.replace(partial, path)
    return Summary(manifest["database"], len(files), path.stat().st_size)


# --- restore ---------------------------------------------------------------------------------


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Regular files and folders with plain relative names only (no links, no `..`)."""
    members = []
    for member in archive.getmembers():
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"The archive holds an unexpected entry: {member.name!r}")
        members.append(member)
    return members


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists():
        return True
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _postgres_is_empty(url: str) -> bool:
    query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    found = _pg("psql", ["--no-psqlrc", "--tuples-only", "--no-align", f"--command={query}"], url)
    return found.strip() == "0"


def _restore_database(settings: Settings, manifest: dict[str, object], work: Path) -> None:
    kind = "sqlite" if settings.is_sqlite else "postgresql"
    if manifest.get("database") != kind:
        raise BackupError(
            f"The archive holds a {manifest.get('database')} database; this site uses {kind}."
        )
    dump = work / str(manifest["database_member"])
    if settings.is_sqlite:
        target_path = sqlite_path(settings.database_url)
        if not _sqlite_is_empty(target_path):
            raise BackupError(f"The database {target_path} is not empty; restore into a new one.")
        private_dir(target_path.parent)
        source, target = sqlite3.connect(dump), sqlite3.connect(target_path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        os.chmod(target_path, PRIVATE_FILE)
        return
    if not _postgres_is_empty(settings.database_url):
        raise BackupError("The PostgreSQL database is not empty; restore into a new one.")
    database = str(postgres_config(settings.database_url)["database"])
    _pg(
        "pg_restore",
        ["--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={database}", str(dump)],
        settings.database_url,
    )


def restore(settings: Settings, path: Path) -> Summary:
    """Bring the archive back: database first (refused unless empty), then files and key."""
    with tempfile.TemporaryDirectory() as work_dir, tarfile.open(path, mode="r:gz") as archive:
        work = Path(work_dir)
        members = _safe_members(archive)
        archive.extractall(work, members=members)  # noqa: S202 - members checked above
        manifest_path = work / MANIFEST
        if not manifest_path.is_file():
            raise BackupError("This is not a Hongshan backup (no manifest).")
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        _restore_database(settings, manifest, work)
        uploads = private_dir(settings.data_dir / UPLOADS)
        files = 0
        for source in sorted((work / UPLOADS).rglob("*")):
            target = uploads / source.relative_to(work / UPLOADS)
            if source.is_dir():
                private_dir(target)
            else:
                private_dir(target.parent)
                write_private(target, source.read_bytes())
                files += 1
        write_private(settings.data_dir / SECRET_KEY_FILE, (work / SECRET_KEY_FILE).read_bytes())
        return Summary(str(manifest["database"]), files, path.stat().st_size)
