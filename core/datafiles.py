"""Files and folders under the data directory are the site's alone: folders 0700, files 0600.

The database, the mail spool, uploads, the secret key and the Redis data hold personal data
and credentials; nobody else on the machine should read them, whatever the umask was.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077


def private_dir(path: Path) -> Path:
    """Create `path` (and its parents) if needed, and make it 0700 when it is looser."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(PRIVATE_DIR)
    return path


def write_private(path: Path, content: bytes) -> None:
    """Write `content` to a file only its owner can read (an existing file is tightened)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), PRIVATE_FILE)
        handle.write(content)


def create_private(path: Path) -> None:
    """Make sure an (empty) 0600 file exists before a library opens it: SQLite gives its
    -wal and -shm files the database file's permissions."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    os.close(fd)
