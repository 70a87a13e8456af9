"""Search: the page under /<lang>/search/ and the JSON API at /api/v1/search. Both see what
the person asking may see: public documents, and back-office ones when signed in."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from core.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, language
from core.pages import NO_STORE, viewer_of
from core.paging import parse_page
from core.search import queries
from core.search.presenting import kind_labels, present
from core.search.schemas import Language, SearchGroup, SearchHit, SearchResults

Query = Annotated[str, QueryParameter(name="q", max_length=queries.MAX_QUERY)]


def _chosen(kind: str, lang_filter: str) -> tuple[str, str]:
    return (
        kind if kind in kind_labels() else "",
        lang_filter if lang_filter in LANGUAGES else "",
    )


class SearchController(Controller):
    """The search page; private because signed-in people find back-office items too."""

    cache_control = NO_STORE

    @get("/search/", name="search")
    async def search_page(
        self,
        request: Request,
        q: Query = "",
        kind: FromQuery[str] = "",
        language_filter: Annotated[str, QueryParameter(name="language")] = "",
        page: FromQuery[str] = "",
    ) -> Template:
        kind, language_filter = _chosen(kind, language_filter)
        lang = current_language()
        number = parse_page(page)
        per_kind = queries.PER_PAGE if kind else queries.PER_KIND
        results = await queries.search(
            viewer_of(request),
            q,
            lang=lang,
            kinds=(kind,) if kind else (),
            language=language_filter,
            per_kind=per_kind,
            offset=(number - 1) * per_kind if kind else 0,
        )
        groups = present(results, lang)
        total = groups[0].total if kind and groups else results.total
        return Template(
            "core/search.html",
            context={
                "query": results.query,
                "groups": groups,
                "total": total,
                "filters": {"kind": kind, "language": language_filter},
                "kind_choices": list(kind_labels().items()),
                "language_choices": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
                "page_number": number,
                "has_next": bool(kind and total > number * per_kind),
            },
        )


class SearchApiController(Controller):
    cache_control = NO_STORE

    @get(
        "/search",
        summary="Search",
        description=(
            "Events, sessions, speakers, projects, partners and partner news in all four "
            "languages, grouped by kind, best first. Anonymous callers find public items "
            "only; a signed-in session also finds what it may see in the back office."
        ),
    )
    async def api_search(
        self,
        request: Request,
        q: Query,
        lang: Annotated[
            Language,
            QueryParameter(description="Language of labels and addresses, preferred for hits."),
        ] = "en",
        kind: Annotated[str, QueryParameter(description="Only this kind of result.")] = "",
        language_filter: Annotated[
            str, QueryParameter(name="language", description="Only hits in this language.")
        ] = "",
        per_kind: Annotated[int, QueryParameter(ge=1, le=50, description="Hits per kind.")] = 5,
    ) -> SearchResults:
        with language(lang):
            kind, language_filter = _chosen(kind, language_filter)
            results = await queries.search(
                viewer_of(request),
                q,
                lang=lang,
                kinds=(kind,) if kind else (),
                language=language_filter,
                per_kind=per_kind,
            )
            groups = present(results, lang)
        return SearchResults(
            query=results.query,
            total=results.total,
            groups=[
                SearchGroup(
                    kind=group.kind,
                    label=group.label,
                    total=group.total,
                    hits=[
                        SearchHit(
                            id=hit.id,
                            title=str(hit.title.striptags()),
                            title_html=str(hit.title),
                            snippet_html=str(hit.snippet),
                            url=hit.url,
                            lang=hit.lang,  # type: ignore[arg-type]
                        )
                        for hit in group.hits
                    ],
                )
                for group in groups
            ],
        )


pages = [SearchController]
api = [SearchApiController]
