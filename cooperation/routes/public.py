"""The board as everyone reads it, under /<lang>/cooperation/: published demands and offers
with filters and paging, a profile's page with the suggestions that fit it and why, the
cooperation guides by city and year, the Atom feed, and the digest's unsubscribe link (which
mail clients may POST to with one click, without a form of ours: RFC 8058)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import File, Template

from cooperation.routes.common import labels
from cooperation.services import digest, feed, guides, profiles, public
from cooperation.services.files import FOLDER
from cooperation.services.profiles import public_fields
from cooperation.tables import Profile, ProfileStatus
from core.i18n import current_language
from core.pages import found_or_404, viewer_of
from core.paging import parse_page, query_string
from core.uploads import stored_path
from core.vocabulary import field_labels

FEED_CACHE_S = 300
FILTER_NAMES = ("kind", "field", "country", "city", "trl", "licensing")


class PublicController(Controller):
    path = "/cooperation"
    include_in_schema = False

    @get("/")
    async def board(self, request: Request) -> Template:
        raw = {name: request.query_params.get(name, "") for name in FILTER_NAMES}
        filters = public.Filters.parse(raw, field_labels())
        page = await public.listing(filters, parse_page(request.query_params.get("page")))
        return Template(
            "cooperation/public/list.html",
            context={
                "page": page,
                "filters": filters.as_query(),
                "filter_query": query_string(filters.as_query()),
                **labels(),
            },
        )

    @get("/{profile_id:int}/")
    async def profile(self, request: Request, profile_id: FromPath[int]) -> Template:
        viewer = viewer_of(request)
        found = found_or_404(await profiles.visible(viewer, profile_id))
        own = viewer.acts_for(found["organization"]) or viewer.is_admin
        await public.attach_organizations([found])
        is_published = found["status"] == ProfileStatus.published.value
        return Template(
            "cooperation/public/detail.html",
            context={
                "profile": found if own else public_fields(found),
                "own": own,
                "suggestions": await public.suggestions(found) if is_published else [],
                **labels(),
            },
        )

    @get("/guides/")
    async def guide_list(self) -> Template:
        return Template(
            "cooperation/public/guides.html",
            context={"guides": await guides.published_guides(), **labels()},
        )

    @get("/guides/{city:str}/{year:int}/")
    async def guide(self, city: FromPath[str], year: FromPath[int]) -> Template:
        found = await guides.guide(city, year)
        return Template("cooperation/public/guide.html", context={**found, **labels()})

    @get("/guides/{city:str}/{year:int}/versions/{number:int}")
    async def guide_version(
        self, city: FromPath[str], year: FromPath[int], number: FromPath[int]
    ) -> Template:
        found = await guides.guide(city, year, number)
        return Template("cooperation/public/guide.html", context={**found, **labels()})

    @get("/unsubscribe/{token:str}")
    async def unsubscribe_page(self, token: FromPath[str]) -> Template:
        found = found_or_404(await digest.by_token(token))
        return Template(
            "cooperation/public/unsubscribe.html",
            context={"subscription": found, "token": token, "done": False},
            headers={"cache-control": "no-store"},
        )

    @post("/unsubscribe/{token:str}", exclude_from_csrf=True, status_code=200)
    async def unsubscribe(self, token: FromPath[str]) -> Template:
        found_or_404(await digest.by_token(token))
        await digest.unsubscribe(token)
        return Template(
            "cooperation/public/unsubscribe.html",
            context={"subscription": None, "token": token, "done": True},
            headers={"cache-control": "no-store"},
        )


@get("/cooperation.atom", include_in_schema=False)
async def board_atom(request: Request) -> Response[bytes]:
    body = feed.atom(await public.newest(), current_language())
    etag = feed.etag_of(body)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={FEED_CACHE_S}"}
    media_type = "application/atom+xml; charset=utf-8"
    if etag in [
        t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")
    ]:
        return Response(b"", status_code=304, headers=headers, media_type=media_type)
    return Response(body, headers=headers, media_type=media_type)


# --- files (outside /<lang>/) --------------------------------------------------------------

MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


async def _file_is_public(name: str) -> bool:
    published = Profile.status == ProfileStatus.published.value
    if await Profile.exists().where(published & Profile.file_names.like(f"%|{name}|%")):
        return True
    return name.endswith(".pdf") and await guides.stored_pdf_visible(name)


@get("/media/cooperation/{name:str}", include_in_schema=False)
async def media(request: Request, name: FromPath[str]) -> File:
    """An image or brochure of a published offer, or a published guide's PDF; the poster's
    organization and the bureau also see those of profiles not published yet."""
    path = stored_path(FOLDER, name)
    if path is None or path.suffix not in MEDIA_TYPES:
        found_or_404(None)
    assert path is not None
    if not await _file_is_public(name) and not await _own_file(request, name):
        found_or_404(None)
    return File(
        path,
        media_type=MEDIA_TYPES[path.suffix],
        content_disposition_type="inline" if path.suffix != ".pdf" else "attachment",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Security-Policy": "default-src 'none'",
        },
    )


async def _own_file(request: Request, name: str) -> bool:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        return False
    rows: list[dict[str, Any]] = await Profile.select(Profile.organization).where(
        Profile.file_names.like(f"%|{name}|%")
    )
    return any(viewer.is_admin or viewer.acts_for(row["organization"]) for row in rows)


pages = [PublicController, board_atom]
routes = [media]
