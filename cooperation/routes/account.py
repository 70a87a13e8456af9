"""The posters' side, under /<lang>/account/cooperation/: their organization's demands and
offers (new, edit, submit), the requests they sent and received (answering them), and their
digest subscription; and expressing interest in someone else's profile at
/<lang>/cooperation/<id>/interest. Signed-in people only; pages are never cached."""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from cooperation.routes.common import NO_STORE, labels, uploaded_files
from cooperation.services import digest, interest, profiles, public
from cooperation.services.profiles import Uploads
from cooperation.tables import ProfileKind, ProfileStatus
from core.access import can
from core.content import Translated
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, current_language
from core.pages import (
    client_address,
    form_data,
    form_lists,
    form_page,
    found_or_404,
    lang_path,
    signed_in,
    uploaded_file,
    viewer_of,
)

FORM = "cooperation/account/form.html"


def _require_poster(request: Request) -> None:
    if not can(viewer_of(request), "cooperation.post"):
        raise PermissionDeniedException()


async def _form_context(
    request: Request, kind: str, profile: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "profile": profile,
        "organizations": await profiles.posting_organizations(viewer_of(request)),
        **labels(),
    }


async def _lists(request: Request) -> dict[str, list[str]]:
    return {
        "partner_kinds": await form_lists(request, "partner_kinds"),
        "licensing": await form_lists(request, "licensing"),
    }


async def _uploads(request: Request) -> Uploads:
    return Uploads(
        images=await uploaded_files(request, "images"),
        brochure=await uploaded_file(request, "brochure"),
    )


class PosterController(Controller):
    path = "/account/cooperation"
    guards = [signed_in]
    cache_control = NO_STORE
    include_in_schema = False

    @get("/")
    async def home(self, request: Request) -> Template:
        viewer = viewer_of(request)
        own = await profiles.of_organizations(sorted(viewer.organization_ids))
        return Template(
            "cooperation/account/home.html",
            context={
                "profiles": own,
                "requests": await interest.of_viewer(viewer),
                "subscription": await digest.subscription_of(viewer),
                "may_post": can(viewer, "cooperation.post"),
                **labels(),
            },
        )

    @get("/new")
    async def new(self, request: Request) -> Template:
        _require_poster(request)
        kind = request.query_params.get("kind", "")
        kind = kind if kind in ProfileKind.__members__ else ProfileKind.demand.value
        values = profiles.new_form_values(viewer_of(request), kind)
        return form_page(FORM, values=values, **await _form_context(request, kind, None))

    @post("/new")
    async def create(self, request: Request) -> Template | Redirect:
        _require_poster(request)
        data = await form_data(request)
        lists = await _lists(request)
        kind = data.get("kind", "")
        kind = kind if kind in ProfileKind.__members__ else ProfileKind.demand.value
        try:
            profile_id = await profiles.create(
                viewer_of(request),
                kind,
                data,
                **lists,
                uploads=await _uploads(request),
                submit=data.get("action") == "submit",
                client=client_address(request),
            )
        except ValidationFailed as error:
            return form_page(
                FORM,
                error=error,
                values={**data, **lists},
                **await _form_context(request, kind, None),
            )
        return Redirect(lang_path(f"account/cooperation/?saved={profile_id}"), status_code=303)

    @get("/{profile_id:int}/edit")
    async def edit(self, request: Request, profile_id: FromPath[int]) -> Template:
        profile = await profiles.editable(viewer_of(request), profile_id)
        values = profiles.form_values_of(profile)
        return form_page(
            FORM, values=values, **await _form_context(request, profile["kind"], profile)
        )

    @post("/{profile_id:int}/edit")
    async def update(self, request: Request, profile_id: FromPath[int]) -> Template | Redirect:
        viewer = viewer_of(request)
        profile = await profiles.editable(viewer, profile_id)
        data = await form_data(request)
        lists = await _lists(request)
        try:
            await profiles.update(
                viewer,
                profile,
                data,
                **lists,
                uploads=await _uploads(request),
                remove_images=tuple(await form_lists(request, "remove_images")),
                submit=data.get("action") == "submit",
                client=client_address(request),
            )
        except ValidationFailed as error:
            return form_page(
                FORM,
                error=error,
                values={**data, **lists},
                **await _form_context(request, profile["kind"], profile),
            )
        return Redirect(lang_path(f"account/cooperation/?saved={profile_id}"), status_code=303)

    @post("/{profile_id:int}/submit")
    async def submit(self, request: Request, profile_id: FromPath[int]) -> Redirect:
        viewer = viewer_of(request)
        profile = await profiles.editable(viewer, profile_id)
        try:
            await profiles.submit(viewer, profile, client_address(request))
        except ValidationFailed:
            return Redirect(lang_path("account/cooperation/?not_submitted=1"), status_code=303)
        return Redirect(lang_path(f"account/cooperation/?submitted={profile_id}"), status_code=303)

    @get("/requests/{request_id:int}")
    async def request_page(self, request: Request, request_id: FromPath[int]) -> Template:
        found = await interest.view(viewer_of(request), request_id)
        await public.attach_organizations([found.profile])
        return Template(
            "cooperation/account/request.html",
            context={"found": found, "errors": {}, **labels()},
        )

    @post("/requests/{request_id:int}/accept")
    async def accept(self, request: Request, request_id: FromPath[int]) -> Redirect:
        return await _decide(request, request_id, accept=True)

    @post("/requests/{request_id:int}/decline")
    async def decline(self, request: Request, request_id: FromPath[int]) -> Redirect:
        return await _decide(request, request_id, accept=False)

    @get("/digest")
    async def digest_form(self, request: Request) -> Template:
        viewer = viewer_of(request)
        current = await digest.subscription_of(viewer)
        values: dict[str, Any] = {
            "frequency": current["frequency"] if current else "weekly",
            "language": current["language"] if current else viewer.language,
            "fields": list(current["fields"] or []) if current else [],
            "digest_countries": list(current["countries"] or []) if current else [],
        }
        return form_page(
            "cooperation/account/digest.html",
            values=values,
            subscription=current,
            language_names=LANGUAGE_NAMES,
            **labels(),
        )

    @post("/digest")
    async def digest_save(self, request: Request) -> Template | Redirect:
        viewer = viewer_of(request)
        data = await form_data(request)
        fields = await form_lists(request, "fields")
        countries = await form_lists(request, "digest_countries")
        try:
            await digest.subscribe(
                viewer, fields, countries, data.get("frequency", ""), data.get("language", "")
            )
        except ValidationFailed as error:
            return form_page(
                "cooperation/account/digest.html",
                error=error,
                values={**data, "fields": fields, "digest_countries": countries},
                subscription=await digest.subscription_of(viewer),
                language_names=LANGUAGE_NAMES,
                **labels(),
            )
        return Redirect(lang_path("account/cooperation/?subscribed=1"), status_code=303)


async def _decide(request: Request, request_id: int, *, accept: bool) -> Redirect:
    # Already answered: the page then shows the answer that counts.
    with contextlib.suppress(ValidationFailed):
        await interest.decide(viewer_of(request), request_id, accept, client_address(request))
    return Redirect(lang_path(f"account/cooperation/requests/{request_id}"), status_code=303)


class InterestController(Controller):
    """ "Express interest" on someone else's published demand or offer."""

    path = "/cooperation/{profile_id:int}/interest"
    guards = [signed_in]
    cache_control = NO_STORE
    include_in_schema = False

    async def _context(self, request: Request, profile_id: int) -> dict[str, Any]:
        _require_poster(request)
        viewer = viewer_of(request)
        found = found_or_404(await public.published(profile_id))
        await public.attach_organizations([found])
        return {
            "profile": found,
            "organizations": await profiles.posting_organizations(viewer),
            "own_options": [
                (str(p["id"]), Translated.load(p["title"]).show(current_language()).text)
                for p in await profiles.of_organizations(sorted(viewer.organization_ids))
                if p["kind"] != found["kind"] and p["status"] == ProfileStatus.published.value
            ],
            **labels(),
        }

    @get("/")
    async def form(self, request: Request, profile_id: FromPath[int]) -> Template:
        viewer = viewer_of(request)
        context = await self._context(request, profile_id)
        values = {
            "contact_name": viewer.name,
            "contact_email": viewer.email,
            "source_profile": request.query_params.get("from", ""),
        }
        return form_page("cooperation/account/interest.html", values=values, **context)

    @post("/")
    async def send(self, request: Request, profile_id: FromPath[int]) -> Template | Redirect:
        context = await self._context(request, profile_id)
        data = await form_data(request)
        try:
            request_id = await interest.express(
                viewer_of(request),
                profile_id,
                data,
                consent=data.get("consent") == "on",
                client=client_address(request),
            )
        except ValidationFailed as error:
            return form_page(
                "cooperation/account/interest.html", error=error, values=data, **context
            )
        return Redirect(
            lang_path(f"account/cooperation/requests/{request_id}?sent=1"), status_code=303
        )


pages = [PosterController, InterestController]
