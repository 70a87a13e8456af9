"""Results ready for a page or the API: kinds labelled in the reader's language, addresses in
the reader's language, snippets escaped and marked."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from core.domains import load_domains
from core.hooks import SearchKind
from core.i18n import gettext
from core.search.queries import Results
from core.search.snippets import highlight, snippet


def kinds() -> list[SearchKind]:
    found = [kind for domain in load_domains() for kind in domain.search_kinds]
    return sorted(found, key=lambda kind: kind.order)


def kind_labels() -> dict[str, str]:
    return {kind.key: gettext(kind.label) for kind in kinds()}


def url_of(path: str, lang: str) -> str:
    """A result's address: a partner's own page as it is, ours in the reader's language."""
    if path.startswith(("https://", "http://")):
        return path
    return f"/{lang}/{path}"


@dataclass(frozen=True)
class ShownHit:
    id: str
    title: Markup
    snippet: Markup
    url: str
    lang: str


@dataclass(frozen=True)
class ShownGroup:
    kind: str
    label: str
    total: int
    hits: list[ShownHit]


def present(results: Results, lang: str) -> list[ShownGroup]:
    labels = kind_labels()
    order = {kind.key: kind.order for kind in kinds()}
    groups = sorted(results.groups, key=lambda group: order.get(group.kind, 1000))
    return [
        ShownGroup(
            kind=group.kind,
            label=labels.get(group.kind, group.kind),
            total=group.total,
            hits=[
                ShownHit(
                    id=hit.object_id,
                    title=highlight(hit.title, results.terms),
                    snippet=snippet(hit.body, results.terms),
                    url=url_of(hit.path, lang),
                    lang=hit.language,
                )
                for hit in group.hits
            ],
        )
        for group in groups
    ]
