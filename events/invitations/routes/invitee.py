"""The invitee's pages, under /invitations/<token>/: the personal page behind the links of the
e-mail, where they accept or decline, and the registration form filled in from their
invitation. The opaque token is the only thing in those addresses, and the only key: anyone
holding the link may answer, as the e-mail's recipient does."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core import i18n
from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, current_language, gettext
from core.organizations import country_choices
from core.pages import NO_STORE, client_address, form_data, form_page, found_or_404, viewer_of
from core.tables import Organization
from events.invitations.services import answers, labels
from events.invitations.tables import Answer, Kind
from events.routes.forms import raw_answers
from events.services import mail_context, registrations
from events.services.questions import form_questions
from events.tables import Event, EventStatus, Registration

ANSWER = "events/invitations/answer.html"
REGISTER = "events/invitations/register.html"

Query = Annotated[str | None, QueryParameter(required=False)]


async def _by_token(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    invitation = found_or_404(await answers.by_token(token))
    event = found_or_404(await Event.select().where(Event.id == invitation["event"]).first())
    return invitation, event


def _closed_message(event: dict[str, Any]) -> str:
    """Why the invitee cannot register right now ("" when they can)."""
    if registrations.registration_is_open(event):
        return ""
    opens = event["registration_opens_at"]
    if event["status"] in (EventStatus.finished, EventStatus.archived):
        return gettext("This event has ended.")
    if opens and event["status"] in (EventStatus.published, EventStatus.registration_open):
        return gettext(
            "Registration opens on %(when)s. Your answer is recorded: come back through the "
            "link in your e-mail then.",
            when=i18n.format_datetime(opens, event["timezone"]),
        )
    return gettext("Registration for this event is not open at the moment.")


async def _organization_name(organization_id: int | None, lang: str) -> str:
    if organization_id is None:
        return ""
    row = await Organization.select(Organization.name).where(Organization.id == organization_id)
    return plain_text(row[0]["name"], lang) if row else ""


async def _answer_page(
    token: str,
    choice: str = "",
    error: ValidationFailed | None = None,
    answered: str = "",
) -> Template:
    invitation, event = await _by_token(token)
    lang = current_language()
    registration = await answers.live_registration(invitation)
    return form_page(
        ANSWER,
        error=error,
        invitation=invitation,
        event=event,
        token=token,
        choice=choice,
        answered=answered,
        expired=answers.is_expired(invitation),
        when=mail_context.event_when(event),
        organization=await _organization_name(invitation["organization"], lang),
        registration=registration,
        registration_path=(
            mail_context.personal_path(lang, registration["code"]) if registration else ""
        ),
        registration_open=registrations.registration_is_open(event),
        closed_message=_closed_message(event),
        answers=labels.answer_labels(),
    )


async def _register_page(
    request: Request,
    token: str,
    values: dict[str, Any] | None = None,
    error: ValidationFailed | None = None,
    accepted: bool = False,
) -> Response:
    invitation, event = await _by_token(token)
    lang = current_language()
    registration = await answers.live_registration(invitation)
    if registration is not None and error is None:
        return Redirect(mail_context.personal_path(lang, registration["code"]), status_code=303)
    questions = await form_questions(event["id"])
    closed = _closed_message(event)
    expired = answers.is_expired(invitation)
    return form_page(
        REGISTER,
        error=error,
        values=values if values is not None else answers.prefill(invitation, lang),
        invitation=invitation,
        event=event,
        token=token,
        accepted=accepted,
        expired=expired,
        closed_message=closed,
        event_title=plain_text(event["title"], lang),
        when=mail_context.event_when(event),
        questions=questions,
        countries=country_choices() if any(q["kind"] == "country" for q in questions) else {},
        language_names=LANGUAGE_NAMES,
        status_code=400 if error or (request.method == "POST" and (closed or expired)) else 200,
    )


class InviteeInvitations(Controller):
    """One invitee's personal pages: never cached, since each shows one person's invitation."""

    path = "/invitations/{token:str}"
    cache_control = NO_STORE

    @get("/", name="events:invitation")
    async def invitation_page(self, token: FromPath[str], answered: Query = None) -> Template:
        shown = answered if answered in (Answer.accepted, Answer.declined) else ""
        return await _answer_page(token, answered=shown or "")

    @get("/accept")
    async def accept_form(self, token: FromPath[str]) -> Template:
        return await _answer_page(token, choice=Answer.accepted)

    @get("/decline")
    async def decline_form(self, token: FromPath[str]) -> Template:
        return await _answer_page(token, choice=Answer.declined)

    @post("/accept")
    async def accept_submit(self, request: Request, token: FromPath[str]) -> Response:
        invitation, _event = await _by_token(token)
        try:
            await answers.accept(invitation, client_address(request))
        except ValidationFailed as error:
            return await _answer_page(token, Answer.accepted, error)
        own = f"/{current_language()}/invitations/{token}/"
        if (
            invitation["kind"] != Kind.organization
            and await answers.live_registration(invitation) is None
        ):
            # Accepting goes straight on to registering, with the form filled in.
            return Redirect(f"{own}register?accepted=1", status_code=303)
        return Redirect(f"{own}?answered={Answer.accepted.value}", status_code=303)

    @post("/decline")
    async def decline_submit(self, request: Request, token: FromPath[str]) -> Response:
        invitation, _event = await _by_token(token)
        try:
            await answers.decline(invitation, client_address(request))
        except ValidationFailed as error:
            return await _answer_page(token, Answer.declined, error)
        own = f"/{current_language()}/invitations/{token}/"
        return Redirect(f"{own}?answered={Answer.declined.value}", status_code=303)

    @get("/register")
    async def register_form(
        self, request: Request, token: FromPath[str], accepted: Query = None
    ) -> Response:
        return await _register_page(request, token, accepted=accepted == "1")

    @post("/register")
    async def register_submit(self, request: Request, token: FromPath[str]) -> Response:
        invitation, event = await _by_token(token)
        questions = await form_questions(event["id"])
        raw = await raw_answers(request, questions)
        data = await form_data(request)
        name = data.get("name", "")
        language = data.get("language", "")
        values = {"name": name, "email": invitation["email"], "language": language, **raw}
        if answers.is_expired(invitation) or _closed_message(event):
            return await _register_page(request, token, values)
        try:
            registration_id = await answers.register(
                invitation,
                name,
                language,
                raw,
                viewer=viewer_of(request),
                client=client_address(request),
            )
        except ValidationFailed as error:
            return await _register_page(request, token, values, error)
        row = await Registration.select(Registration.code).where(Registration.id == registration_id)
        path = mail_context.personal_path(current_language(), row[0]["code"])
        return Redirect(f"{path}?registered=1", status_code=303)
