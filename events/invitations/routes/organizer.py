"""The organizer's invitation pages, under /manage/events/<slug>/invitations/: choose recipients
and write the text, preview it in each language, send it and watch the progress, retry failed
sends, resend on purpose, and follow every invitation in the tracking table (with exports)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core import i18n
from core.access import role_labels
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, LANGUAGES, gettext
from core.moments import local_input
from core.pages import (
    NO_STORE,
    allowed,
    attachment,
    client_address,
    form_data,
    form_lists,
    form_page,
    found_or_404,
    lang_path,
    viewer_of,
)
from core.paging import parse_page, query_string
from events.invitations.services import (
    campaigns,
    drafts,
    labels,
    reminders,
    sending,
    texts,
    tracking,
)
from events.invitations.services.mails import preview
from events.invitations.services.recipients import account_choices, organization_choices
from events.invitations.tables import CampaignStatus
from events.services.labels import registration_status_labels
from events.tables import Event

FORM = "events/invitations/form.html"
CAMPAIGN = "events/invitations/campaign.html"
TRACKING = "events/invitations/index.html"
CONFIRM = "events/manage/confirm.html"
EXPORT_FILTERS = ("answer", "delivery", "kind", "language", "campaign", "q", "sort")

Query = Annotated[str | None, QueryParameter(required=False)]
# The event in the address, resolved once for every handler of the controller.
EventRow = NamedDependency[dict[str, Any]]


async def event_by_slug(slug: FromPath[str]) -> dict[str, Any]:
    """The event in the address (404 when there is none)."""
    return found_or_404(await Event.select().where(Event.slug == slug).first())


def _base(event: dict[str, Any], rest: str = "") -> str:
    return lang_path(f"manage/events/{event['slug']}/invitations/{rest}")


async def _campaign_or_404(event: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    return found_or_404(await campaigns.get_campaign(event["id"], campaign_id))


async def _invitation_or_404(event: dict[str, Any], invitation_id: int) -> dict[str, Any]:
    return found_or_404(await tracking.get_invitation(event["id"], invitation_id))


def _labels() -> dict[str, Any]:
    return {
        "kinds": labels.kind_labels(),
        "kind_counts": labels.kind_count_labels(),
        "answers": labels.answer_labels(),
        "deliveries": labels.delivery_labels(),
        "campaign_statuses": labels.campaign_status_labels(),
        "registration_statuses": registration_status_labels(),
        "content_languages": LANGUAGES,
        "language_names": LANGUAGE_NAMES,
    }


async def _form_page(
    event: dict[str, Any],
    values: dict[str, Any],
    chosen_organizations: list[str],
    chosen_users: list[str],
    error: ValidationFailed | None = None,
    campaign: dict[str, Any] | None = None,
) -> Template:
    problems = error.problems if isinstance(error, drafts.RecipientsRefused) else []
    return form_page(
        FORM,
        error=error,
        values=values,
        event=event,
        section="invitations",
        campaign=campaign,
        organizations=await organization_choices(),
        accounts=await account_choices(),
        chosen_organizations=chosen_organizations,
        chosen_users=chosen_users,
        problems=problems[: drafts.SHOWN_PROBLEMS],
        more_problems=max(len(problems) - drafts.SHOWN_PROBLEMS, 0),
        earlier=await texts.earlier_texts(),
        roles=role_labels(),
        max_reminders=drafts.MAX_REMINDERS,
        **_labels(),
    )


async def _submitted(request: Request) -> drafts.DraftInput:
    form = await request.form()
    upload = form.get("people_file")
    content = None
    name = ""
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read() or b""
        name = upload.filename
    return drafts.DraftInput(
        data=await form_data(request),
        organizations=await form_lists(request, "organizations"),
        users=await form_lists(request, "users"),
        file_name=name,
        file_content=content,
    )


def _previews(
    event: dict[str, Any], campaign: dict[str, Any], summary: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The mail in each language it has text in, addressed to someone who reads it."""
    written = texts.written_languages(campaign)
    readers = summary["by_language"] if summary else {}
    sample = summary["sample"] if summary else []
    shown = []
    for lang in LANGUAGES:
        if lang not in written:
            continue
        name = next((p.name for p in sample if p.language == lang), "")
        with i18n.language(lang):
            placeholder = gettext("Recipient's name")
        rendered = preview(event, campaign, lang, name or placeholder)
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
    draft = campaign["status"] == CampaignStatus.draft
    summary = await drafts.draft_summary(event, campaign) if draft else None
    rounds = reminders.reminder_rounds(campaign)
    return form_page(
        CAMPAIGN,
        error=error,
        event=event,
        section="invitations",
        campaign=campaign,
        draft=draft,
        summary=summary,
        previews=_previews(event, campaign, summary),
        progress=await campaigns.progress(campaign),
        failures=[] if draft else await campaigns.failures(campaign["id"]),
        rounds=[
            {"at": moment, "done": number < campaign["reminders_done"]}
            for number, moment in enumerate(rounds)
        ],
        **_labels(),
    )


def _resend_question(
    event: dict[str, Any], invitation_id: int, question: str, status_code: int = 200
) -> Template:
    return Template(
        CONFIRM,
        context={
            "event": event,
            "heading": gettext("Send the invitation again"),
            "question": question,
            "action": _base(event, f"{invitation_id}/resend"),
            "fields": {},
            "button": gettext("Send again"),
            "back": _base(event),
        },
        status_code=status_code,
    )


async def _export(request: Request, event: dict[str, Any], kind: str) -> Response:
    raw = {key: request.query_params.get(key) for key in EXPORT_FILTERS}
    download = await tracking.export(
        event,
        tracking.Filters.of(**raw),
        raw.get("sort") or tracking.DEFAULT_SORT,
        kind,
        viewer_of(request),
        client_address(request),
    )
    return attachment(download)


class OrganizerInvitations(Controller):
    """Organizers' pages of one event's invitations; every one needs the right to invite."""

    path = "/manage/events/{slug:str}"
    guards = [allowed(campaigns.INVITE)]
    cache_control = NO_STORE
    dependencies = {"event": Provide(event_by_slug)}

    # --- the tracking table --------------------------------------------------------------------

    @get("/invitations/")
    async def tracking_table(
        self,
        event: EventRow,
        answer: Query = None,
        delivery: Query = None,
        kind: Query = None,
        language: Query = None,
        campaign: Query = None,
        q: Query = None,
        sort: Query = None,
        page: Query = None,
    ) -> Template:
        filters = tracking.Filters.of(
            answer=answer, delivery=delivery, kind=kind, language=language, campaign=campaign, q=q
        )
        listing, applied = await tracking.list_page(
            event["id"], filters, sort or tracking.DEFAULT_SORT, parse_page(page)
        )
        filter_query = query_string(filters.as_form())
        sendings = await campaigns.of_event(event["id"])
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
                "counts": await tracking.answer_counts(event["id"]),
                "local_time": tracking.local_moment(event),
                **_labels(),
            },
        )

    @get("/invitations.csv")
    async def export_csv(self, request: Request, event: EventRow) -> Response:
        """The tracking table as CSV, with the table's filters and order."""
        return await _export(request, event, "csv")

    @get("/invitations.xlsx")
    async def export_xlsx(self, request: Request, event: EventRow) -> Response:
        """The tracking table as XLSX, with the table's filters and order."""
        return await _export(request, event, "xlsx")

    # --- writing a sending ---------------------------------------------------------------------

    @get("/invitations/new")
    async def new_form(self, event: EventRow, start: Query = None) -> Template:
        values: dict[str, Any] = texts.standard_text(event)
        if start and start.isdigit():
            values = (await texts.text_of(int(start))) or values
        values["expires_at"] = local_input(event["starts_at"], event["timezone"])
        return await _form_page(event, values, [], [])

    @post("/invitations/new")
    async def new_submit(self, request: Request, event: EventRow) -> Response:
        submitted = await _submitted(request)
        try:
            campaign_id = await drafts.create_draft(
                viewer_of(request), event, submitted, client_address(request)
            )
        except ValidationFailed as error:
            return await _form_page(
                event, submitted.data, submitted.organizations, submitted.users, error
            )
        return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)

    @get("/invitations/campaigns/{campaign_id:int}/edit")
    async def edit_form(self, event: EventRow, campaign_id: FromPath[int]) -> Response:
        campaign = await _campaign_or_404(event, campaign_id)
        if campaign["status"] != CampaignStatus.draft:
            return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)
        organizations, users = await drafts.draft_choices(campaign)
        values = drafts.draft_form_values(event, campaign)
        return await _form_page(event, values, organizations, users, campaign=campaign)

    @post("/invitations/campaigns/{campaign_id:int}/edit")
    async def edit_submit(
        self, request: Request, event: EventRow, campaign_id: FromPath[int]
    ) -> Response:
        campaign = await _campaign_or_404(event, campaign_id)
        submitted = await _submitted(request)
        try:
            await drafts.update_draft(
                viewer_of(request), event, campaign, submitted, client_address(request)
            )
        except ValidationFailed as error:
            return await _form_page(
                event, submitted.data, submitted.organizations, submitted.users, error, campaign
            )
        return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)

    # --- one sending: preview, send, progress --------------------------------------------------

    @get("/invitations/campaigns/{campaign_id:int}/")
    async def campaign_page(self, event: EventRow, campaign_id: FromPath[int]) -> Template:
        return await _campaign_page(event, await _campaign_or_404(event, campaign_id))

    @post("/invitations/campaigns/{campaign_id:int}/send")
    async def campaign_send(
        self, request: Request, event: EventRow, campaign_id: FromPath[int]
    ) -> Response:
        campaign = await _campaign_or_404(event, campaign_id)
        try:
            await sending.send(viewer_of(request), event, campaign, client_address(request))
        except ValidationFailed as error:
            return await _campaign_page(event, campaign, error)
        return Redirect(_base(event, f"campaigns/{campaign_id}/"), status_code=303)

    @get("/invitations/campaigns/{campaign_id:int}/progress")
    async def campaign_progress(
        self, event: EventRow, campaign_id: FromPath[int]
    ) -> dict[str, Any]:
        """The live numbers behind the progress bar (static/invitations.js polls this)."""
        return await campaigns.progress(await _campaign_or_404(event, campaign_id))

    @post("/invitations/campaigns/{campaign_id:int}/retry")
    async def campaign_retry(
        self, request: Request, event: EventRow, campaign_id: FromPath[int]
    ) -> Redirect:
        campaign = await _campaign_or_404(event, campaign_id)
        retried = await sending.retry_failed(viewer_of(request), campaign, client_address(request))
        return Redirect(
            _base(event, f"campaigns/{campaign_id}/?retried={retried}"), status_code=303
        )

    @get("/invitations/campaigns/{campaign_id:int}/discard")
    async def discard_confirm(self, event: EventRow, campaign_id: FromPath[int]) -> Response:
        campaign = await _campaign_or_404(event, campaign_id)
        if campaign["status"] != CampaignStatus.draft:
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

    @post("/invitations/campaigns/{campaign_id:int}/discard")
    async def discard(
        self, request: Request, event: EventRow, campaign_id: FromPath[int]
    ) -> Response:
        campaign = await _campaign_or_404(event, campaign_id)
        try:
            await drafts.discard_draft(viewer_of(request), event, campaign, client_address(request))
        except ValidationFailed as error:
            return await _campaign_page(event, campaign, error)
        return Redirect(_base(event, "?discarded=1"), status_code=303)

    # --- one invitation: retry a failed send, resend on purpose -------------------------------

    @post("/invitations/{invitation_id:int}/retry")
    async def invitation_retry(
        self, request: Request, event: EventRow, invitation_id: FromPath[int]
    ) -> Redirect:
        invitation = await _invitation_or_404(event, invitation_id)
        done = await sending.retry(viewer_of(request), invitation, client_address(request))
        form = await form_data(request)
        campaign_page = _base(event, f"campaigns/{invitation['campaign_id']}/")
        target = campaign_page if form.get("back", "") == "campaign" else _base(event)
        return Redirect(f"{target}?retried={int(done)}", status_code=303)

    @get("/invitations/{invitation_id:int}/resend")
    async def resend_confirm(self, event: EventRow, invitation_id: FromPath[int]) -> Template:
        invitation = await _invitation_or_404(event, invitation_id)
        question = gettext(
            "Send the invitation to %(name)s (%(email)s) again? They get another e-mail "
            "with the same personal links; their answer so far stays as it is.",
            name=invitation["name"],
            email=invitation["email"],
        )
        return _resend_question(event, invitation_id, question)

    @post("/invitations/{invitation_id:int}/resend")
    async def resend(
        self, request: Request, event: EventRow, invitation_id: FromPath[int]
    ) -> Response:
        invitation = await _invitation_or_404(event, invitation_id)
        try:
            await sending.resend(viewer_of(request), event, invitation, client_address(request))
        except ValidationFailed as error:
            return _resend_question(event, invitation_id, error.errors.get("", ""), 400)
        return Redirect(_base(event, "?resent=1"), status_code=303)
