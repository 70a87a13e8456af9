"""One head per delegation: the database keeps it (a unique index over the members who are
heads, see the events migration "One head per delegation"); this names the refusal when two
saves at once both try to name a head."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.errors import ValidationFailed
from core.i18n import gettext

INDEX = "delegate_one_head"


def is_second_head(error: Exception) -> bool:
    """Whether `error` is the database refusing a second head (PostgreSQL names the index;
    SQLite names the indexed column)."""
    text = str(error)
    return INDEX in text or "UNIQUE constraint failed: delegate.delegation" in text


def second_head() -> ValidationFailed:
    return ValidationFailed(
        {
            "is_head": gettext(
                "Someone else named another head of this delegation at the same moment. "
                "Look at the members again and choose the head once more."
            )
        }
    )


def last_head(rows: Sequence[Any]) -> int | None:
    """The position of the last imported row marked head (the one that stays head)."""
    heads = [number for number, row in enumerate(rows) if row.values.get("is_head")]
    return heads[-1] if heads else None
