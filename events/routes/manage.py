"""The organizers' side of events: the list, the event form, its life cycle, the agenda with
speakers, seats reserved per partner organization, and the registration form's questions.

Organizers only (admins). Handlers parse the request, call a service and render; the rules
live in `events.services.events` and `events.services.agenda`.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from core.errors import ValidationFailed
from core.pages import (
    client_address,
    form_data,
    form_page,
    lang_path,
    stored_image,
    uploaded_file,
    viewer_of,
)
from core.paging import parse_page
from core.routes.account import COMMON_ZONES
from events.routes.back_office import (
    ADMINS,
    CONFIRM,
    Query,
    event_or_404,
    event_path,
    host_of,
    labels_context,
    overview_page,
    stripped,
)
from events.services import events as event_rules
from events.services import lifecycle

EVENT_FORM = "events/manage/form.html"


# --- the list and the event form -------------------------------------------------------------


class EventsController(Controller):
    """Organizers' list of events, the event form, the overview with the life cycle, and
    uploaded media."""

    guards = ADMINS

    @get("/manage/events/")
    async def event_list(
        self,
        status: Query = None,
        kind: Query = None,
        sort: Query = None,
        page: Query = None,
    ) -> Template:
        filters = {"status": stripped(status), "kind": stripped(kind)}
        listing, applied = await event_rules.list_page(
            status=filters["status"],
            kind=filters["kind"],
            sort=stripped(sort) or "-starts",
            page=parse_page(page),
        )
        return Template(
            "events/manage/list.html",
            context={
                "page": listing,
                "sort": applied,
                "filters": filters,
                "filter_query": "".join(f"{k}={v}&" for k, v in filters.items() if v),
                **labels_context(),
            },
        )

    @get("/manage/events/new")
    async def event_new(self) -> Template:
        return form_page(EVENT_FORM, values=event_rules.new_form_values(), **await _form_context())

    @post("/manage/events/new")
    async def event_create(self, request: Request) -> Template | Redirect:
        data = await form_data(request)
        try:
            slug = await event_rules.create(
                viewer_of(request),
                data,
                await uploaded_file(request, "cover"),
                client_address(request),
            )
        except ValidationFailed as error:
            return form_page(EVENT_FORM, error=error, values=data, **await _form_context())
        return Redirect(lang_path(f"manage/events/{slug}/?saved=1"), status_code=303)

    @get("/manage/events/{slug:str}/edit")
    async def event_edit(self, slug: FromPath[str]) -> Template:
        event = await event_or_404(slug)
        host = await host_of(event)
        values = event_rules.form_values(event, host["slug"] if host else "")
        return form_page(EVENT_FORM, values=values, **await _form_context(event))

    @post("/manage/events/{slug:str}/edit")
    async def event_update(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        try:
            new_slug = await event_rules.update(
                viewer_of(request),
                event,
                data,
                await uploaded_file(request, "cover"),
                client_address(request),
            )
        except ValidationFailed as error:
            return form_page(EVENT_FORM, error=error, values=data, **await _form_context(event))
        return Redirect(lang_path(f"manage/events/{new_slug}/?saved=1"), status_code=303)

    @get("/manage/events/{slug:str}/")
    async def event_overview(self, slug: FromPath[str]) -> Template:
        return await overview_page(await event_or_404(slug))

    @post("/manage/events/{slug:str}/status")
    async def event_status(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        target = data.get("to", "")
        step = lifecycle.transition_to(event["status"], target)
        if step is not None and step.confirm is not None and data.get("confirmed") != "yes":
            return Template(
                CONFIRM,
                context={
                    "event": event,
                    "heading": str(step.label),
                    "question": str(step.confirm),
                    "action": event_path(event, "status"),
                    "fields": {"to": target, "confirmed": "yes"},
                    "button": str(step.label),
                    "back": event_path(event),
                },
            )
        try:
            await lifecycle.change_status(
                viewer_of(request), event, target, client_address(request)
            )
        except ValidationFailed as error:
            return await overview_page(event, error)
        return Redirect(event_path(event, "?saved=1"), status_code=303)

    @get("/manage/events/media/{name:str}", include_in_schema=False)
    async def event_media(self, name: FromPath[str]) -> File:
        """Covers and speaker photos for the organizers' own pages."""
        return stored_image(
            event_rules.MEDIA_FOLDER, name, headers={"Cache-Control": "private, max-age=3600"}
        )


async def _form_context(event: dict[str, Any] | None = None) -> dict[str, Any]:
    zones = list(COMMON_ZONES)
    if event is not None and event["timezone"] not in zones:
        zones.append(event["timezone"])
    return {
        "zones": zones,
        "organizations": await event_rules.organizations(),
        "event": event,
        **labels_context(),
    }


# --- the overview and the life cycle ---------------------------------------------------------


# --- the registration form -------------------------------------------------------------------
