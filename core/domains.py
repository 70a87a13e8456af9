"""The one list of domains, and what each domain registers with the platform.

Like Django's INSTALLED_APPS: the app factory, the worker and Piccolo's app registry all read
`DOMAINS`, so adding a domain means writing its package and adding one line here. A domain
names its feature subpackages (`events.invitations`, …) by dotted name in `features`; each
exposes its own `domain` object and is loaded right after its domain, so the domain's core
never imports its features.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from core.hooks import HomeSection, Panel, SearchDocument, SearchKind

if TYPE_CHECKING:
    from core.access import Viewer

DOMAINS: tuple[str, ...] = ("core", "events", "projects", "cooperation")


@dataclass(frozen=True)
class MenuEntry:
    """A link in the site navigation; `label` is a message id translated at render time."""

    label: str
    path: str  # relative to /<lang>/
    order: int = 100


@dataclass(frozen=True)
class Domain:
    """What one domain package contributes; each package exposes it as `<package>.domain`."""

    name: str
    pages: Sequence[Any] = ()  # mounted under /<lang>/
    api: Sequence[Any] = ()  # mounted under /api/v1/
    routes: Sequence[Any] = ()  # mounted at the root (feeds, probes)
    jobs: Sequence[Any] = ()  # coroutine functions or arq `func(...)` wrappers
    cron_jobs: Sequence[Any] = ()
    demo_loader: Callable[[], Awaitable[None]] | None = None
    menu: Sequence[MenuEntry] = field(default_factory=tuple)
    # More for a partner organization's public page: (organization row) -> template context.
    organization_context: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]] | None = None
    features: Sequence[str] = ()  # dotted names of feature subpackages, loaded after it
    # The hooks below hand the core plain data (core.hooks).
    # Search (core.search): the kinds of results it adds, and every document it has to index.
    search_kinds: Sequence[SearchKind] = ()
    search_documents: Callable[[], AsyncIterator[SearchDocument]] | None = None
    # The signed-in person's desk (core.dashboard): each callable gives the panels of their
    # work queue, or none when the domain has nothing for them.
    dashboard_panels: Sequence[Callable[[Viewer], Awaitable[Sequence[Panel]]]] = ()
    # Sections of the home page (core.home), placed by their order.
    home_sections: Sequence[HomeSection] = ()


def piccolo_app_paths() -> list[str]:
    return [f"{name}.piccolo_app" for name in DOMAINS]


@cache
def load_domains() -> tuple[Domain, ...]:
    """Every domain, each followed by its features, in the order of `DOMAINS`."""
    loaded: list[Domain] = []
    for name in DOMAINS:
        domain = importlib.import_module(name).domain
        loaded.append(domain)
        loaded.extend(importlib.import_module(feature).domain for feature in domain.features)
    return tuple(loaded)
