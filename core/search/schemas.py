"""JSON shapes of the search API (msgspec Structs)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

Language = Literal["zh", "ru", "kk", "en"]


class SearchHit(Struct, kw_only=True):
    id: Annotated[str, Meta(description="The object's id within its kind.")]
    title: str
    title_html: Annotated[str, Meta(description="The title as escaped HTML, hits in <mark>.")]
    snippet_html: Annotated[
        str,
        Meta(description="A passage around the first hit: escaped HTML, hits in <mark>."),
    ]
    url: Annotated[str, Meta(description="The object's page, in the requested language.")]
    lang: Annotated[Language, Meta(description="The language the title and snippet are in.")]


class SearchGroup(Struct, kw_only=True):
    kind: Annotated[str, Meta(description="event, session, speaker, project, partner, news, …")]
    label: Annotated[str, Meta(description="The kind's name in the requested language.")]
    total: Annotated[int, Meta(description="How many objects of this kind were found.")]
    hits: list[SearchHit]


class SearchResults(Struct, kw_only=True):
    query: str
    total: int
    groups: list[SearchGroup]
