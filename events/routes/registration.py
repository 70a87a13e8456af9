"""Event pages of the registrant's side: registering oneself, a coordinator registering
people of their organization, "My registrations", and each registration's own page (with
its QR code, answers, cancelling and waiting-list offers).

A registration's page answers at two addresses: `/account/registrations/<code>/` for a
signed-in registrant or their coordinator (checked by the `event.registration.registrant`
rule), and `/registrations/<code>/`, the personal link from the e-mails, where the
unguessable code itself is the credential. Numeric ids never appear in these URLs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Response, Template

from core import i18n
from core.access import Viewer
from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, current_language, lazy_gettext
from core.i18n import gettext as _
from core.organizations import country_choices
from core.pages import (
    NO_STORE,
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
from events.services import mail_context, registrant_lists, registrations
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


def status_context() -> dict[str, Any]:
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


def form_context(event: dict[str, Any], questions: list[dict[str, Any]]) -> dict[str, Any]:
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
        **form_context(event, questions),
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


class SelfRegistrationController(Controller):
    """Registering oneself for an event."""

    @get("/events/{slug:str}/register", name="events:register")
    async def register_form(self, request: Request, slug: FromPath[str]) -> Response:
        event = await _event_or_404(slug)
        if refusal := await _self_registration_refusal(request, event):
            return refusal
        viewer = viewer_of(request)
        values = {"name": viewer.name, "email": viewer.email, "language": current_language()}
        return await _self_form_page(request, event, values)

    @post("/events/{slug:str}/register")
    async def register_submit(self, request: Request, slug: FromPath[str]) -> Response:
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


class GroupRegistrationController(Controller):
    """A partner organization's coordinator registering several people at once."""

    guards = [role_required(Role.coordinator)]

    @get("/events/{slug:str}/register/group")
    async def group_form(self, request: Request, slug: FromPath[str]) -> Response:
        setup = await _group_setup(request, slug)
        if isinstance(setup, Response):
            return setup
        event, organizations = setup
        values = {f"{row}.language": current_language() for row in range(FIRST_ROWS)}
        return await _group_page(event, organizations, organizations[0]["id"], FIRST_ROWS, values)

    @post("/events/{slug:str}/register/group")
    async def group_submit(self, request: Request, slug: FromPath[str]) -> Response:
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


class MyRegistrationsController(Controller):
    """A signed-in person's registrations (a coordinator's: their organization's)."""

    guards = [signed_in]
    cache_control = NO_STORE

    @get("/account/registrations/", name="events:my-registrations")
    async def my_registrations(
        self,
        request: Request,
        status: Annotated[str | None, QueryParameter(name="status")] = None,
        event: Annotated[str | None, QueryParameter(name="event")] = None,
        sort: Annotated[str | None, QueryParameter(name="sort")] = None,
        page: Annotated[str | None, QueryParameter(name="page")] = None,
        added: Annotated[str | None, QueryParameter(name="added")] = None,
    ) -> Template:
        viewer = viewer_of(request)
        filters = {"status": status or "", "event": event or ""}
        listing, applied = await registrant_lists.registrant_page(
            viewer,
            status=filters["status"],
            event_slug=filters["event"],
            sort=sort or "-date",
            page=parse_page(page),
        )
        events = await registrant_lists.registrant_events(viewer)
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
                "is_coordinator": viewer.has_role(Role.coordinator)
                and bool(viewer.organization_ids),
                **status_context(),
            },
        )


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
        **form_context(event, questions),
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


# --- one registration ----------------------------------------------------------------------
