"""Fixtures of the delegation tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def mail_dir(mail_dir: Path) -> Path:
    """The folder of sent mail, emptied first: a test reads only the mail it caused, whichever
    tests ran before it in the same process."""
    for path in mail_dir.glob("*.eml"):
        path.unlink()
    return mail_dir
