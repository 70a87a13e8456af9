"""A coordinator's delegation pages, under /account/delegations/: their organizations'
delegations, opening one, its members (form, XLSX import, list export), the head's rank and
submitting it. Another organization's delegation or member is a 404, as if it did not exist."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.access import Viewer, can, require
from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import current_language, gettext
from core.pages import (
    NO_STORE,
    allowed,
    attachment,
    client_address,
    form_data,
    form_page,
    lang_path,
    uploaded_file,
    viewer_of,
)
from core.spreadsheets import XLSX_TYPE, Download
from core.tables import Organization
from events.delegations.routes import common
from events.delegations.routes.common import COORDINATOR
from events.delegations.services import (
    member_form,
    member_import,
    members,
    opening,
    records,
    states,
    workflow,
)
from events.delegations.services.vocabulary import page_labels

ONE = "/{delegation_id:int}"


async def _coordinated(request: Request, delegation_id: int) -> dict[str, Any]:
    """The delegation, if this coordinator works on it; 404 for anyone else's."""
    delegation = await common.delegation_or_404(delegation_id)
    require(viewer_of(request), "delegation.coordinate", delegation)
    return delegation


async def _organizations(viewer: Viewer) -> list[dict[str, Any]]:
    if not viewer.organization_ids:
        return []
    rows = (
        await Organization.select(Organization.id, Organization.name)
        .where(Organization.id.is_in(sorted(viewer.organization_ids)))
        .order_by(Organization.id)
    )
    for row in rows:
        row["label"] = plain_text(row["name"])
        row["events"] = await opening.openable_events(row["id"])
    return rows


async def _list_page(request: Request, error: ValidationFailed | None = None) -> Template:
    viewer = viewer_of(request)
    organizations = await _organizations(viewer)
    return form_page(
        "events/delegations/list.html",
        error=error,
        delegations=await records.for_viewer(viewer),
        organizations=organizations,
        choices=[
            (f"{org['id']}:{event['slug']}", event, org)
            for org in organizations
            for event in org["events"]
        ],
        **page_labels(),
    )


async def _status_page(
    delegation: dict[str, Any], error: ValidationFailed | None = None
) -> Template:
    event = await records.event_of(delegation)
    rows = await records.members(delegation["id"])
    return form_page(
        "events/delegations/detail.html",
        error=error,
        values={"protocol_rank": delegation["protocol_rank"]},
        delegation=delegation,
        event=event,
        members=[members.member_view(row, event, members.masked) for row in rows],
        problems=members.readiness(delegation, rows),
        may_edit=states.coordinator_may_edit(delegation, event),
        freeze_at=states.freeze_at(event),
        complete=sum(1 for row in rows if not member_form.lacks(row)),
        **common.clock(event),
        **page_labels(),
    )


async def _import_page(
    delegation: dict[str, Any],
    report: member_import.ImportReport | None = None,
    error: ValidationFailed | None = None,
) -> Template:
    event = await records.event_of(delegation)
    return form_page(
        "events/delegations/import.html",
        error=error,
        status_code=400 if report is not None and not report.ok else 200,
        delegation=delegation,
        event=event,
        report=report,
        may_edit=states.coordinator_may_edit(delegation, event),
        **page_labels(),
    )


async def _submit_page(
    delegation: dict[str, Any], error: ValidationFailed | None = None
) -> Template:
    event = await records.event_of(delegation)
    rows = await records.members(delegation["id"])
    return form_page(
        "events/delegations/submit.html",
        error=error,
        delegation=delegation,
        event=event,
        problems=members.readiness(delegation, rows),
        members=len(rows),
        letters=sum(1 for row in rows if row["needs_letter"]),
        may_edit=states.coordinator_may_edit(delegation, event),
        **page_labels(),
    )


class CoordinatorDelegations(Controller):
    """Coordinators (and organizers) only; every page and file carries personal data."""

    path = "/account/delegations"
    guards = [allowed("delegation.own_pages")]
    cache_control = NO_STORE

    @get("/")
    async def index(self, request: Request) -> Template:
        return await _list_page(request)

    @post("/open")
    async def open_delegation(self, request: Request) -> Template | Redirect:
        viewer = viewer_of(request)
        organization, _sep, slug = (await form_data(request)).get("choice", "").partition(":")
        if not organization.isdigit() or not can(viewer, "delegation.open", int(organization)):
            return await _list_page(
                request, ValidationFailed({"choice": gettext("Choose an event.")})
            )
        try:
            delegation_id = await opening.open_delegation(
                viewer, slug, int(organization), client_address(request)
            )
        except ValidationFailed as error:
            first = next(iter(error.errors.values()))
            return await _list_page(request, ValidationFailed({"choice": first}))
        return Redirect(lang_path(f"account/delegations/{delegation_id}/"), status_code=303)

    @get(f"{ONE}/")
    async def delegation(self, request: Request, delegation_id: FromPath[int]) -> Template:
        return await _status_page(await _coordinated(request, delegation_id))

    @post(f"{ONE}/rank")
    async def rank(self, request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
        delegation = await _coordinated(request, delegation_id)
        try:
            await workflow.set_rank(
                viewer_of(request),
                delegation,
                (await form_data(request)).get("protocol_rank", ""),
                client_address(request),
            )
        except ValidationFailed as error:
            return await _status_page(delegation, error)
        return Redirect(COORDINATOR.path(delegation, "?saved=1"), status_code=303)

    # --- members ---------------------------------------------------------------------------

    @get(f"{ONE}/members/new")
    async def member_new(self, request: Request, delegation_id: FromPath[int]) -> Template:
        return await common.member_page(COORDINATOR, await _coordinated(request, delegation_id))

    @post(f"{ONE}/members/new")
    async def member_create(
        self, request: Request, delegation_id: FromPath[int]
    ) -> Template | Redirect:
        delegation = await _coordinated(request, delegation_id)
        return await common.save_member(COORDINATOR, request, delegation, None)

    @get(f"{ONE}/members/{{member_id:int}}/edit")
    async def member_edit(
        self, request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
    ) -> Template:
        delegation = await _coordinated(request, delegation_id)
        current = await common.member_or_404(delegation, member_id)
        return await common.member_page(COORDINATOR, delegation, current)

    @post(f"{ONE}/members/{{member_id:int}}/edit")
    async def member_update(
        self, request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
    ) -> Template | Redirect:
        delegation = await _coordinated(request, delegation_id)
        current = await common.member_or_404(delegation, member_id)
        return await common.save_member(COORDINATOR, request, delegation, current)

    @get(f"{ONE}/members/{{member_id:int}}/delete")
    async def member_delete_confirm(
        self, request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
    ) -> Template:
        delegation = await _coordinated(request, delegation_id)
        current = await common.member_or_404(delegation, member_id)
        return common.delete_page(COORDINATOR, delegation, current)

    @post(f"{ONE}/members/{{member_id:int}}/delete")
    async def member_delete(
        self, request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
    ) -> Template | Redirect:
        delegation = await _coordinated(request, delegation_id)
        current = await common.member_or_404(delegation, member_id)
        return await common.delete_member(COORDINATOR, request, delegation, current)

    # --- the spreadsheet import and the member list ------------------------------------------

    @get(f"{ONE}/import")
    async def import_form(self, request: Request, delegation_id: FromPath[int]) -> Template:
        return await _import_page(await _coordinated(request, delegation_id))

    @post(f"{ONE}/import")
    async def import_members(
        self, request: Request, delegation_id: FromPath[int]
    ) -> Template | Redirect:
        delegation = await _coordinated(request, delegation_id)
        content = await uploaded_file(request, "file") or b""
        try:
            report = await member_import.import_members(
                viewer_of(request), delegation, content, client_address(request)
            )
        except ValidationFailed as error:
            return await _import_page(delegation, error=error)
        if not report.ok:
            return await _import_page(delegation, report)
        done = f"?imported={report.added}&updated={report.updated}"
        return Redirect(COORDINATOR.path(delegation, done), status_code=303)

    @get(f"{ONE}/template.xlsx")
    async def import_template(self, request: Request, delegation_id: FromPath[int]) -> Response:
        delegation = await _coordinated(request, delegation_id)
        event = await records.event_of(delegation)
        filename = f"delegation-{event['slug']}-{current_language()}.xlsx"
        return attachment(Download(filename, XLSX_TYPE, member_import.template_xlsx(event)))

    @get(f"{ONE}/members.xlsx")
    async def members_export(self, request: Request, delegation_id: FromPath[int]) -> Response:
        """The coordinator's own list, passport data masked."""
        delegation = await _coordinated(request, delegation_id)
        return await common.delegation_workbook(request, delegation)

    # --- submitting ----------------------------------------------------------------------------

    @get(f"{ONE}/submit")
    async def submit_confirm(self, request: Request, delegation_id: FromPath[int]) -> Template:
        return await _submit_page(await _coordinated(request, delegation_id))

    @post(f"{ONE}/submit")
    async def submit(self, request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
        delegation = await _coordinated(request, delegation_id)
        try:
            await workflow.submit(viewer_of(request), delegation, client_address(request))
        except ValidationFailed as error:
            return await _submit_page(delegation, error)
        return Redirect(COORDINATOR.path(delegation, "?submitted=1"), status_code=303)
