"""Which events an organization takes part in, as features of the event core tell it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Organization id -> a select of one column of event ids, usable in `Event.id.is_in(...)`.
Source = Callable[[int], Any]

_sources: list[Source] = []


def add_source(source: Source) -> None:
    """A feature (invitations, …) adds its own way of taking part, once, when it is loaded."""
    if source not in _sources:
        _sources.append(source)


def sources() -> list[Source]:
    return list(_sources)
