"""Event pages of the registrant's side: registering oneself, a coordinator registering
people of their organization, "My registrations", and each registration's own page (with
its QR code, answers, cancelling and waiting-list offers).

A registration's page answers at two addresses: `/account/registrations/<code>/` for a
signed-in registrant or their coordinator (checked by the `event.registration.registrant`
rule), and `/registrations/<code>/`, the personal link from the e-mails, where the
unguessable code itself is the credential. Numeric ids never appear in these URLs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Response, Template

from core import i18n
from core.access import Viewer, require
from core.content import json_value, plain_text
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, current_language, lazy_gettext
from core.i18n import gettext as _
from core.organizations import country_choices
from core.pages import (
    client_address,
    form_page,
    lang_path,
    role_required,
    signed_in,
    viewer_of,
)
from core.paging import parse_page
from core.tables import Organization, Role
from events.routes.forms import raw_answers
from events.services import mail_context, qrcodes, registrations
from events.services import questions as question_rules
from events.services.registrations import Person
from events.tables import (
    Event,
    EventQuota,
    EventStatus,
    QuestionKind,
    Registration,
    RegistrationStatus,
)

RULE = "event.registration.registrant"
FIRST_ROWS = 3  # rows of an empty group form
ADD_ROWS = 3  # rows "Add rows" adds
MAX_ROWS = 60
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
# CLDR territories that are not countries (groupings and private-use codes).

STATUS_LABELS = {
    RegistrationStatus.pending.value: lazy_gettext("Waiting for approval"),
    RegistrationStatus.confirmed.value: lazy_gettext("Confirmed"),
    RegistrationStatus.waitlisted.value: lazy_gettext("On the waiting list"),
    RegistrationStatus.offered.value: lazy_gettext("Seat offered"),
    RegistrationStatus.rejected.value: lazy_gettext("Not accepted"),
    RegistrationStatus.cancelled.value: lazy_gettext("Cancelled"),
}
STATUS_BADGES = {
    RegistrationStatus.pending.value: "queued",
    RegistrationStatus.confirmed.value: "ok",
    RegistrationStatus.waitlisted.value: "queued",
    RegistrationStatus.offered.value: "queued",
    RegistrationStatus.rejected.value: "failed",
    RegistrationStatus.cancelled.value: "",
}
LIVE = {status.value for status in registrations.LIVE}


def _status_context() -> dict[str, Any]:
    return {
        "status_labels": {key: str(label) for key, label in STATUS_LABELS.items()},
        "status_badges": STATUS_BADGES,
    }


# --- the event and its form -----------------------------------------------------------------


async def _event_or_404(slug: str) -> dict[str, Any]:
    event = await Event.select().where(Event.slug == slug).first()
    if event is None or event["status"] == EventStatus.draft:
        raise NotFoundException()
    return event


def _form_context(event: dict[str, Any], questions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "event": event,
        "event_title": plain_text(event["title"], current_language()),
        "questions": questions,
        "countries": country_choices()
        if any(q["kind"] == QuestionKind.country for q in questions)
        else {},
        "language_names": LANGUAGE_NAMES,
        "when": mail_context.event_when(event),
    }


async def _text(request: Request, name: str) -> str:
    value = (await request.form()).get(name)
    return value.strip() if isinstance(value, str) else ""


def _closed_reason(event: dict[str, Any]) -> str:
    """Why registration is not possible now, in the page language ("" when it is open)."""
    if registrations.registration_is_open(event):
        return ""
    status = event["status"]
    opens = event["registration_opens_at"]
    if status in (EventStatus.finished, EventStatus.archived):
        return _("This event has ended.")
    if status == EventStatus.published or (
        status == EventStatus.registration_open and opens and opens > datetime.now(UTC)
    ):
        if opens:
            return _(
                "Registration opens on %(when)s.",
                when=i18n.format_datetime(opens, event["timezone"]),
            )
        return _("Registration is not open yet.")
    return _("Registration for this event is closed.")


def _message_page(event: dict[str, Any], message: str, status_code: int = 200) -> Template:
    return Template(
        "events/registration/message.html",
        context={
            "event": event,
            "event_title": plain_text(event["title"], current_language()),
            "message": message,
        },
        status_code=status_code,
    )


# --- registering oneself -------------------------------------------------------------------


async def _live_registration_of(event_id: int, email: str) -> dict[str, Any] | None:
    if not email:
        return None
    return (
        await Registration.select(Registration.code, Registration.status)
        .where(Registration.active_key == f"{event_id}:{email.strip().lower()}")
        .first()
    )


def _registration_path(viewer: Viewer, code: str) -> str:
    """Where a registrant follows a registration: their account when signed in."""
    if viewer.is_authenticated:
        return lang_path(f"account/registrations/{code}/")
    return mail_context.personal_path(current_language(), code)


async def _self_form_page(
    request: Request,
    event: dict[str, Any],
    values: dict[str, Any],
    error: ValidationFailed | None = None,
) -> Template:
    viewer = viewer_of(request)
    questions = await question_rules.form_questions(event["id"])
    existing = await _live_registration_of(event["id"], viewer.email)
    return form_page(
        "events/registration/form.html",
        error=error,
        values=values,
        existing=existing,
        existing_path=_registration_path(viewer, existing["code"]) if existing else "",
        may_register_group=viewer.has_role(Role.coordinator) and bool(viewer.organization_ids),
        **_form_context(event, questions),
    )


async def _self_registration_refusal(request: Request, event: dict[str, Any]) -> Response | None:
    """The page to show instead of the form, if any: a closed window, or an event where only
    coordinators register people (they are sent to their form)."""
    if reason := _closed_reason(event):
        return _message_page(event, reason, 200 if request.method == "GET" else 400)
    if not event["self_registration"]:
        viewer = viewer_of(request)
        if viewer.has_role(Role.coordinator) and viewer.organization_ids:
            return Redirect(lang_path(f"events/{event['slug']}/register/group"), status_code=303)
        return _message_page(
            event,
            _("Partner organizations' coordinators register their people for this event."),
            200 if request.method == "GET" else 400,
        )
    return None


@get("/events/{slug:str}/register", name="events:register")
async def register_form(request: Request, slug: FromPath[str]) -> Response:
    event = await _event_or_404(slug)
    if refusal := await _self_registration_refusal(request, event):
        return refusal
    viewer = viewer_of(request)
    values = {"name": viewer.name, "email": viewer.email, "language": current_language()}
    return await _self_form_page(request, event, values)


@post("/events/{slug:str}/register")
async def register_submit(request: Request, slug: FromPath[str]) -> Response:
    event = await _event_or_404(slug)
    if refusal := await _self_registration_refusal(request, event):
        return refusal
    viewer = viewer_of(request)
    questions = await question_rules.form_questions(event["id"])
    raw = await raw_answers(request, questions)
    person = Person(
        name=await _text(request, "name"),
        email=await _text(request, "email"),
        language=await _text(request, "language"),
        answers=raw,
    )
    values = {"name": person.name, "email": person.email, "language": person.language, **raw}
    try:
        ids = await registrations.register(
            event["id"],
            [person],
            user_id=viewer.id,
            client=client_address(request),
        )
    except ValidationFailed as error:
        if not registrations.registration_is_open(await _event_or_404(slug)):
            return _message_page(event, _closed_reason(event) or error.errors.get("", ""), 400)
        return await _self_form_page(request, event, values, error)
    row = await Registration.select(Registration.code).where(Registration.id == ids[0]).first()
    assert row is not None
    return Redirect(f"{_registration_path(viewer, row['code'])}?registered=1", status_code=303)


# --- a coordinator registers people of their organization ----------------------------------


async def _organizations_of(viewer: Viewer) -> list[dict[str, Any]]:
    if not viewer.organization_ids:
        return []
    rows = (
        await Organization.select(Organization.id, Organization.name)
        .where(Organization.id.is_in(sorted(viewer.organization_ids)))
        .order_by(Organization.id)
    )
    for row in rows:
        row["label"] = plain_text(row["name"], current_language())
    return rows


async def _quota(event_id: int, organization_id: int) -> dict[str, int] | None:
    return (
        await EventQuota.select(EventQuota.seats, EventQuota.taken)
        .where((EventQuota.event == event_id) & (EventQuota.organization == organization_id))
        .first()
    )


def _row_count(raw: str) -> int:
    try:
        count = int(raw)
    except ValueError:
        count = FIRST_ROWS
    return min(max(count, FIRST_ROWS), MAX_ROWS)


async def _group_page(
    event: dict[str, Any],
    organizations: list[dict[str, Any]],
    organization_id: int,
    rows: int,
    values: dict[str, Any],
    error: ValidationFailed | None = None,
) -> Template:
    questions = await question_rules.form_questions(event["id"])
    row_errors = {
        row: any(key.startswith(f"{row}.") for key in (error.errors if error else {}))
        for row in range(rows)
    }
    return form_page(
        "events/registration/group.html",
        error=error,
        values=values,
        organizations=organizations,
        organization_id=organization_id,
        quota=await _quota(event["id"], organization_id),
        rows=rows,
        row_errors=row_errors,
        **_form_context(event, questions),
    )


async def _group_setup(
    request: Request, slug: str
) -> tuple[dict[str, Any], list[dict[str, Any]]] | Response:
    event = await _event_or_404(slug)
    if reason := _closed_reason(event):
        return _message_page(event, reason, 200 if request.method == "GET" else 400)
    organizations = await _organizations_of(viewer_of(request))
    if not organizations:
        return _message_page(
            event,
            _("Your account does not act for a partner organization."),
            403,
        )
    return event, organizations


@get("/events/{slug:str}/register/group", guards=[role_required(Role.coordinator)])
async def group_form(request: Request, slug: FromPath[str]) -> Response:
    setup = await _group_setup(request, slug)
    if isinstance(setup, Response):
        return setup
    event, organizations = setup
    values = {f"{row}.language": current_language() for row in range(FIRST_ROWS)}
    return await _group_page(event, organizations, organizations[0]["id"], FIRST_ROWS, values)


def _row_is_empty(person: Person) -> bool:
    answered = [value for value in person.answers.values() if value not in ("", [], None)]
    return not (person.name or person.email or answered)


def _row_errors(errors: dict[str, str], rows: list[int]) -> dict[str, str]:
    """The service names fields by the position among the people sent (`2.email`), or
    without a prefix when only one was sent; the form names them by table row."""
    mapped: dict[str, str] = {}
    for key, message in errors.items():
        if not key:
            mapped[key] = message
            continue
        index, dot, field = key.partition(".")
        if dot and index.isdigit() and int(index) < len(rows):
            mapped[f"{rows[int(index)]}.{field}"] = message
        elif len(rows) == 1:
            mapped[f"{rows[0]}.{key}"] = message
        else:
            mapped[key] = message
    return mapped


@post("/events/{slug:str}/register/group", guards=[role_required(Role.coordinator)])
async def group_submit(request: Request, slug: FromPath[str]) -> Response:
    setup = await _group_setup(request, slug)
    if isinstance(setup, Response):
        return setup
    event, organizations = setup
    viewer = viewer_of(request)
    questions = await question_rules.form_questions(event["id"])
    chosen = await _text(request, "organization")
    organization_id = next(
        (org["id"] for org in organizations if str(org["id"]) == chosen), organizations[0]["id"]
    )
    count = _row_count(await _text(request, "rows"))
    values: dict[str, Any] = {}
    people: list[Person] = []
    filled_rows: list[int] = []
    for row in range(count):
        prefix = f"{row}."
        raw = await raw_answers(request, questions, prefix)
        person = Person(
            name=await _text(request, f"{prefix}name"),
            email=await _text(request, f"{prefix}email"),
            language=await _text(request, f"{prefix}language") or current_language(),
            answers=raw,
        )
        values.update(
            {
                f"{prefix}name": person.name,
                f"{prefix}email": person.email,
                f"{prefix}language": person.language,
                **{f"{prefix}{key}": value for key, value in raw.items()},
            }
        )
        if not _row_is_empty(person):
            people.append(person)
            filled_rows.append(row)

    if await _text(request, "action") == "add":
        added = min(count + ADD_ROWS, MAX_ROWS)
        for row in range(count, added):
            values[f"{row}.language"] = current_language()
        return await _group_page(event, organizations, organization_id, added, values)
    if not people:
        error = ValidationFailed({"": _("Fill in at least one person.")})
        return await _group_page(event, organizations, organization_id, count, values, error)
    try:
        await registrations.register(
            event["id"],
            people,
            organization_id=organization_id,
            actor=viewer,
            client=client_address(request),
        )
    except ValidationFailed as error:
        fresh = await _event_or_404(slug)
        if not registrations.registration_is_open(fresh):
            return _message_page(event, _closed_reason(fresh), 400)
        mapped = ValidationFailed(_row_errors(error.errors, filled_rows))
        return await _group_page(event, organizations, organization_id, count, values, mapped)
    return Redirect(
        lang_path(f"account/registrations/?event={event['slug']}&added={len(people)}"),
        status_code=303,
    )


# --- "My registrations" --------------------------------------------------------------------


@get("/account/registrations/", name="events:my-registrations", guards=[signed_in])
async def my_registrations(
    request: Request,
    status: Annotated[str | None, QueryParameter(name="status")] = None,
    event: Annotated[str | None, QueryParameter(name="event")] = None,
    sort: Annotated[str | None, QueryParameter(name="sort")] = None,
    page: Annotated[str | None, QueryParameter(name="page")] = None,
    added: Annotated[str | None, QueryParameter(name="added")] = None,
) -> Template:
    viewer = viewer_of(request)
    filters = {"status": status or "", "event": event or ""}
    listing, applied = await registrations.registrant_page(
        viewer,
        status=filters["status"],
        event_slug=filters["event"],
        sort=sort or "-date",
        page=parse_page(page),
    )
    events = await registrations.registrant_events(viewer)
    return Template(
        "events/registration/list.html",
        context={
            "page": listing,
            "sort": applied,
            "filters": filters,
            "filter_query": "".join(f"{k}={v}&" for k, v in filters.items() if v),
            "event_choices": [
                (row["slug"], plain_text(row["title"], current_language())) for row in events
            ],
            "added": int(added) if added and added.isdigit() else 0,
            "is_coordinator": viewer.has_role(Role.coordinator) and bool(viewer.organization_ids),
            **_status_context(),
        },
    )


# --- one registration ----------------------------------------------------------------------


def _paths(tail: str) -> list[str]:
    """A registration page's two addresses: through the account, and the personal link."""
    return [f"/account/registrations/{{code:str}}/{tail}", f"/registrations/{{code:str}}/{tail}"]


async def _registration_or_404(request: Request, code: str) -> tuple[dict[str, Any], str]:
    """The registration behind `code` and the address its pages live at, if the reader may
    see it: through the account (the registrant or their coordinator), or the personal link."""
    if not CODE_PATTERN.match(code):
        raise NotFoundException()
    registration = await Registration.select().where(Registration.code == code).first()
    through_account = request.url.path.split("/")[2:3] == ["account"]
    if through_account:
        viewer = viewer_of(request)
        if not viewer.is_authenticated:
            raise NotAuthorizedException()
        if registration is None:
            raise NotFoundException()
        require(viewer, RULE, registration)
        return registration, lang_path(f"account/registrations/{code}/")
    if registration is None:
        raise NotFoundException()
    return registration, mail_context.personal_path(current_language(), code)


async def _detail_page(
    request: Request, code: str, error: ValidationFailed | None = None
) -> Template:
    registration, base = await _registration_or_404(request, code)
    event = await Event.select().where(Event.id == registration["event"]).first()
    assert event is not None
    questions = await question_rules.form_questions(event["id"])
    organization = ""
    if registration["organization"]:
        org = (
            await Organization.select(Organization.name)
            .where(Organization.id == registration["organization"])
            .first()
        )
        organization = plain_text(org["name"], current_language()) if org else ""
    live = registration["status"] in LIVE
    return form_page(
        "events/registration/detail.html",
        error=error,
        registration=registration,
        event=event,
        event_title=plain_text(event["title"], current_language()),
        base=base,
        when=mail_context.event_when(event),
        organization=organization,
        answers=mail_context.answer_rows(questions, registration["answers"]),
        position=await registrations.waitlist_position(registration),
        live=live,
        can_edit=live and bool(questions) and registrations.edits_allowed(event),
        edits_closed=live and bool(questions) and not registrations.edits_allowed(event),
        offer_open=(
            registration["status"] == RegistrationStatus.offered
            and registration["offer_expires_at"] is not None
            and registration["offer_expires_at"] > datetime.now(UTC)
        ),
        language_names=LANGUAGE_NAMES,
        **_status_context(),
    )


@get(_paths(""), name="events:registration")
async def registration_page(request: Request, code: FromPath[str]) -> Template:
    return await _detail_page(request, code)


@get(_paths("qr.png"))
async def registration_qr(request: Request, code: FromPath[str]) -> Response[bytes]:
    registration, _base = await _registration_or_404(request, code)
    if registration["status"] != RegistrationStatus.confirmed:
        raise NotFoundException()
    return Response(
        qrcodes.qr_png(registration["code"]),
        media_type="image/png",
        # Personal: neither shared caches nor the browser's history should keep it.
        headers={"Cache-Control": "private, no-store"},
    )


async def _edit_page(
    request: Request,
    code: str,
    values: dict[str, Any] | None = None,
    error: ValidationFailed | None = None,
) -> Template:
    registration, base = await _registration_or_404(request, code)
    event = await Event.select().where(Event.id == registration["event"]).first()
    assert event is not None
    questions = await question_rules.form_questions(event["id"])
    stored = json_value(registration["answers"]) or {}
    if values is None:
        values = {q["field"]: stored.get(str(q["id"]), "") for q in questions}
    allowed = registration["status"] in LIVE and registrations.edits_allowed(event)
    return form_page(
        "events/registration/edit.html",
        error=error,
        values=values,
        registration=registration,
        base=base,
        allowed=allowed,
        **_form_context(event, questions),
    )


@get(_paths("edit"))
async def edit_form(request: Request, code: FromPath[str]) -> Template:
    return await _edit_page(request, code)


@post(_paths("edit"))
async def edit_submit(request: Request, code: FromPath[str]) -> Response:
    registration, base = await _registration_or_404(request, code)
    questions = await question_rules.form_questions(registration["event"])
    raw = await raw_answers(request, questions)
    viewer = viewer_of(request)
    try:
        await registrations.update_answers(
            registration["id"], raw, actor=viewer if viewer.is_authenticated else None
        )
    except ValidationFailed as error:
        return await _edit_page(request, code, raw, error)
    return Redirect(f"{base}?saved=1", status_code=303)


def _confirm_page(
    registration: dict[str, Any],
    event: dict[str, Any],
    base: str,
    action: str,
    error: ValidationFailed | None = None,
) -> Template:
    return form_page(
        "events/registration/confirm.html",
        error=error,
        registration=registration,
        event=event,
        base=base,
        action=action,
        when=mail_context.event_when(event),
    )


async def _confirm_context(
    request: Request, code: str
) -> tuple[dict[str, Any], dict[str, Any], str]:
    registration, base = await _registration_or_404(request, code)
    event = await Event.select().where(Event.id == registration["event"]).first()
    assert event is not None
    return registration, event, base


@get(_paths("cancel"))
async def cancel_form(request: Request, code: FromPath[str]) -> Response:
    registration, event, base = await _confirm_context(request, code)
    if registration["status"] not in LIVE:
        return Redirect(base, status_code=303)
    return _confirm_page(registration, event, base, "cancel")


@get(_paths("decline"))
async def decline_form(request: Request, code: FromPath[str]) -> Response:
    registration, event, base = await _confirm_context(request, code)
    if registration["status"] != RegistrationStatus.offered:
        return Redirect(base, status_code=303)
    return _confirm_page(registration, event, base, "decline")


async def _cancel(request: Request, code: str, action: str, done: str) -> Response:
    registration, event, base = await _confirm_context(request, code)
    viewer = viewer_of(request)
    try:
        if action == "decline" and registration["status"] != RegistrationStatus.offered:
            raise ValidationFailed({"": _("This offer is no longer open.")})
        await registrations.cancel(
            registration["id"],
            actor=viewer if viewer.is_authenticated else None,
            client=client_address(request),
        )
    except ValidationFailed as error:
        return _confirm_page(registration, event, base, action, error)
    return Redirect(f"{base}?{done}=1", status_code=303)


@post(_paths("cancel"))
async def cancel_submit(request: Request, code: FromPath[str]) -> Response:
    return await _cancel(request, code, "cancel", "cancelled")


@post(_paths("decline"))
async def decline_submit(request: Request, code: FromPath[str]) -> Response:
    return await _cancel(request, code, "decline", "declined")


@post(_paths("accept"))
async def accept_submit(request: Request, code: FromPath[str]) -> Response:
    registration, base = await _registration_or_404(request, code)
    try:
        await registrations.accept_offer(registration["id"])
    except ValidationFailed as error:
        return await _detail_page(request, code, error)
    return Redirect(f"{base}?accepted=1", status_code=303)


pages = [
    register_form,
    register_submit,
    group_form,
    group_submit,
    my_registrations,
    registration_page,
    registration_qr,
    edit_form,
    edit_submit,
    cancel_form,
    cancel_submit,
    decline_form,
    decline_submit,
    accept_submit,
]
api: list[object] = []
routes: list[object] = []
