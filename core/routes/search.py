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
from core.search.presenting import ShownGroup, kind_labels, present
from core.search.schemas import Language, SearchGroup, SearchHit, SearchResults

Query = Annotated[str, QueryParameter(name="q", max_length=queries.MAX_QUERY)]


async def _search(
    request: Request,
    q: str,
    lang: str,
    kind: str,
    language_filter: str,
    per_kind: int,
    offset: int = 0,
) -> tuple[queries.Results, list[ShownGroup], str, str]:
    """The search both the page and the API run; unknown filters are ignored."""
    kind = kind if kind in kind_labels() else ""
    language_filter = language_filter if language_filter in LANGUAGES else ""
    results = await queries.search(
        viewer_of(request),
        q,
        lang=lang,
        kinds=(kind,) if kind else (),
        language=language_filter,
        per_kind=per_kind,
        offset=offset if kind else 0,
    )
    return results, present(results, lang), kind, language_filter


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
        number = parse_page(page)
        per_kind = queries.PER_PAGE if kind else queries.PER_KIND
        results, groups, kind, language_filter = await _search(
            request, q, current_language(), kind, language_filter, per_kind, (number - 1) * per_kind
        )
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
            results, groups, _kind, _language = await _search(
                request, q, lang, kind, language_filter, per_kind
            )
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
