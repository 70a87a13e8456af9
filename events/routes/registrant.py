"""One registration's own pages, reached by its personal link (the link is the credential):
status, QR code, answers, cancelling, and accepting or declining an offered seat."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from core.access import require
from core.content import json_value, plain_text
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, current_language
from core.i18n import gettext as _
from core.pages import (
    NO_STORE,
    client_address,
    form_page,
    lang_path,
    viewer_of,
)
from core.tables import Organization
from events.routes.forms import raw_answers
from events.routes.registration import LIVE, RULE, form_context, status_context
from events.services import mail_context, qrcodes, registrations
from events.services import questions as question_rules
from events.tables import (
    Event,
    Registration,
    RegistrationStatus,
)

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,40}$")


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
        **status_context(),
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
        **form_context(event, questions),
    )


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


class RegistrantController(Controller):
    """One registration's own pages, reached by its personal link: status, QR code, answers,
    cancelling, and accepting or declining an offered seat."""

    cache_control = NO_STORE

    @get(_paths(""), name="events:registration")
    async def registration_page(self, request: Request, code: FromPath[str]) -> Template:
        return await _detail_page(request, code)

    @get(_paths("qr.png"))
    async def registration_qr(self, request: Request, code: FromPath[str]) -> Response[bytes]:
        registration, _base = await _registration_or_404(request, code)
        if registration["status"] != RegistrationStatus.confirmed:
            raise NotFoundException()
        return Response(
            qrcodes.qr_png(registration["code"]),
            media_type="image/png",
            # Personal: neither shared caches nor the browser's history should keep it.
        )

    @get(_paths("edit"))
    async def edit_form(self, request: Request, code: FromPath[str]) -> Template:
        return await _edit_page(request, code)

    @post(_paths("edit"))
    async def edit_submit(self, request: Request, code: FromPath[str]) -> Response:
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

    @get(_paths("cancel"))
    async def cancel_form(self, request: Request, code: FromPath[str]) -> Response:
        registration, event, base = await _confirm_context(request, code)
        if registration["status"] not in LIVE:
            return Redirect(base, status_code=303)
        return _confirm_page(registration, event, base, "cancel")

    @post(_paths("cancel"))
    async def cancel_submit(self, request: Request, code: FromPath[str]) -> Response:
        return await _cancel(request, code, "cancel", "cancelled")

    @get(_paths("decline"))
    async def decline_form(self, request: Request, code: FromPath[str]) -> Response:
        registration, event, base = await _confirm_context(request, code)
        if registration["status"] != RegistrationStatus.offered:
            return Redirect(base, status_code=303)
        return _confirm_page(registration, event, base, "decline")

    @post(_paths("decline"))
    async def decline_submit(self, request: Request, code: FromPath[str]) -> Response:
        return await _cancel(request, code, "decline", "declined")

    @post(_paths("accept"))
    async def accept_submit(self, request: Request, code: FromPath[str]) -> Response:
        registration, base = await _registration_or_404(request, code)
        try:
            await registrations.accept_offer(registration["id"])
        except ValidationFailed as error:
            return await _detail_page(request, code, error)
        return Redirect(f"{base}?accepted=1", status_code=303)
