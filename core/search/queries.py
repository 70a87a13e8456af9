"""Finding things: one query over the index returns, per kind, the number of objects found and
the best few, each object once (in the reader's language when it matched there too), hits
in titles first, then the newest. Public readers see public documents only. Matches are
ranked on the short columns; titles and bodies are read only for the rows shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.access import Viewer
from core.search.text import Term, query_terms
from core.settings import get_settings
from core.tables import SearchEntry

PER_KIND = 5
PER_PAGE = 20
MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: str
    language: str
    path: str
    title: str
    body: str


@dataclass
class Group:
    kind: str
    total: int
    hits: list[Hit] = field(default_factory=list)


@dataclass(frozen=True)
class Results:
    query: str
    terms: list[Term]
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def readers_of(viewer: Viewer) -> list[str]:
    """The reader marks that let this viewer find a back-office document."""
    if not viewer.is_authenticated:
        return []
    marks = [f"role:{viewer.role}", f"user:{viewer.id}"]
    marks.extend(f"org:{organization}" for organization in sorted(viewer.organization_ids))
    return marks


def _match_sqlite(terms: list[Term], args: list[Any]) -> str:
    """FTS5's trigram index for the words it can take; LIKE for one-character words."""
    clauses = []
    indexed = [term for term in terms if term.indexable]
    if indexed:
        expression = " AND ".join(
            "(" + " OR ".join(f'"{_phrase(term, form)}"' for form in term.forms) + ")"
            for term in indexed
        )
        args.append(expression)
        clauses.append("e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {})")
    clauses.extend(_like(term, args) for term in terms if not term.indexable)
    return " AND ".join(clauses)


def _match_postgres(terms: list[Term], args: list[Any]) -> str:
    """pg_trgm's GIN index serves LIKE with three characters or more between wildcards."""
    return " AND ".join(_like(term, args) for term in terms)


def _phrase(term: Term, form: str) -> str:
    return f" {form} " if term.whole_word else form


def _like(term: Term, args: list[Any]) -> str:
    alternatives = []
    for form in term.forms:  # word characters only (core.search.text): nothing to escape
        args.append(f"%{_phrase(term, form)}%")
        alternatives.append("e.terms LIKE {}")
    return "(" + " OR ".join(alternatives) + ")"


def _visibility(viewer: Viewer, args: list[Any]) -> str:
    if viewer.is_admin:
        return "1 = 1"
    marks = readers_of(viewer)
    if not marks:
        return "e.is_public = TRUE"
    for mark in marks:
        args.append(f"% {mark} %")
    readable = " OR ".join("e.readers LIKE {}" for _mark in marks)
    return f"(e.is_public = TRUE OR {readable})"


async def search(
    viewer: Viewer,
    query: str,
    *,
    lang: str,
    kinds: tuple[str, ...] = (),
    language: str = "",
    per_kind: int = PER_KIND,
    offset: int = 0,
) -> Results:
    """What `viewer` may find for `query`; `kinds` and `language` narrow it down."""
    query = query.strip()[:MAX_QUERY]
    terms = query_terms(query)
    if not terms:
        return Results(query, terms, [])
    args: list[Any] = [f"%{terms[0].highlight}%", lang]
    match = (_match_sqlite if get_settings().is_sqlite else _match_postgres)(terms, args)
    conditions = [match, _visibility(viewer, args)]
    if kinds:
        conditions.append("e.kind IN (" + ", ".join("{}" for _kind in kinds) + ")")
        args.extend(kinds)
    if language:
        conditions.append("e.language = {}")
        args.append(language)
    args.extend([offset, offset + per_kind])
    # Only placeholders and fixed clauses are joined in; every value travels as a parameter.
    sql = f"""
        WITH hits AS (
            SELECT e.id, e.kind, e.sort_at,
                CASE WHEN e.title_key LIKE {{}} THEN 0 ELSE 1 END AS title_miss,
                ROW_NUMBER() OVER (
                    PARTITION BY e.object_key
                    ORDER BY CASE WHEN e.language = {{}} THEN 0 ELSE 1 END, e.id
                ) AS pick
            FROM search_entry e
            WHERE {" AND ".join(conditions)}
        ), ranked AS (
            SELECT h.id, h.kind,
                ROW_NUMBER() OVER (
                    PARTITION BY h.kind ORDER BY h.title_miss, h.sort_at DESC, h.id
                ) AS place,
                COUNT(*) OVER (PARTITION BY h.kind) AS total
            FROM hits h WHERE h.pick = 1
        )
        SELECT r.kind, r.total, e.object_id, e.language, e.path, e.title, e.body
        FROM ranked r JOIN search_entry e ON e.id = r.id
        WHERE r.place > {{}} AND r.place <= {{}} ORDER BY r.kind, r.place
    """  # noqa: S608
    rows = await SearchEntry.raw(sql, *args)
    groups: dict[str, Group] = {}
    for row in rows:
        group = groups.setdefault(row["kind"], Group(row["kind"], int(row["total"])))
        group.hits.append(
            Hit(
                kind=row["kind"],
                object_id=row["object_id"],
                language=row["language"],
                path=row["path"],
                title=row["title"],
                body=row["body"],
            )
        )
    return Results(query, terms, list(groups.values()))
