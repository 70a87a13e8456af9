"""Invitation pages. Organizers (under /manage/events/<slug>/invitations/): choose recipients
and write the text, preview it in each language, send it and watch the progress, retry failed
sends, resend on purpose, and follow every invitation in the tracking table (with exports).

Recipients (under /invitations/<token>/): the personal page behind the links of the e-mail,
where they accept or decline, and the registration form filled in from their invitation. The
opaque token is the only thing in those addresses; the rules live in
`events.services.invitations`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core import i18n
from core.access import ANONYMOUS, Viewer, require, role_labels
from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, gettext
from core.moments import local_input
from core.organizations import country_choices
from core.pages import client_address, form_data, form_lists, form_page, lang_path, viewer_of
from core.paging import parse_page
from core.tables import Organization
from events.routes.forms import raw_answers
from events.services import invitations as rules
from events.services import mail_context, registrations
from events.services import questions as question_rules
from events.services.labels import registration_status_labels
from events.tables import Event, EventStatus, Registration

INVITE = "event.invite"
FORM = "events/invitations/form.html"
CAMPAIGN = "events/invitations/campaign.html"
TRACKING = "events/invitations/index.html"
CONFIRM = "events/manage/confirm.html"
ANSWER = "events/invitations/answer.html"
REGISTER = "events/invitations/register.html"
NO_STORE = {"cache-control": "private, no-store"}

Query = Annotated[str | None, QueryParameter(required=False)]


def _invite_guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    user = connection.scope.get("user")
    require(user if isinstance(user, Viewer) else ANONYMOUS, INVITE)


ORGANIZERS = [_invite_guard]


async def _event_or_404(slug: str) -> dict[str, Any]:
    event = await Event.select().where(Event.slug == slug).first()
    if event is None:
        raise NotFoundException()
    return event


def _base(event: dict[str, Any], rest: str = "") -> str:
    return lang_path(f"manage/events/{event['slug']}/invitations/{rest}")


async def _campaign_or_404(event: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    campaign = await rules.get_campaign(event["id"], campaign_id)
    if campaign is None:
        raise NotFoundException()
    return campaign


async def _invitation_or_404(event: dict[str, Any], invitation_id: int) -> dict[str, Any]:
    invitation = await rules.get_invitation(event["id"], invitation_id)
    if invitation is None:
        raise NotFoundException()
    return invitation


def _labels() -> dict[str, Any]:
    return {
        "kinds": rules.kind_labels(),
        "kind_counts": rules.kind_count_labels(),
        "answers": rules.answer_labels(),
        "deliveries": rules.delivery_labels(),
        "campaign_statuses": rules.campaign_status_labels(),
        "registration_statuses": registration_status_labels(),
        "content_languages": LANGUAGES,
        "language_names": LANGUAGE_NAMES,
    }


def _query_string(values: dict[str, str]) -> str:
    shown = {key: value for key, value in values.items() if value}
    return urlencode(shown) + "&" if shown else ""


# --- the tracking table ------------------------------------------------------------------------


@get("/manage/events/{slug:str}/invitations/", guards=ORGANIZERS)
async def tracking(
    slug: FromPath[str],
    answer: Query = None,
    delivery: Query = None,
    kind: Query = None,
    language: Query = None,
    campaign: Query = None,
    q: Query = None,
    sort: Query = None,
    page: Query = None,
) -> Template:
    event = await _event_or_404(slug)
    filters = rules.Filters.of(
        answer=answer, delivery=delivery, kind=kind, language=language, campaign=campaign, q=q
    )
    listing, applied = await rules.list_page(
        event["id"], filters, sort or rules.DEFAULT_SORT, parse_page(page)
    )
    filter_query = _query_string(filters.as_form())
    sendings = await rules.campaigns(event["id"])
    return Template(
        TRACKING,
        context={
            "event": event,
            "section": "invitations",
            "campaigns": sendings,
            "campaign_choices": [(str(row["id"]), row["label"]) for row in sendings],
            "page": listing,
            "sort": applied,
            "filters": filters.as_form(),
            "filter_query": filter_query,
            "export_query": filter_query + f"sort={applied}",
            "counts": await rules.answer_counts(event["id"]),
            "local_time": rules.local_moment(event),
            **_labels(),
        },
    )


async def _file(request: Request, slug: str, kind: str, raw: dict[str, str | None]) -> Response:
    event = await _event_or_404(slug)
    result = await rules.export(
        event,
        rules.Filters.of(**raw),
        raw.get("sort") or rules.DEFAULT_SORT,
        kind,
        viewer_of(request),
        client_address(request),
    )
    return Response(
        result.content,
        media_type=result.media_type,
        headers={
            "content-disposition": f'attachment; filename="{result.filename}"',
            "cache-control": "no-store",
        },
    )


EXPORT_FILTERS = ("answer", "delivery", "kind", "language", "campaign", "q", "sort")


@get(
    [
        "/manage/events/{slug:str}/invitations.csv",
        "/manage/events/{slug:str}/invitations.xlsx",
    ],
    guards=ORGANIZERS,
)
async def export(request: Request, slug: FromPath[str]) -> Response:
    """The tracking table as CSV or XLSX (by the path's suffix), with the table's filters."""
    kind = "xlsx" if request.url.path.endswith(".xlsx") else "csv"
    raw = {key: request.query_params.get(key) for key in EXPORT_FILTERS}
    return await _file(request, slug, kind, raw)


# --- writing a sending ---------------------------------------------------------------------------


async def _form_page(
    event: dict[str, Any],
    values: dict[str, Any],
    chosen_organizations: list[str],
    chosen_users: list[str],
    error: ValidationFailed | None = None,
    campaign: dict[str, Any] | None = None,
) -> Template:
    problems = error.problems if isinstance(error, rules.RecipientsRefused) else []
    return form_page(
        FORM,
        error=error,
        values=values,
        event=event,
        section="invitations",
        campaign=campaign,
        organizations=await rules.organization_choices(),
        accounts=await rules.account_choices(),
        chosen_organizations=chosen_organizations,
        chosen_users=chosen_users,
        problems=problems[: rules.SHOWN_PROBLEMS],
        more_problems=max(len(problems) - rules.SHOWN_PROBLEMS, 0),
        earlier=await rules.earlier_texts(),
        roles=role_labels(),
        max_reminders=rules.MAX_REMINDERS,
        **_labels(),
    )


async def _submitted(request: Request) -> rules.DraftInput:
    form = await request.form()
    upload = form.get("people_file")
    content = None
    name = ""
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read()
        name = upload.filename
        if not content:
            content = b""
    return rules.DraftInput(
        data=await form_data(request),
        organizations=await form_lists(request, "organizations"),
        users=await form_lists(request, "users"),
        file_name=name,
        file_content=content,
    )


@get("/manage/events/{slug:str}/invitations/new", guards=ORGANIZERS)
async def new_form(slug: FromPath[str], start: Query = None) -> Template:
    event = await _event_or_404(slug)
    values: dict[str, Any] = rules.standard_text(event)
    if start and start.isdigit():
        values = (await rules.text_of(int(start))) or values
    values["expires_at"] = local_input(event["starts_at"], event["timezone"])
    return await _form_page(event, values, [], [])


@post("/manage/events/{slug:str}/invitations/new", guards=ORGANIZERS)
async def new_submit(request: Request, slug: FromPath[str]) -> Response:
    event = await _event_or_404(slug)
    submitted = await _submitted(request)
    try:
        campaign_id = await rules.create_draft(
            viewer_of(request), event, submitted, client_address(request)
        )
    except ValidationFailed as error:
        return await _form_page(
            event, submitted.data, submitted.organizations, submitted.users, error
        )
    return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)


@get("/manage/events/{slug:str}/invitations/campaigns/{campaign_id:int}/edit", guards=ORGANIZERS)
async def edit_form(slug: FromPath[str], campaign_id: FromPath[int]) -> Response:
    event = await _event_or_404(slug)
    campaign = await _campaign_or_404(event, campaign_id)
    if campaign["status"] != rules.CampaignStatus.draft:
        return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)
    organizations, users = await rules.draft_choices(campaign)
    values = rules.draft_form_values(event, campaign)
    return await _form_page(event, values, organizations, users, campaign=campaign)


@post("/manage/events/{slug:str}/invitations/campaigns/{campaign_id:int}/edit", guards=ORGANIZERS)
async def edit_submit(
    request: Request, slug: FromPath[str], campaign_id: FromPath[int]
) -> Response:
    event = await _event_or_404(slug)
    campaign = await _campaign_or_404(event, campaign_id)
    submitted = await _submitted(request)
    try:
        await rules.update_draft(
            viewer_of(request), event, campaign, submitted, client_address(request)
        )
    except ValidationFailed as error:
        return await _form_page(
            event, submitted.data, submitted.organizations, submitted.users, error, campaign
        )
    return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)


# --- one sending: preview, send, progress --------------------------------------------------------


def _previews(
    event: dict[str, Any], campaign: dict[str, Any], summary: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The mail in each language it has text in, addressed to someone who reads it."""
    written = rules.written_languages(campaign)
    readers = summary["by_language"] if summary else {}
    sample = summary["sample"] if summary else []
    shown = []
    for lang in LANGUAGES:
        if lang not in written:
            continue
        name = next((p.name for p in sample if p.language == lang), "")
        with i18n.language(lang):
            placeholder = gettext("Recipient's name")
        rendered = rules.preview(event, campaign, lang, name or placeholder)
        shown.append(
            {
                "lang": lang,
                "subject": rendered.subject,
                "text": rendered.text,
                "readers": readers.get(lang, 0),
            }
        )
    return shown


async def _campaign_page(
    event: dict[str, Any], campaign: dict[str, Any], error: ValidationFailed | None = None
) -> Template:
    draft = campaign["status"] == rules.CampaignStatus.draft
    summary = await rules.draft_summary(event, campaign) if draft else None
    rounds = rules.reminder_rounds(campaign)
    return form_page(
        CAMPAIGN,
        error=error,
        event=event,
        section="invitations",
        campaign=campaign,
        draft=draft,
        summary=summary,
        previews=_previews(event, campaign, summary),
        progress=await rules.progress(campaign),
        failures=[] if draft else await rules.failures(campaign["id"]),
        rounds=[
            {"at": moment, "done": number < campaign["reminders_done"]}
            for number, moment in enumerate(rounds)
        ],
        **_labels(),
    )


@get("/manage/events/{slug:str}/invitations/campaigns/{campaign_id:int}/", guards=ORGANIZERS)
async def campaign_page(slug: FromPath[str], campaign_id: FromPath[int]) -> Template:
    event = await _event_or_404(slug)
    return await _campaign_page(event, await _campaign_or_404(event, campaign_id))


@post("/manage/events/{slug:str}/invitations/campaigns/{campaign_id:int}/send", guards=ORGANIZERS)
async def campaign_send(
    request: Request, slug: FromPath[str], campaign_id: FromPath[int]
) -> Response:
    event = await _event_or_404(slug)
    campaign = await _campaign_or_404(event, campaign_id)
    try:
        await rules.send(viewer_of(request), event, campaign, client_address(request))
    except ValidationFailed as error:
        return await _campaign_page(event, campaign, error)
    return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)


@get(
    "/manage/events/{slug:str}/invitations/campaigns/{campaign_id:int}/progress",
    guards=ORGANIZERS,
)
async def campaign_progress(slug: FromPath[str], campaign_id: FromPath[int]) -> Response:
    """The live numbers behind the progress bar (static/invitations.js polls this)."""
    event = await _event_or_404(slug)
    campaign = await _campaign_or_404(event, campaign_id)
    return Response(await rules.progress(campaign), headers={"cache-control": "no-store"})


@post(
    "/manage/events/{slug:str}/invitations/campaigns/{campaign_id:int}/retry",
    guards=ORGANIZERS,
)
async def campaign_retry(
    request: Request, slug: FromPath[str], campaign_id: FromPath[int]
) -> Redirect:
    event = await _event_or_404(slug)
    campaign = await _campaign_or_404(event, campaign_id)
    retried = await rules.retry_failed(viewer_of(request), campaign, client_address(request))
    return Redirect(_base(event, f"campaigns/{campaign_id}/?retried={retried}"), status_code=303)


@get(
    "/manage/events/{slug:str}/invitations/campaigns/{campaign_id:int}/discard",
    guards=ORGANIZERS,
)
async def discard_confirm(slug: FromPath[str], campaign_id: FromPath[int]) -> Response:
    event = await _event_or_404(slug)
    campaign = await _campaign_or_404(event, campaign_id)
    if campaign["status"] != rules.CampaignStatus.draft:
        return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)
    return Template(
        CONFIRM,
        context={
            "event": event,
            "heading": gettext("Discard draft"),
            "question": gettext(
                "Discard this draft invitation? Nobody has been invited with it yet."
            ),
            "action": _base(event, f"campaigns/{campaign_id}/discard"),
            "fields": {},
            "button": gettext("Discard draft"),
            "back": _base(event, f"campaigns/{campaign_id}/"),
            "danger": True,
        },
    )


@post(
    "/manage/events/{slug:str}/invitations/campaigns/{campaign_id:int}/discard",
    guards=ORGANIZERS,
)
async def discard(request: Request, slug: FromPath[str], campaign_id: FromPath[int]) -> Response:
    event = await _event_or_404(slug)
    campaign = await _campaign_or_404(event, campaign_id)
    try:
        await rules.discard_draft(viewer_of(request), event, campaign, client_address(request))
    except ValidationFailed as error:
        return await _campaign_page(event, campaign, error)
    return Redirect(_base(event, "?discarded=1"), status_code=303)


# --- one invitation: retry a failed send, resend on purpose -----------------------------------


@post("/manage/events/{slug:str}/invitations/{invitation_id:int}/retry", guards=ORGANIZERS)
async def invitation_retry(
    request: Request, slug: FromPath[str], invitation_id: FromPath[int]
) -> Redirect:
    event = await _event_or_404(slug)
    invitation = await _invitation_or_404(event, invitation_id)
    done = await rules.retry(viewer_of(request), invitation, client_address(request))
    form = await form_data(request)
    back = form.get("back", "")
    campaign_page = _base(event, f"campaigns/{invitation['campaign_id']}/")
    target = campaign_page if back == "campaign" else _base(event)
    return Redirect(f"{target}?retried={int(done)}", status_code=303)


@get("/manage/events/{slug:str}/invitations/{invitation_id:int}/resend", guards=ORGANIZERS)
async def resend_confirm(slug: FromPath[str], invitation_id: FromPath[int]) -> Template:
    event = await _event_or_404(slug)
    invitation = await _invitation_or_404(event, invitation_id)
    return Template(
        CONFIRM,
        context={
            "event": event,
            "heading": gettext("Send the invitation again"),
            "question": gettext(
                "Send the invitation to %(name)s (%(email)s) again? They get another e-mail "
                "with the same personal links; their answer so far stays as it is.",
                name=invitation["name"],
                email=invitation["email"],
            ),
            "action": _base(event, f"{invitation_id}/resend"),
            "fields": {},
            "button": gettext("Send again"),
            "back": _base(event),
        },
    )


@post("/manage/events/{slug:str}/invitations/{invitation_id:int}/resend", guards=ORGANIZERS)
async def resend(request: Request, slug: FromPath[str], invitation_id: FromPath[int]) -> Response:
    event = await _event_or_404(slug)
    invitation = await _invitation_or_404(event, invitation_id)
    try:
        await rules.resend(viewer_of(request), event, invitation, client_address(request))
    except ValidationFailed as error:
        return Template(
            CONFIRM,
            context={
                "event": event,
                "heading": gettext("Send the invitation again"),
                "question": error.errors.get("", ""),
                "action": _base(event, f"{invitation_id}/resend"),
                "fields": {},
                "button": gettext("Send again"),
                "back": _base(event),
            },
            status_code=400,
        )
    return Redirect(_base(event, "?resent=1"), status_code=303)


# --- the recipient's side ------------------------------------------------------------------------


async def _by_token(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    invitation = await rules.by_token(token)
    if invitation is None:
        raise NotFoundException()
    event = await Event.select().where(Event.id == invitation["event"]).first()
    if event is None:
        raise NotFoundException()
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


async def _answer_page(
    token: str,
    choice: str = "",
    error: ValidationFailed | None = None,
    answered: str = "",
) -> Template:
    invitation, event = await _by_token(token)
    lang = current_language()
    organization = ""
    if invitation["organization"] is not None:
        row = (
            await Organization.select(Organization.name)
            .where(Organization.id == invitation["organization"])
            .first()
        )
        organization = plain_text(row["name"], lang) if row else ""
    registration = await rules.live_registration(invitation)
    return form_page(
        ANSWER,
        error=error,
        headers=NO_STORE,
        invitation=invitation,
        event=event,
        token=token,
        choice=choice,
        answered=answered,
        expired=rules.is_expired(invitation),
        when=mail_context.event_when(event),
        organization=organization,
        registration=registration,
        registration_path=(
            mail_context.personal_path(lang, registration["code"]) if registration else ""
        ),
        registration_open=registrations.registration_is_open(event),
        closed_message=_closed_message(event),
        answers=rules.answer_labels(),
    )


@get("/invitations/{token:str}/", name="events:invitation")
async def invitation_page(token: FromPath[str], answered: Query = None) -> Template:
    shown = answered if answered in (rules.Answer.accepted, rules.Answer.declined) else ""
    return await _answer_page(token, answered=shown or "")


@get("/invitations/{token:str}/accept")
async def accept_form(token: FromPath[str]) -> Template:
    return await _answer_page(token, choice=rules.Answer.accepted)


@get("/invitations/{token:str}/decline")
async def decline_form(token: FromPath[str]) -> Template:
    return await _answer_page(token, choice=rules.Answer.declined)


async def _answer(request: Request, token: str, choice: str) -> Response:
    invitation, _event = await _by_token(token)
    try:
        await rules.answer(invitation, choice, client_address(request))
    except ValidationFailed as error:
        return await _answer_page(token, choice, error)
    lang = current_language()
    own = f"/{lang}/invitations/{token}/"
    if (
        choice == rules.Answer.accepted
        and invitation["kind"] != rules.Kind.organization
        and await rules.live_registration(invitation) is None
    ):
        # Accepting goes straight on to registering, with the form filled in.
        return Redirect(f"{own}register?accepted=1", status_code=303)
    return Redirect(f"{own}?answered={choice}", status_code=303)


@post("/invitations/{token:str}/accept")
async def accept_submit(request: Request, token: FromPath[str]) -> Response:
    return await _answer(request, token, rules.Answer.accepted)


@post("/invitations/{token:str}/decline")
async def decline_submit(request: Request, token: FromPath[str]) -> Response:
    return await _answer(request, token, rules.Answer.declined)


async def _register_page(
    request: Request,
    token: str,
    values: dict[str, Any] | None = None,
    error: ValidationFailed | None = None,
    accepted: bool = False,
) -> Response:
    invitation, event = await _by_token(token)
    lang = current_language()
    registration = await rules.live_registration(invitation)
    if registration is not None and error is None:
        return Redirect(mail_context.personal_path(lang, registration["code"]), status_code=303)
    questions = await question_rules.form_questions(event["id"])
    closed = _closed_message(event)
    expired = rules.is_expired(invitation)
    return form_page(
        REGISTER,
        error=error,
        headers=NO_STORE,
        values=values if values is not None else rules.prefill(invitation, lang),
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


@get("/invitations/{token:str}/register")
async def register_form(request: Request, token: FromPath[str], accepted: Query = None) -> Response:
    return await _register_page(request, token, accepted=accepted == "1")


@post("/invitations/{token:str}/register")
async def register_submit(request: Request, token: FromPath[str]) -> Response:
    invitation, event = await _by_token(token)
    questions = await question_rules.form_questions(event["id"])
    raw = await raw_answers(request, questions)
    data = await form_data(request)
    name = data.get("name", "")
    language = data.get("language", "")
    values = {"name": name, "email": invitation["email"], "language": language, **raw}
    if rules.is_expired(invitation) or _closed_message(event):
        return await _register_page(request, token, values)
    try:
        registration_id = await rules.register(
            invitation,
            name,
            language,
            raw,
            viewer=viewer_of(request),
            client=client_address(request),
        )
    except ValidationFailed as error:
        return await _register_page(request, token, values, error)
    row = (
        await Registration.select(Registration.code)
        .where(Registration.id == registration_id)
        .first()
    )
    assert row is not None
    path = mail_context.personal_path(current_language(), row["code"])
    return Redirect(f"{path}?registered=1", status_code=303)


pages = [
    tracking,
    export,
    new_form,
    new_submit,
    edit_form,
    edit_submit,
    campaign_page,
    campaign_send,
    campaign_progress,
    campaign_retry,
    discard_confirm,
    discard,
    invitation_retry,
    resend_confirm,
    resend,
    invitation_page,
    accept_form,
    decline_form,
    accept_submit,
    decline_submit,
    register_form,
    register_submit,
]
api: list[object] = []
routes: list[object] = []
