"""The back office of partner feeds: sources with their health, adding and editing them,
"check now", and enabling a paused source again."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from core.access import require
from core.errors import ValidationFailed
from core.feeds import sources, sync
from core.feeds.parse import KINDS, kind_for_display
from core.feeds.reasons import reason_labels
from core.i18n import LANGUAGES
from core.pages import client_address, form_data, form_page, lang_path, signed_in, viewer_of
from core.paging import parse_page

FORM = "core/manage/feed_form.html"


def _query_string(values: dict[str, str]) -> str:
    """`a=1&b=2&` for the non-empty values: ready for the pager and sort links to extend."""
    shown = {key: value for key, value in values.items() if value}
    return urlencode(shown) + "&" if shown else ""


def _labels() -> dict[str, Any]:
    return {
        "healths": sources.health_labels(),
        "reasons": reason_labels(),
        "kinds": {kind: kind_for_display(kind) for kind in KINDS},
    }


async def _form_context(request: Request) -> dict[str, Any]:
    return {
        "organizations": await sources.organizations_for(viewer_of(request)),
        "content_languages": LANGUAGES,
    }


async def _source_or_404(request: Request, source_id: int) -> dict[str, Any]:
    source = await sources.get(viewer_of(request), source_id)
    if source is None:
        raise NotFoundException()
    return source


@get("/manage/feeds/", guards=[signed_in])
async def feed_list(
    request: Request,
    organization: FromQuery[str] = "",
    health: FromQuery[str] = "",
    kind: FromQuery[str] = "",
    sort: FromQuery[str] = "organization",
    page: FromQuery[str] = "",
) -> Template:
    viewer = viewer_of(request)
    filters = sources.SourceFilters(organization.strip(), health.strip(), kind.strip())
    listing, applied = await sources.list_page(viewer, filters, sort, parse_page(page))
    return Template(
        "core/manage/feeds.html",
        context={
            "page": listing,
            "sort": applied,
            "filters": filters.as_dict(),
            "filter_query": _query_string(filters.as_dict()),
            "organizations": await sources.organizations_for(viewer),
            "zone": viewer.timezone,
            **_labels(),
        },
    )


@get("/manage/feeds/new", guards=[signed_in])
async def feed_new(request: Request, organization: FromQuery[str] = "") -> Template:
    require(viewer_of(request), "feed.add")
    context = await _form_context(request)
    slugs = [row["slug"] for row in context["organizations"]]
    chosen = organization if organization in slugs else (slugs[0] if len(slugs) == 1 else "")
    return form_page(
        FORM,
        values={"organization": chosen, "language": "", "enabled": "on"},
        **context,
    )


@post("/manage/feeds/new", guards=[signed_in])
async def feed_create(request: Request) -> Template | Redirect:
    data = await form_data(request)
    try:
        source_id = await sources.add(viewer_of(request), data, client_address(request))
    except ValidationFailed as error:
        return form_page(FORM, error=error, values=data, **await _form_context(request))
    await sync.schedule_now(source_id)
    return Redirect(lang_path(f"manage/feeds/{source_id}/?added=1"), status_code=303)


@get("/manage/feeds/{source_id:int}/", guards=[signed_in])
async def feed_detail(request: Request, source_id: FromPath[int]) -> Template:
    source = await _source_or_404(request, source_id)
    return Template(
        "core/manage/feed.html",
        context={
            "source": source,
            "items": await sources.latest_items(source_id),
            "zone": viewer_of(request).timezone,
            **_labels(),
        },
    )


@get("/manage/feeds/{source_id:int}/edit", guards=[signed_in])
async def feed_edit(request: Request, source_id: FromPath[int]) -> Template:
    source = await _source_or_404(request, source_id)
    return form_page(
        FORM, values=sources.form_values(source), source=source, **await _form_context(request)
    )


@post("/manage/feeds/{source_id:int}/edit", guards=[signed_in])
async def feed_update(request: Request, source_id: FromPath[int]) -> Template | Redirect:
    source = await _source_or_404(request, source_id)
    data = await form_data(request)
    try:
        await sources.update(viewer_of(request), source, data, client_address(request))
    except ValidationFailed as error:
        return form_page(
            FORM, error=error, values=data, source=source, **await _form_context(request)
        )
    if data.get("enabled") == "on":
        await sync.schedule_now(source_id)
    return Redirect(lang_path(f"manage/feeds/{source_id}/?saved=1"), status_code=303)


@post("/manage/feeds/{source_id:int}/check", guards=[signed_in])
async def feed_check(request: Request, source_id: FromPath[int]) -> Redirect:
    """Fetch at once, whatever the schedule; the detail page then shows what came of it."""
    await _source_or_404(request, source_id)
    outcome = await sync.check_now(source_id)
    flag = "busy=1" if outcome.status == "skipped" else "checked=1"
    return Redirect(lang_path(f"manage/feeds/{source_id}/?{flag}"), status_code=303)


@post("/manage/feeds/{source_id:int}/enable", guards=[signed_in])
async def feed_enable(request: Request, source_id: FromPath[int]) -> Redirect:
    source = await _source_or_404(request, source_id)
    await sources.set_enabled(viewer_of(request), source, True, client_address(request))
    await sync.schedule_now(source_id)
    return Redirect(lang_path(f"manage/feeds/{source_id}/?enabled=1"), status_code=303)


@post("/manage/feeds/{source_id:int}/disable", guards=[signed_in])
async def feed_disable(request: Request, source_id: FromPath[int]) -> Redirect:
    source = await _source_or_404(request, source_id)
    await sources.set_enabled(viewer_of(request), source, False, client_address(request))
    return Redirect(lang_path(f"manage/feeds/{source_id}/?disabled=1"), status_code=303)


pages = [
    feed_list,
    feed_new,
    feed_create,
    feed_detail,
    feed_edit,
    feed_update,
    feed_check,
    feed_enable,
    feed_disable,
]
