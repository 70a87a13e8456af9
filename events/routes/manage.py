"""The organizers' side of events: the list, the event form, its life cycle, the agenda with
speakers, seats reserved per partner organization, and the registration form's questions.

Organizers only (admins). Handlers parse the request, call a service and render; the rules
live in `events.services.events` and `events.services.agenda`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import File, Redirect, Template

from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, gettext
from core.pages import (
    client_address,
    form_data,
    form_lists,
    form_page,
    found_or_404,
    lang_path,
    role_required,
    stored_image,
    uploaded_file,
    viewer_of,
)
from core.paging import parse_page
from core.routes.account import COMMON_ZONES
from events.services import agenda, lifecycle
from events.services import events as event_rules
from events.services import labels as event_labels
from events.services import questions as question_rules
from events.services import quotas as quota_rules

ADMINS = [role_required()]
EVENT_FORM = "events/manage/form.html"
SESSION_FORM = "events/manage/session_form.html"
SPEAKER_FORM = "events/manage/speaker_form.html"
QUESTION_FORM = "events/manage/question_form.html"
CONFIRM = "events/manage/confirm.html"

Query = Annotated[str | None, QueryParameter()]


def _q(value: str | None) -> str:
    return (value or "").strip()


async def _event_or_404(slug: str) -> dict[str, Any]:
    return found_or_404(await event_rules.get(slug))


def _labels() -> dict[str, Any]:
    return {
        "kinds": event_labels.kind_labels(),
        "statuses": event_labels.status_labels(),
        "content_languages": LANGUAGES,
    }


def _event_path(event: dict[str, Any], rest: str = "") -> str:
    return lang_path(f"manage/events/{event['slug']}/{rest}")


# --- the list and the event form -------------------------------------------------------------


@get("/manage/events/", guards=ADMINS)
async def event_list(
    status: Query = None,
    kind: Query = None,
    sort: Query = None,
    page: Query = None,
) -> Template:
    filters = {"status": _q(status), "kind": _q(kind)}
    listing, applied = await event_rules.list_page(
        status=filters["status"],
        kind=filters["kind"],
        sort=_q(sort) or "-starts",
        page=parse_page(page),
    )
    return Template(
        "events/manage/list.html",
        context={
            "page": listing,
            "sort": applied,
            "filters": filters,
            "filter_query": "".join(f"{k}={v}&" for k, v in filters.items() if v),
            **_labels(),
        },
    )


async def _form_context(event: dict[str, Any] | None = None) -> dict[str, Any]:
    zones = list(COMMON_ZONES)
    if event is not None and event["timezone"] not in zones:
        zones.append(event["timezone"])
    return {
        "zones": zones,
        "organizations": await event_rules.organizations(),
        "event": event,
        **_labels(),
    }


@get("/manage/events/new", guards=ADMINS)
async def event_new() -> Template:
    return form_page(EVENT_FORM, values=event_rules.new_form_values(), **await _form_context())


@post("/manage/events/new", guards=ADMINS)
async def event_create(request: Request) -> Template | Redirect:
    data = await form_data(request)
    try:
        slug = await event_rules.create(
            viewer_of(request), data, await uploaded_file(request, "cover"), client_address(request)
        )
    except ValidationFailed as error:
        return form_page(EVENT_FORM, error=error, values=data, **await _form_context())
    return Redirect(lang_path(f"manage/events/{slug}/?saved=1"), status_code=303)


@get("/manage/events/{slug:str}/edit", guards=ADMINS)
async def event_edit(slug: FromPath[str]) -> Template:
    event = await _event_or_404(slug)
    host = await _host(event)
    values = event_rules.form_values(event, host["slug"] if host else "")
    return form_page(EVENT_FORM, values=values, **await _form_context(event))


@post("/manage/events/{slug:str}/edit", guards=ADMINS)
async def event_update(request: Request, slug: FromPath[str]) -> Template | Redirect:
    event = await _event_or_404(slug)
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


# --- the overview and the life cycle ---------------------------------------------------------


async def _host(event: dict[str, Any]) -> dict[str, Any] | None:
    rows = await event_rules.organizations()
    return next((row for row in rows if row["id"] == event["host_organization"]), None)


async def _overview(event: dict[str, Any], error: ValidationFailed | None = None) -> Template:
    found = await agenda.clashes(event["id"])
    return Template(
        "events/manage/overview.html",
        context={
            "event": event,
            "section": "overview",
            "summary": await event_rules.summary(event),
            "transitions": lifecycle.allowed_transitions(event["status"]),
            "missing": event_rules.missing_translations(event),
            "agenda_untranslated": await agenda.untranslated(event["id"]),
            "clashes": [str(clash) for clash in found],
            "refusal": error.errors.get("") if error else "",
            "registration_statuses": event_labels.registration_status_labels(),
            "host": await _host(event),
            **_labels(),
        },
        status_code=400 if error else 200,
    )


@get("/manage/events/{slug:str}/", guards=ADMINS)
async def event_overview(slug: FromPath[str]) -> Template:
    return await _overview(await _event_or_404(slug))


@post("/manage/events/{slug:str}/status", guards=ADMINS)
async def event_status(request: Request, slug: FromPath[str]) -> Template | Redirect:
    event = await _event_or_404(slug)
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
                "action": _event_path(event, "status"),
                "fields": {"to": target, "confirmed": "yes"},
                "button": str(step.label),
                "back": _event_path(event),
            },
        )
    try:
        await lifecycle.change_status(viewer_of(request), event, target, client_address(request))
    except ValidationFailed as error:
        return await _overview(event, error)
    return Redirect(_event_path(event, "?saved=1"), status_code=303)


@get("/manage/events/media/{name:str}", guards=ADMINS, include_in_schema=False)
async def event_media(name: FromPath[str]) -> File:
    """Covers and speaker photos for the organizers' own pages."""
    return stored_image(
        event_rules.MEDIA_FOLDER, name, headers={"Cache-Control": "private, max-age=3600"}
    )


# --- the agenda ------------------------------------------------------------------------------


@get("/manage/events/{slug:str}/agenda", guards=ADMINS)
async def agenda_page(slug: FromPath[str]) -> Template:
    event = await _event_or_404(slug)
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
            **_labels(),
        },
    )


async def _session_context(event: dict[str, Any], session: dict[str, Any] | None = None) -> dict:
    return {
        "event": event,
        "section": "agenda",
        "session": session,
        "speakers": await agenda.speakers(event["id"]),
        "session_kinds": event_labels.session_kind_labels(),
        **_labels(),
    }


async def _session_or_404(event: dict[str, Any], session_id: int) -> dict[str, Any]:
    return found_or_404(await agenda.get_session(event["id"], session_id))


@get("/manage/events/{slug:str}/agenda/sessions/new", guards=ADMINS)
async def session_new(slug: FromPath[str]) -> Template:
    event = await _event_or_404(slug)
    return form_page(
        SESSION_FORM,
        values=agenda.new_session_values(event),
        chosen=[],
        **await _session_context(event),
    )


@post("/manage/events/{slug:str}/agenda/sessions/new", guards=ADMINS)
async def session_create(request: Request, slug: FromPath[str]) -> Template | Redirect:
    event = await _event_or_404(slug)
    data = await form_data(request)
    chosen = await form_lists(request, "speakers")
    try:
        await agenda.create_session(
            viewer_of(request), event, data, chosen, client_address(request)
        )
    except ValidationFailed as error:
        return form_page(
            SESSION_FORM, error=error, values=data, chosen=chosen, **await _session_context(event)
        )
    return Redirect(_event_path(event, "agenda?saved=1"), status_code=303)


@get("/manage/events/{slug:str}/agenda/sessions/{session_id:int}/edit", guards=ADMINS)
async def session_edit(slug: FromPath[str], session_id: FromPath[int]) -> Template:
    event = await _event_or_404(slug)
    session = await _session_or_404(event, session_id)
    return form_page(
        SESSION_FORM,
        values=agenda.session_form_values(session, event["timezone"]),
        chosen=[str(i) for i in session["speaker_ids"]],
        **await _session_context(event, session),
    )


@post("/manage/events/{slug:str}/agenda/sessions/{session_id:int}/edit", guards=ADMINS)
async def session_update(
    request: Request, slug: FromPath[str], session_id: FromPath[int]
) -> Template | Redirect:
    event = await _event_or_404(slug)
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
    return Redirect(_event_path(event, "agenda?saved=1"), status_code=303)


async def _act(
    request: Request,
    event: dict[str, Any],
    then: str,
    action: Callable[..., Awaitable[Any]],
    *args: Any,
) -> Template | Redirect:
    """Run `action(viewer, event, *args, client)`, then on to `then` (a path under the event);
    the overview with the reason when the service refuses."""
    try:
        await action(viewer_of(request), event, *args, client_address(request))
    except ValidationFailed as error:
        return await _overview(event, error)
    return Redirect(_event_path(event, then), status_code=303)


def _confirm_delete(event: dict[str, Any], heading: str, question: str, action: str) -> Template:
    return Template(
        CONFIRM,
        context={
            "event": event,
            "heading": heading,
            "question": question,
            "action": action,
            "fields": {},
            "button": heading,
            "back": _event_path(event, "agenda" if "/agenda/" in action else "questions"),
            "danger": True,
        },
    )


@get("/manage/events/{slug:str}/agenda/sessions/{session_id:int}/delete", guards=ADMINS)
async def session_delete_confirm(slug: FromPath[str], session_id: FromPath[int]) -> Template:
    event = await _event_or_404(slug)
    session = await _session_or_404(event, session_id)
    title = plain_text(session["title"])
    return _confirm_delete(
        event,
        gettext("Delete session"),
        gettext("Delete the session “%(title)s” from the agenda?", title=title),
        _event_path(event, f"agenda/sessions/{session_id}/delete"),
    )


@post("/manage/events/{slug:str}/agenda/sessions/{session_id:int}/delete", guards=ADMINS)
async def session_delete(
    request: Request, slug: FromPath[str], session_id: FromPath[int]
) -> Template | Redirect:
    event = await _event_or_404(slug)
    session = await _session_or_404(event, session_id)
    return await _act(request, event, "agenda?saved=1", agenda.delete_session, session)


async def _speaker_or_404(event: dict[str, Any], speaker_id: int) -> dict[str, Any]:
    return found_or_404(await agenda.get_speaker(event["id"], speaker_id))


def _speaker_context(event: dict[str, Any], speaker: dict[str, Any] | None = None) -> dict:
    return {"event": event, "section": "agenda", "speaker": speaker, **_labels()}


@get("/manage/events/{slug:str}/agenda/speakers/new", guards=ADMINS)
async def speaker_new(slug: FromPath[str]) -> Template:
    event = await _event_or_404(slug)
    return form_page(SPEAKER_FORM, values={"source_language": "zh"}, **_speaker_context(event))


@post("/manage/events/{slug:str}/agenda/speakers/new", guards=ADMINS)
async def speaker_create(request: Request, slug: FromPath[str]) -> Template | Redirect:
    event = await _event_or_404(slug)
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
    return Redirect(_event_path(event, "agenda?saved=1#speakers"), status_code=303)


@get("/manage/events/{slug:str}/agenda/speakers/{speaker_id:int}/edit", guards=ADMINS)
async def speaker_edit(slug: FromPath[str], speaker_id: FromPath[int]) -> Template:
    event = await _event_or_404(slug)
    speaker = await _speaker_or_404(event, speaker_id)
    return form_page(
        SPEAKER_FORM,
        values=agenda.speaker_form_values(speaker),
        **_speaker_context(event, speaker),
    )


@post("/manage/events/{slug:str}/agenda/speakers/{speaker_id:int}/edit", guards=ADMINS)
async def speaker_update(
    request: Request, slug: FromPath[str], speaker_id: FromPath[int]
) -> Template | Redirect:
    event = await _event_or_404(slug)
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
        return form_page(SPEAKER_FORM, error=error, values=data, **_speaker_context(event, speaker))
    return Redirect(_event_path(event, "agenda?saved=1#speakers"), status_code=303)


@get("/manage/events/{slug:str}/agenda/speakers/{speaker_id:int}/delete", guards=ADMINS)
async def speaker_delete_confirm(slug: FromPath[str], speaker_id: FromPath[int]) -> Template:
    event = await _event_or_404(slug)
    speaker = await _speaker_or_404(event, speaker_id)
    return _confirm_delete(
        event,
        gettext("Remove speaker"),
        gettext(
            "Remove %(name)s from this event? They are taken off every session too.",
            name=plain_text(speaker["name"]),
        ),
        _event_path(event, f"agenda/speakers/{speaker_id}/delete"),
    )


@post("/manage/events/{slug:str}/agenda/speakers/{speaker_id:int}/delete", guards=ADMINS)
async def speaker_delete(
    request: Request, slug: FromPath[str], speaker_id: FromPath[int]
) -> Template | Redirect:
    event = await _event_or_404(slug)
    speaker = await _speaker_or_404(event, speaker_id)
    return await _act(request, event, "agenda?saved=1#speakers", agenda.delete_speaker, speaker)


# --- quotas ----------------------------------------------------------------------------------


async def _quotas_page(
    event: dict[str, Any],
    error: ValidationFailed | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    return form_page(
        "events/manage/quotas.html",
        error=error,
        values=values or {},
        event=event,
        section="quotas",
        quotas=await quota_rules.quotas(event["id"]),
        summary=await event_rules.summary(event),
        organizations=await event_rules.organizations(),
        **_labels(),
    )


@get("/manage/events/{slug:str}/quotas", guards=ADMINS)
async def quota_page(slug: FromPath[str]) -> Template:
    return await _quotas_page(await _event_or_404(slug))


@post("/manage/events/{slug:str}/quotas", guards=ADMINS)
async def quota_save(request: Request, slug: FromPath[str]) -> Template | Redirect:
    event = await _event_or_404(slug)
    data = await form_data(request)
    try:
        await quota_rules.set_quota(
            viewer_of(request),
            event,
            data.get("organization", ""),
            data.get("seats", ""),
            client_address(request),
        )
    except ValidationFailed as error:
        return await _quotas_page(event, error, data)
    return Redirect(_event_path(event, "quotas?saved=1"), status_code=303)


# --- the registration form -------------------------------------------------------------------


async def _question_or_404(event: dict[str, Any], question_id: int) -> dict[str, Any]:
    return found_or_404(await question_rules.get_question(event["id"], question_id))


def _question_context(
    event: dict[str, Any], values: dict[str, str], question: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "event": event,
        "section": "questions",
        "question": question,
        "question_kinds": event_labels.question_kind_labels(),
        "option_rows": question_rules.option_rows(values),
        "choice_kinds": question_rules.CHOICE_KINDS,
        **_labels(),
    }


@get("/manage/events/{slug:str}/questions", guards=ADMINS)
async def question_list(slug: FromPath[str]) -> Template:
    event = await _event_or_404(slug)
    return Template(
        "events/manage/questions.html",
        context={
            "event": event,
            "section": "questions",
            "questions": await question_rules.questions(event["id"]),
            "question_kinds": event_labels.question_kind_labels(),
            "choice_kinds": question_rules.CHOICE_KINDS,
            **_labels(),
        },
    )


@get("/manage/events/{slug:str}/questions/new", guards=ADMINS)
async def question_new(slug: FromPath[str]) -> Template:
    event = await _event_or_404(slug)
    values = {"source_language": "zh", "kind": "text"}
    return form_page(QUESTION_FORM, values=values, **_question_context(event, values))


@post("/manage/events/{slug:str}/questions/new", guards=ADMINS)
async def question_create(request: Request, slug: FromPath[str]) -> Template | Redirect:
    event = await _event_or_404(slug)
    data = await form_data(request)
    try:
        await question_rules.add_question(viewer_of(request), event, data, client_address(request))
    except ValidationFailed as error:
        return form_page(QUESTION_FORM, error=error, values=data, **_question_context(event, data))
    return Redirect(_event_path(event, "questions?saved=1"), status_code=303)


@get("/manage/events/{slug:str}/questions/{question_id:int}/edit", guards=ADMINS)
async def question_edit(slug: FromPath[str], question_id: FromPath[int]) -> Template:
    event = await _event_or_404(slug)
    question = await _question_or_404(event, question_id)
    values = question_rules.question_form_values(question)
    return form_page(QUESTION_FORM, values=values, **_question_context(event, values, question))


@post("/manage/events/{slug:str}/questions/{question_id:int}/edit", guards=ADMINS)
async def question_update(
    request: Request, slug: FromPath[str], question_id: FromPath[int]
) -> Template | Redirect:
    event = await _event_or_404(slug)
    question = await _question_or_404(event, question_id)
    data = await form_data(request)
    try:
        await question_rules.update_question(
            viewer_of(request), event, question, data, client_address(request)
        )
    except ValidationFailed as error:
        return form_page(
            QUESTION_FORM, error=error, values=data, **_question_context(event, data, question)
        )
    return Redirect(_event_path(event, "questions?saved=1"), status_code=303)


@get("/manage/events/{slug:str}/questions/{question_id:int}/delete", guards=ADMINS)
async def question_delete_confirm(slug: FromPath[str], question_id: FromPath[int]) -> Template:
    event = await _event_or_404(slug)
    question = await _question_or_404(event, question_id)
    return _confirm_delete(
        event,
        gettext("Remove question"),
        gettext(
            "Remove the question “%(label)s” from the registration form? Answers already "
            "given stay with the registrations but are no longer shown.",
            label=plain_text(question["label"]),
        ),
        _event_path(event, f"questions/{question_id}/delete"),
    )


@post("/manage/events/{slug:str}/questions/{question_id:int}/delete", guards=ADMINS)
async def question_delete(
    request: Request, slug: FromPath[str], question_id: FromPath[int]
) -> Template | Redirect:
    event = await _event_or_404(slug)
    question = await _question_or_404(event, question_id)
    return await _act(request, event, "questions?saved=1", question_rules.remove_question, question)


@post("/manage/events/{slug:str}/questions/{question_id:int}/move", guards=ADMINS)
async def question_move(
    request: Request, slug: FromPath[str], question_id: FromPath[int]
) -> Template | Redirect:
    event = await _event_or_404(slug)
    question = await _question_or_404(event, question_id)
    step = -1 if (await form_data(request)).get("direction") == "up" else 1
    then = f"questions#q{question_id}"
    return await _act(request, event, then, question_rules.move_question, question, step)


pages = [
    event_list,
    event_new,
    event_create,
    event_media,
    event_overview,
    event_edit,
    event_update,
    event_status,
    agenda_page,
    session_new,
    session_create,
    session_edit,
    session_update,
    session_delete_confirm,
    session_delete,
    speaker_new,
    speaker_create,
    speaker_edit,
    speaker_update,
    speaker_delete_confirm,
    speaker_delete,
    quota_page,
    quota_save,
    question_list,
    question_new,
    question_create,
    question_edit,
    question_update,
    question_delete_confirm,
    question_delete,
    question_move,
]
api: list[object] = []
routes: list[object] = []
