"""The bureau's side of the board, under /<lang>/manage/cooperation/: the moderation queue
(publish, return with a reason, archive), every expression of interest and its outcome with
exports, and the cooperation guides. Organizers moderate; a partner city's coordinator
follows the requests about their city and publishes their city's guide."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from cooperation.routes.common import NO_STORE, labels
from cooperation.services import guides, interest, moderation, profiles, public
from cooperation.services.vocabulary import city_labels
from cooperation.tables import InterestStatus, ProfileStatus
from core.errors import ValidationFailed
from core.pages import (
    attachment,
    client_address,
    form_data,
    form_page,
    found_or_404,
    lang_path,
    role_required,
    uploaded_file,
    viewer_of,
)
from core.paging import parse_page
from core.tables import Role

REVIEW = "cooperation/manage/review.html"


class ModerationController(Controller):
    path = "/manage/cooperation"
    guards = [role_required()]
    cache_control = NO_STORE
    include_in_schema = False

    @get("/")
    async def queue(self, request: Request) -> Template:
        status = request.query_params.get("status", "")
        page = parse_page(request.query_params.get("page"))
        if status in (ProfileStatus.published, ProfileStatus.returned, ProfileStatus.archived):
            listing = await moderation.recent(status, page)
        else:
            status, listing = ProfileStatus.submitted.value, await moderation.queue(page)
        await public.attach_organizations(listing.items)
        return Template(
            "cooperation/manage/queue.html",
            context={
                "page": listing,
                "status": status,
                "filter_query": f"status={status}&",
                **labels(),
            },
        )

    async def _review(
        self,
        profile_id: int,
        error: ValidationFailed | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        profile = found_or_404(await profiles.get(profile_id))
        await public.attach_organizations([profile])
        return form_page(REVIEW, error=error, values=values or {}, profile=profile, **labels())

    @get("/{profile_id:int}/")
    async def review(self, profile_id: FromPath[int]) -> Template:
        return await self._review(profile_id)

    @post("/{profile_id:int}/publish")
    async def publish(self, request: Request, profile_id: FromPath[int]) -> Template | Redirect:
        found_or_404(await profiles.get(profile_id))
        try:
            await moderation.publish(viewer_of(request), profile_id, client_address(request))
        except ValidationFailed as error:
            return await self._review(profile_id, error)
        return Redirect(lang_path("manage/cooperation/?published=1"), status_code=303)

    @post("/{profile_id:int}/return")
    async def give_back(self, request: Request, profile_id: FromPath[int]) -> Template | Redirect:
        found_or_404(await profiles.get(profile_id))
        data = await form_data(request)
        try:
            await moderation.return_to_poster(
                viewer_of(request), profile_id, data.get("reason", ""), client_address(request)
            )
        except ValidationFailed as error:
            return await self._review(profile_id, error, data)
        return Redirect(lang_path("manage/cooperation/?returned=1"), status_code=303)

    @get("/{profile_id:int}/archive")
    async def archive_confirm(self, profile_id: FromPath[int]) -> Template:
        profile = found_or_404(await profiles.get(profile_id))
        return Template("cooperation/manage/confirm.html", context={"profile": profile, **labels()})

    @post("/{profile_id:int}/archive")
    async def archive(self, request: Request, profile_id: FromPath[int]) -> Template | Redirect:
        found_or_404(await profiles.get(profile_id))
        try:
            await moderation.archive(viewer_of(request), profile_id, client_address(request))
        except ValidationFailed as error:
            return await self._review(profile_id, error)
        return Redirect(lang_path("manage/cooperation/?status=archived"), status_code=303)


class RequestsController(Controller):
    """Every expression of interest (the bureau) or those about one's city (coordinators)."""

    path = "/manage/cooperation/requests"
    guards = [role_required(Role.coordinator)]
    cache_control = NO_STORE
    include_in_schema = False

    @get("/")
    async def overview(self, request: Request) -> Template:
        status = request.query_params.get("status", "")
        status = status if status in InterestStatus.__members__ else ""
        listing = await interest.overview(
            viewer_of(request), status, parse_page(request.query_params.get("page"))
        )
        return Template(
            "cooperation/manage/requests.html",
            context={
                "page": listing,
                "status": status,
                "filter_query": f"status={status}&" if status else "",
                **labels(),
            },
        )

    @get("/{name:str}")
    async def export(self, request: Request, name: FromPath[str]) -> Response[bytes]:
        """`export.csv` or `export.xlsx`."""
        kind = found_or_404({"export.csv": "csv", "export.xlsx": "xlsx"}.get(name))
        viewer = viewer_of(request)
        return attachment(await interest.export(viewer, kind, viewer.language))


class GuidesController(Controller):
    """Publishing guides and new versions of them."""

    path = "/manage/cooperation/guides"
    guards = [role_required(Role.coordinator)]
    cache_control = NO_STORE
    include_in_schema = False

    async def _context(self, request: Request) -> dict[str, Any]:
        cities = await guides.cities_for(viewer_of(request))
        names = city_labels()
        return {
            "cities": cities,
            "guide_city_options": [(city, names[city]) for city in cities],
            "guides": await guides.published_guides(),
            **labels(),
        }

    @get("/")
    async def form(self, request: Request) -> Template:
        viewer = viewer_of(request)
        values: dict[str, Any] = {"source_language": viewer.language}
        city, year = request.query_params.get("city", ""), request.query_params.get("year", "")
        if city and year.isdigit():
            values.update(await guides.form_values(city, int(year)))
        return form_page(
            "cooperation/manage/guides.html", values=values, **await self._context(request)
        )

    @post("/")
    async def save(self, request: Request) -> Template | Redirect:
        data = await form_data(request)
        try:
            city, year = await guides.publish_version(
                viewer_of(request),
                data,
                await uploaded_file(request, "pdf"),
                client_address(request),
            )
        except ValidationFailed as error:
            return form_page(
                "cooperation/manage/guides.html",
                error=error,
                values=data,
                **await self._context(request),
            )
        return Redirect(lang_path(f"cooperation/guides/{city}/{year}/"), status_code=303)


pages = [ModerationController, RequestsController, GuidesController]
