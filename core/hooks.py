"""The shapes domains hand to the core through their `Domain` hooks (core.domains): search
documents, the panels of a person's desk, and the sections of the home page. Plain data, so
the core can read them without knowing any domain."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SearchKind:
    """A kind of result (events, speakers, …): its key, its label (a message id translated
    at render time) and its place among the groups of results."""

    key: str
    label: str
    order: int = 100


@dataclass(frozen=True)
class SearchDocument:
    """One object as search sees it.

    `title` and `body` map a language to the text in it; the object is indexed once per
    language present. `path` is under /<lang>/ (every page exists in every language), or a
    partner's own address. `public` objects are found by everybody; the others only by
    organizers and by the `readers`: "role:<role>", "org:<organization id>", "user:<user id>".
    `aliases` are searchable in every language (short names, names written several ways).
    """

    kind: str
    object_id: int | str
    path: str
    title: Mapping[str, str]
    body: Mapping[str, str] = field(default_factory=dict)
    public: bool = True
    readers: tuple[str, ...] = ()
    sort_at: datetime = EPOCH
    aliases: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"

    def languages(self) -> list[str]:
        present = [lang for lang, text in {**self.body, **self.title}.items() if text]
        return sorted(set(present))


@dataclass(frozen=True)
class PanelItem:
    """One line of a desk panel: what waits (translated), how many (None for a line that
    states a fact, such as the next due date), and where to act on it. `urgent` lines are
    drawn as needing attention while their count is above zero."""

    label: str
    count: int | None
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class Panel:
    """A group of lines on a person's desk, with a link to the whole area."""

    title: str
    items: tuple[PanelItem, ...]
    order: int = 100
    link: str = ""
    link_label: str = ""

    @property
    def waiting(self) -> int:
        return sum(item.count or 0 for item in self.items if item.urgent)


@dataclass(frozen=True)
class HomeSection:
    """A section of the home page: `load(lang)` returns what `template` shows (as `section`),
    or None when there is nothing to show yet, and the section is left out."""

    key: str
    template: str
    load: Callable[[str], Awaitable[Any]]
    order: int = 100
