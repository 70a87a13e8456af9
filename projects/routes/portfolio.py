"""The bureau's portfolio, /<lang>/manage/projects/: every project at a glance with charts,
and its indicators as a spreadsheet. Organizers only; the figures come from
projects.services.portfolio, the drawings from core.charts."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Response, Template

from core import charts
from core.pages import client_address, role_required, viewer_of
from core.paging import parse_page
from projects.services import export, portfolio, vocabulary

ADMINS = [role_required()]
Query = Annotated[str | None, QueryParameter()]


def _filters(
    country: str | None, field: str | None, kind: str | None, status: str | None
) -> portfolio.Filters:
    return portfolio.Filters.of(
        country=country or "", field=field or "", kind=kind or "", status=status or ""
    )


@get("/manage/projects/", guards=ADMINS)
async def portfolio_page(
    request: Request,
    country: Query = None,
    field: Query = None,
    kind: Query = None,
    status: Query = None,
    indicator: Query = None,
    sort: Query = None,
    page: Query = None,
) -> Template:
    filters = _filters(country, field, kind, status)
    found = await portfolio.portfolio(
        viewer_of(request),
        filters,
        sort=(sort or "").strip(),
        page=parse_page(page),
        indicator=(indicator or "").strip(),
    )
    key = found.indicator.key if found.indicator else ""
    chosen = f"indicator={key}&" if key else ""
    return Template(
        "projects/portfolio.html",
        context={
            "found": found,
            "page": found.page,
            "sort": found.sort,
            "filters": {**filters.as_form(), "indicator": key},
            "filter_query": filters.query() + chosen,
            "export_query": filters.query(),
            "labels": vocabulary.all_labels(),
            "chart": charts,
        },
    )


@get("/manage/projects/export.xlsx", guards=ADMINS)
async def portfolio_export(
    request: Request,
    country: Query = None,
    field: Query = None,
    kind: Query = None,
    status: Query = None,
) -> Response:
    result = await export.export(
        _filters(country, field, kind, status), viewer_of(request), client_address(request)
    )
    return Response(
        result.content,
        media_type=result.media_type,
        headers={
            "content-disposition": f'attachment; filename="{result.filename}"',
            "cache-control": "no-store",
        },
    )


pages = [portfolio_page, portfolio_export]
