"""The organizers' agenda of an event: sessions with their speakers, and the speakers."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import gettext
from core.pages import (
    client_address,
    form_data,
    form_lists,
    form_page,
    found_or_404,
    uploaded_file,
    viewer_of,
)
from events.routes.back_office import (
    ADMINS,
    act,
    confirm_delete,
    event_or_404,
    event_path,
    labels_context,
)
from events.services import agenda
from events.services import labels as event_labels

SESSION_FORM = "events/manage/session_form.html"


SPEAKER_FORM = "events/manage/speaker_form.html"


class AgendaController(Controller):
    """Organizers' agenda of an event: sessions and speakers."""

    guards = ADMINS

    @get("/manage/events/{slug:str}/agenda")
    async def agenda_page(self, slug: FromPath[str]) -> Template:
        event = await event_or_404(slug)
        rows = await agenda.sessions(event["id"])
        found = agenda.find_clashes(rows, event["timezone"])
        clashing = {session_id for clash in found for session_id in clash.session_ids}
        outside = {row["id"] for row in rows if agenda.outside_event(event, row)}
        return Template(
            "events/manage/agenda.html",
            context={
                "event": event,
                "section": "agenda",
                "days": agenda.group_by_day(rows, event["timezone"]),
                "clashes": found,
                "clashing": clashing,
                "outside": outside,
                "speakers": await agenda.speakers(event["id"]),
                "session_kinds": event_labels.session_kind_labels(),
                **labels_context(),
            },
        )

    @get("/manage/events/{slug:str}/agenda/sessions/new")
    async def session_new(self, slug: FromPath[str]) -> Template:
        event = await event_or_404(slug)
        return form_page(
            SESSION_FORM,
            values=agenda.new_session_values(event),
            chosen=[],
            **await _session_context(event),
        )

    @post("/manage/events/{slug:str}/agenda/sessions/new")
    async def session_create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        chosen = await form_lists(request, "speakers")
        try:
            await agenda.create_session(
                viewer_of(request), event, data, chosen, client_address(request)
            )
        except ValidationFailed as error:
            return form_page(
                SESSION_FORM,
                error=error,
                values=data,
                chosen=chosen,
                **await _session_context(event),
            )
        return Redirect(event_path(event, "agenda?saved=1"), status_code=303)

    @get("/manage/events/{slug:str}/agenda/sessions/{session_id:int}/edit")
    async def session_edit(self, slug: FromPath[str], session_id: FromPath[int]) -> Template:
        event = await event_or_404(slug)
        session = await _session_or_404(event, session_id)
        return form_page(
            SESSION_FORM,
            values=agenda.session_form_values(session, event["timezone"]),
            chosen=[str(i) for i in session["speaker_ids"]],
            **await _session_context(event, session),
        )

    @post("/manage/events/{slug:str}/agenda/sessions/{session_id:int}/edit")
    async def session_update(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        session = await _session_or_404(event, session_id)
        data = await form_data(request)
        chosen = await form_lists(request, "speakers")
        try:
            await agenda.update_session(
                viewer_of(request), event, session, data, chosen, client_address(request)
            )
        except ValidationFailed as error:
            return form_page(
                SESSION_FORM,
                error=error,
                values=data,
                chosen=chosen,
                **await _session_context(event, session),
            )
        return Redirect(event_path(event, "agenda?saved=1"), status_code=303)

    @get("/manage/events/{slug:str}/agenda/sessions/{session_id:int}/delete")
    async def session_delete_confirm(
        self, slug: FromPath[str], session_id: FromPath[int]
    ) -> Template:
        event = await event_or_404(slug)
        session = await _session_or_404(event, session_id)
        title = plain_text(session["title"])
        return confirm_delete(
            event,
            gettext("Delete session"),
            gettext("Delete the session “%(title)s” from the agenda?", title=title),
            event_path(event, f"agenda/sessions/{session_id}/delete"),
        )

    @post("/manage/events/{slug:str}/agenda/sessions/{session_id:int}/delete")
    async def session_delete(
        self, request: Request, slug: FromPath[str], session_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        session = await _session_or_404(event, session_id)
        return await act(request, event, "agenda?saved=1", agenda.delete_session, session)

    @get("/manage/events/{slug:str}/agenda/speakers/new")
    async def speaker_new(self, slug: FromPath[str]) -> Template:
        event = await event_or_404(slug)
        return form_page(SPEAKER_FORM, values={"source_language": "zh"}, **_speaker_context(event))

    @post("/manage/events/{slug:str}/agenda/speakers/new")
    async def speaker_create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        try:
            await agenda.create_speaker(
                viewer_of(request),
                event,
                data,
                await uploaded_file(request, "photo"),
                client_address(request),
            )
        except ValidationFailed as error:
            return form_page(SPEAKER_FORM, error=error, values=data, **_speaker_context(event))
        return Redirect(event_path(event, "agenda?saved=1#speakers"), status_code=303)

    @get("/manage/events/{slug:str}/agenda/speakers/{speaker_id:int}/edit")
    async def speaker_edit(self, slug: FromPath[str], speaker_id: FromPath[int]) -> Template:
        event = await event_or_404(slug)
        speaker = await _speaker_or_404(event, speaker_id)
        return form_page(
            SPEAKER_FORM,
            values=agenda.speaker_form_values(speaker),
            **_speaker_context(event, speaker),
        )

    @post("/manage/events/{slug:str}/agenda/speakers/{speaker_id:int}/edit")
    async def speaker_update(
        self, request: Request, slug: FromPath[str], speaker_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        speaker = await _speaker_or_404(event, speaker_id)
        data = await form_data(request)
        try:
            await agenda.update_speaker(
                viewer_of(request),
                event,
                speaker,
                data,
                await uploaded_file(request, "photo"),
                client_address(request),
            )
        except ValidationFailed as error:
            return form_page(
                SPEAKER_FORM, error=error, values=data, **_speaker_context(event, speaker)
            )
        return Redirect(event_path(event, "agenda?saved=1#speakers"), status_code=303)

    @get("/manage/events/{slug:str}/agenda/speakers/{speaker_id:int}/delete")
    async def speaker_delete_confirm(
        self, slug: FromPath[str], speaker_id: FromPath[int]
    ) -> Template:
        event = await event_or_404(slug)
        speaker = await _speaker_or_404(event, speaker_id)
        return confirm_delete(
            event,
            gettext("Remove speaker"),
            gettext(
                "Remove %(name)s from this event? They are taken off every session too.",
                name=plain_text(speaker["name"]),
            ),
            event_path(event, f"agenda/speakers/{speaker_id}/delete"),
        )

    @post("/manage/events/{slug:str}/agenda/speakers/{speaker_id:int}/delete")
    async def speaker_delete(
        self, request: Request, slug: FromPath[str], speaker_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        speaker = await _speaker_or_404(event, speaker_id)
        return await act(request, event, "agenda?saved=1#speakers", agenda.delete_speaker, speaker)


async def _session_context(event: dict[str, Any], session: dict[str, Any] | None = None) -> dict:
    return {
        "event": event,
        "section": "agenda",
        "session": session,
        "speakers": await agenda.speakers(event["id"]),
        "session_kinds": event_labels.session_kind_labels(),
        **labels_context(),
    }


async def _session_or_404(event: dict[str, Any], session_id: int) -> dict[str, Any]:
    return found_or_404(await agenda.get_session(event["id"], session_id))


async def _speaker_or_404(event: dict[str, Any], speaker_id: int) -> dict[str, Any]:
    return found_or_404(await agenda.get_speaker(event["id"], speaker_id))


def _speaker_context(event: dict[str, Any], speaker: dict[str, Any] | None = None) -> dict:
    return {"event": event, "section": "agenda", "speaker": speaker, **labels_context()}
