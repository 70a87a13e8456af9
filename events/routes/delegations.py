"""Delegation pages: a coordinator's side under /account/delegations/ (their organization's
delegations, members, the XLSX import, submitting) and the foreign-affairs office's under
/manage/delegations/ (review, letters, rooms, and the boards with their exports).

Every page and file here may carry personal data, so all are served with
`Cache-Control: no-store`. A coordinator asking for another organization's delegation, member,
export or download gets 404, as if it did not exist. Rules live in
`events.services.delegations`; the boards' data in `delegation_boards`, the spreadsheet in
`delegation_import`, the PDFs in `letters`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core.access import ANONYMOUS, Viewer, can, require
from core.content import Translated
from core.errors import ValidationFailed
from core.i18n import current_language, gettext, zone_name
from core.moments import local_input
from core.pages import (
    client_address,
    form_data,
    form_lists,
    form_page,
    lang_path,
    role_required,
    viewer_of,
)
from core.paging import parse_page
from core.tables import Organization, Role
from events.delegations.tables import Delegation
from events.services import delegation_boards as boards
from events.services import delegation_import, exports, letters
from events.services import delegations as rules
from events.tables import Event

NO_STORE = CacheControlHeader(no_store=True)


def _oversees(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """The office's area, through the central policy: sign in first (401), or 403."""
    user = connection.scope.get("user")
    require(user if isinstance(user, Viewer) else ANONYMOUS, "delegation.oversee")


COORDINATORS = [role_required(Role.coordinator)]
OFFICE = [_oversees]
MEMBER_FORM = "events/delegations/member_form.html"
CONFIRM = "events/delegations/confirm.html"
XLSX = boards.XLSX_TYPE
ACCOUNT_LAYOUT = "base.html"
OFFICE_LAYOUT = "core/manage/_layout.html"
BOARDS = ("arrivals", "rooming", "interpreters", "dietary", "protocol")

Query = Annotated[str | None, QueryParameter(required=False)]


def _q(value: str | None) -> str:
    return (value or "").strip()


def _file(content: bytes, media_type: str, filename: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        content,
        media_type=media_type,
        headers={
            "content-disposition": f'{disposition}; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


async def _workbook(sheets: list[boards.Sheet]) -> bytes:
    """Writing a workbook is CPU work: in a thread, so other requests are answered meanwhile."""
    return await asyncio.to_thread(boards.workbook, sheets)


def _labels() -> dict[str, Any]:
    return {
        "statuses": rules.status_labels(),
        "status_badges": {k.value: v for k, v in rules.STATUS_BADGES.items()},
        "genders": rules.labels(rules.GENDERS),
        "diets": rules.labels(rules.DIETS),
        "transports": rules.labels(rules.TRANSPORTS),
        "ranks": rules.labels(rules.PROTOCOL_RANKS),
        "spoken": rules.language_labels(),
        "field_labels": rules.field_labels(),
    }


def _clock(event: dict[str, Any]) -> dict[str, Any]:
    """Times in table cells without the zone, which the page names once."""
    return {
        "local_time": lambda value: exports.moment_text(value, event["timezone"]),
        "zone_text": zone_name(event["timezone"], event["starts_at"]),
    }


def _place_suggestions() -> list[str]:
    return [
        gettext("Urumqi Tianshan International Airport (URC)"),
        gettext("Urumqi Railway Station"),
        gettext("Urumqi South Railway Station"),
    ]


# --- loading with the access check ------------------------------------------------------------


async def _coordinated(request: Request, delegation_id: int) -> dict[str, Any]:
    """The delegation, if this coordinator works on it; 404 for anyone else's."""
    delegation = await rules.get(delegation_id)
    if delegation is None:
        raise NotFoundException()
    require(viewer_of(request), "delegation.coordinate", delegation)
    return delegation


async def _overseen(delegation_id: int) -> dict[str, Any]:
    delegation = await rules.get(delegation_id)
    if delegation is None:
        raise NotFoundException()
    return delegation


async def _member_or_404(delegation: dict[str, Any], member_id: int) -> dict[str, Any]:
    found = await rules.member(delegation, member_id)
    if found is None:
        raise NotFoundException()
    return found


def _account_path(delegation: dict[str, Any], rest: str = "") -> str:
    return lang_path(f"account/delegations/{delegation['id']}/{rest}")


def _office_path(delegation: dict[str, Any], rest: str = "") -> str:
    return lang_path(f"manage/delegations/{delegation['id']}/{rest}")


def _passports_allowed(request: Request) -> None:
    """Letters carry passport data in clear: the foreign-affairs office's staff only."""
    if not rules.sees_passports(viewer_of(request)):
        raise PermissionDeniedException()


# --- a coordinator's delegations --------------------------------------------------------------


async def _organizations(viewer: Viewer) -> list[dict[str, Any]]:
    if not viewer.organization_ids:
        return []
    rows = (
        await Organization.select(Organization.id, Organization.name)
        .where(Organization.id.is_in(sorted(viewer.organization_ids)))
        .order_by(Organization.id)
    )
    for row in rows:
        row["label"] = boards.text(row["name"])
        row["events"] = await rules.openable_events(row["id"])
    return rows


async def _my_list(request: Request, error: ValidationFailed | None = None) -> Template:
    viewer = viewer_of(request)
    organizations = await _organizations(viewer)
    return form_page(
        "events/delegations/list.html",
        error=error,
        delegations=await rules.for_viewer(viewer),
        organizations=organizations,
        choices=[
            (f"{org['id']}:{event['slug']}", event, org)
            for org in organizations
            for event in org["events"]
        ],
        **_labels(),
    )


@get("/account/delegations/", guards=COORDINATORS, cache_control=NO_STORE)
async def my_delegations(request: Request) -> Template:
    return await _my_list(request)


@post("/account/delegations/open", guards=COORDINATORS, cache_control=NO_STORE)
async def open_mine(request: Request) -> Template | Redirect:
    viewer = viewer_of(request)
    organization, _sep, slug = (await form_data(request)).get("choice", "").partition(":")
    if not organization.isdigit() or not can(viewer, "delegation.open", int(organization)):
        return await _my_list(request, ValidationFailed({"choice": gettext("Choose an event.")}))
    try:
        delegation_id = await rules.open_delegation(
            viewer, slug, int(organization), client_address(request)
        )
    except ValidationFailed as error:
        return await _my_list(
            request, ValidationFailed({"choice": next(iter(error.errors.values()))})
        )
    return Redirect(lang_path(f"account/delegations/{delegation_id}/"), status_code=303)


async def _status_page(
    request: Request, delegation: dict[str, Any], error: ValidationFailed | None = None
) -> Template:
    event = await rules.event_of(delegation)
    rows = await rules.members(delegation["id"])
    return form_page(
        "events/delegations/detail.html",
        error=error,
        values={"protocol_rank": delegation["protocol_rank"]},
        delegation=delegation,
        event=event,
        members=[rules.member_view(row, event, clear=False) for row in rows],
        problems=rules.readiness(delegation, rows),
        may_edit=rules.coordinator_may_edit(delegation, event),
        freeze_at=rules.freeze_at(event),
        complete=sum(1 for row in rows if not rules.lacks(row)),
        **_clock(event),
        **_labels(),
    )


@get("/account/delegations/{delegation_id:int}/", guards=COORDINATORS, cache_control=NO_STORE)
async def my_delegation(request: Request, delegation_id: FromPath[int]) -> Template:
    return await _status_page(request, await _coordinated(request, delegation_id))


@post("/account/delegations/{delegation_id:int}/rank", guards=COORDINATORS, cache_control=NO_STORE)
async def my_rank(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    delegation = await _coordinated(request, delegation_id)
    try:
        await rules.set_rank(
            viewer_of(request),
            delegation,
            (await form_data(request)).get("protocol_rank", ""),
            client_address(request),
        )
    except ValidationFailed as error:
        return await _status_page(request, delegation, error)
    return Redirect(_account_path(delegation, "?saved=1"), status_code=303)


# --- members (both sides share the form) ------------------------------------------------------


async def _member_page(
    delegation: dict[str, Any],
    *,
    office: bool,
    current: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    error: ValidationFailed | None = None,
) -> Template:
    event = await rules.event_of(delegation)
    base = _office_path(delegation) if office else _account_path(delegation)
    if values is None:
        values = rules.form_values(current, event) if current else {"languages": []}
    stored = rules.member_view(current, event, clear=False) if current else None
    places = await boards.board_members(event["id"]) if office else []
    return form_page(
        MEMBER_FORM,
        error=error,
        values=values,
        layout=OFFICE_LAYOUT if office else ACCOUNT_LAYOUT,
        office=office,
        delegation=delegation,
        event=event,
        current=current,
        stored=stored,
        action=base + (f"members/{current['id']}/edit" if current else "members/new"),
        back=base,
        countries=rules.country_choices(),
        places=sorted(
            {*_place_suggestions(), *(p["arrival_place"] for p in places if p["arrival_place"])}
        ),
        zone=event["timezone"],
        **_labels(),
    )


async def _member_values(request: Request) -> dict[str, Any]:
    data: dict[str, Any] = await form_data(request)
    data["languages"] = await form_lists(request, "languages")
    return data


async def _save(
    request: Request, delegation: dict[str, Any], current: dict[str, Any] | None, office: bool
) -> Template | Redirect:
    data = await _member_values(request)
    try:
        await rules.save_member(
            viewer_of(request), delegation, data, current, client_address(request)
        )
    except ValidationFailed as error:
        return await _member_page(
            delegation, office=office, current=current, values=data, error=error
        )
    base = _office_path(delegation) if office else _account_path(delegation)
    return Redirect(f"{base}?saved=1#members", status_code=303)


async def _delete_page(
    delegation: dict[str, Any], current: dict[str, Any], office: bool, error: Any = None
) -> Template:
    base = _office_path(delegation) if office else _account_path(delegation)
    return form_page(
        CONFIRM,
        error=error,
        layout=OFFICE_LAYOUT if office else ACCOUNT_LAYOUT,
        delegation=delegation,
        heading=gettext("Remove member"),
        question=gettext(
            "Remove %(name)s from the delegation? Their passport data is deleted with them.",
            name=current["name_native"] or current["name_latin"],
        ),
        action=base + f"members/{current['id']}/delete",
        fields={},
        button=gettext("Remove member"),
        back=base,
        danger=True,
    )


async def _delete(
    request: Request, delegation: dict[str, Any], current: dict[str, Any], office: bool
) -> Template | Redirect:
    try:
        await rules.delete_member(viewer_of(request), delegation, current, client_address(request))
    except ValidationFailed as error:
        return await _delete_page(delegation, current, office, error)
    base = _office_path(delegation) if office else _account_path(delegation)
    return Redirect(f"{base}?removed=1#members", status_code=303)


MINE = "/account/delegations/{delegation_id:int}"
OFFICE_ONE = "/manage/delegations/{delegation_id:int}"


@get(f"{MINE}/members/new", guards=COORDINATORS, cache_control=NO_STORE)
async def my_member_new(request: Request, delegation_id: FromPath[int]) -> Template:
    return await _member_page(await _coordinated(request, delegation_id), office=False)


@post(f"{MINE}/members/new", guards=COORDINATORS, cache_control=NO_STORE)
async def my_member_create(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    return await _save(request, await _coordinated(request, delegation_id), None, False)


@get(f"{MINE}/members/{{member_id:int}}/edit", guards=COORDINATORS, cache_control=NO_STORE)
async def my_member_edit(
    request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
) -> Template:
    delegation = await _coordinated(request, delegation_id)
    current = await _member_or_404(delegation, member_id)
    return await _member_page(delegation, office=False, current=current)


@post(f"{MINE}/members/{{member_id:int}}/edit", guards=COORDINATORS, cache_control=NO_STORE)
async def my_member_update(
    request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
) -> Template | Redirect:
    delegation = await _coordinated(request, delegation_id)
    current = await _member_or_404(delegation, member_id)
    return await _save(request, delegation, current, False)


@get(f"{MINE}/members/{{member_id:int}}/delete", guards=COORDINATORS, cache_control=NO_STORE)
async def my_member_delete_confirm(
    request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
) -> Template:
    delegation = await _coordinated(request, delegation_id)
    return await _delete_page(delegation, await _member_or_404(delegation, member_id), False)


@post(f"{MINE}/members/{{member_id:int}}/delete", guards=COORDINATORS, cache_control=NO_STORE)
async def my_member_delete(
    request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
) -> Template | Redirect:
    delegation = await _coordinated(request, delegation_id)
    current = await _member_or_404(delegation, member_id)
    return await _delete(request, delegation, current, False)


# --- the spreadsheet import -------------------------------------------------------------------


async def _import_page(
    delegation: dict[str, Any],
    report: delegation_import.ImportReport | None = None,
    error: ValidationFailed | None = None,
) -> Template:
    event = await rules.event_of(delegation)
    return form_page(
        "events/delegations/import.html",
        error=error,
        status_code=400 if report is not None and not report.ok else 200,
        delegation=delegation,
        event=event,
        report=report,
        may_edit=rules.coordinator_may_edit(delegation, event),
        **_labels(),
    )


@get(f"{MINE}/import", guards=COORDINATORS, cache_control=NO_STORE)
async def my_import_form(request: Request, delegation_id: FromPath[int]) -> Template:
    return await _import_page(await _coordinated(request, delegation_id))


@post(f"{MINE}/import", guards=COORDINATORS, cache_control=NO_STORE)
async def my_import(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    delegation = await _coordinated(request, delegation_id)
    form = await request.form()
    upload = form.get("file")
    content = await upload.read() if isinstance(upload, UploadFile) and upload.filename else b""
    try:
        report = await delegation_import.import_members(
            viewer_of(request), delegation, content, client_address(request)
        )
    except ValidationFailed as error:
        return await _import_page(delegation, error=error)
    if not report.ok:
        return await _import_page(delegation, report)
    return Redirect(
        _account_path(delegation, f"?imported={report.added}&updated={report.updated}"),
        status_code=303,
    )


@get(f"{MINE}/template.xlsx", guards=COORDINATORS)
async def my_template(request: Request, delegation_id: FromPath[int]) -> Response:
    delegation = await _coordinated(request, delegation_id)
    event = await rules.event_of(delegation)
    content = delegation_import.template_xlsx(event)
    return _file(content, XLSX, f"delegation-{event['slug']}-{current_language()}.xlsx")


@get(f"{MINE}/members.xlsx", guards=COORDINATORS)
async def my_members_export(request: Request, delegation_id: FromPath[int]) -> Response:
    """The coordinator's own list, passport data masked."""
    delegation = await _coordinated(request, delegation_id)
    event = await rules.event_of(delegation)
    rows = await rules.members(delegation["id"])
    for row in rows:
        row["delegation_text"] = boards.text(delegation["organization_name"])
    content = await _workbook([boards.members_sheet(rows, event, clear=False)])
    return _file(content, XLSX, f"delegation-{delegation['id']}-members.xlsx")


# --- submitting -------------------------------------------------------------------------------


async def _submit_page(
    request: Request, delegation: dict[str, Any], error: ValidationFailed | None = None
) -> Template:
    event = await rules.event_of(delegation)
    rows = await rules.members(delegation["id"])
    return form_page(
        "events/delegations/submit.html",
        error=error,
        delegation=delegation,
        event=event,
        problems=rules.readiness(delegation, rows),
        members=len(rows),
        letters=sum(1 for row in rows if row["needs_letter"]),
        may_edit=rules.coordinator_may_edit(delegation, event),
        **_labels(),
    )


@get(f"{MINE}/submit", guards=COORDINATORS, cache_control=NO_STORE)
async def my_submit_confirm(request: Request, delegation_id: FromPath[int]) -> Template:
    return await _submit_page(request, await _coordinated(request, delegation_id))


@post(f"{MINE}/submit", guards=COORDINATORS, cache_control=NO_STORE)
async def my_submit(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    delegation = await _coordinated(request, delegation_id)
    try:
        await rules.submit(viewer_of(request), delegation, client_address(request))
    except ValidationFailed as error:
        return await _submit_page(request, delegation, error)
    return Redirect(_account_path(delegation, "?submitted=1"), status_code=303)


# --- the office: all delegations --------------------------------------------------------------


async def _office_index(
    request: Request,
    filters: boards.Filters,
    sort: str,
    page: int,
    error: ValidationFailed | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    listing, applied = await boards.overview_page(filters, sort, page)
    event = await boards.pick_event(filters.event) if filters.event else None
    organizations = []
    if event is not None:
        taken = Delegation.select(Delegation.organization).where(Delegation.event == event["id"])
        rows = (
            await Organization.select(Organization.id, Organization.name)
            .where(
                ((Organization.kind == "partner_city") | (Organization.country != "CN"))
                & Organization.id.not_in(taken)
            )
            .order_by(Organization.slug)
        )
        organizations = [(str(row["id"]), boards.text(row["name"])) for row in rows]
    filter_query = "".join(f"{k}={v}&" for k, v in filters.as_form().items() if v)
    return form_page(
        "events/delegations/office/index.html",
        error=error,
        values=values
        or {
            "freeze_at": local_input(event["delegations_freeze_at"], event["timezone"])
            if event
            else ""
        },
        page=listing,
        sort=applied,
        filters=filters.as_form(),
        filter_query=filter_query,
        counts=await boards.status_counts(event["id"] if event else None),
        event_choices=[
            (row["slug"], boards.text(row["title"]))
            for row in await boards.events_with_delegations()
        ],
        event=event,
        organizations=organizations,
        freeze=rules.freeze_at(event) if event else None,
        **_labels(),
    )


def _filters(event: str | None, status: str | None, organization: str | None) -> boards.Filters:
    return boards.Filters(_q(event), _q(status), _q(organization))


@get("/manage/delegations/", guards=OFFICE, cache_control=NO_STORE)
async def office_index(
    request: Request,
    event: Query = None,
    status: Query = None,
    organization: Query = None,
    sort: Query = None,
    page: Query = None,
) -> Template:
    return await _office_index(
        request,
        _filters(event, status, organization),
        _q(sort) or boards.DEFAULT_SORT,
        parse_page(page),
    )


@get("/manage/delegations/delegations.xlsx", guards=OFFICE)
async def office_index_export(
    event: Query = None, status: Query = None, organization: Query = None, sort: Query = None
) -> Response:
    rows = await boards.overview_rows(
        _filters(event, status, organization), _q(sort) or boards.DEFAULT_SORT
    )
    return _file(await _workbook([boards.overview_sheet(rows)]), XLSX, "delegations.xlsx")


@post("/manage/delegations/new", guards=OFFICE, cache_control=NO_STORE)
async def office_open(request: Request) -> Template | Redirect:
    data = await form_data(request)
    filters = boards.Filters(event=data.get("event", ""))
    organization = data.get("organization", "")
    try:
        if not organization.isdigit():
            raise ValidationFailed({"organization": gettext("Choose an organization.")})
        delegation_id = await rules.open_delegation(
            viewer_of(request), data.get("event", ""), int(organization), client_address(request)
        )
    except ValidationFailed as error:
        return await _office_index(request, filters, boards.DEFAULT_SORT, 1, error, data)
    return Redirect(lang_path(f"manage/delegations/{delegation_id}/"), status_code=303)


@post("/manage/delegations/freeze", guards=OFFICE, cache_control=NO_STORE)
async def office_freeze(request: Request) -> Template | Redirect:
    data = await form_data(request)
    event = await Event.select().where(Event.slug == data.get("event", "")).first()
    if event is None:
        raise NotFoundException()
    try:
        await rules.set_freeze(
            viewer_of(request), event, data.get("freeze_at", ""), client_address(request)
        )
    except ValidationFailed as error:
        filters = boards.Filters(event=event["slug"])
        return await _office_index(request, filters, boards.DEFAULT_SORT, 1, error, data)
    return Redirect(
        lang_path(f"manage/delegations/?event={event['slug']}&saved=1"), status_code=303
    )


# --- the office: one delegation ---------------------------------------------------------------


async def _office_page(
    request: Request,
    delegation: dict[str, Any],
    *,
    step: str = "",
    error: ValidationFailed | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    viewer = viewer_of(request)
    event = await rules.event_of(delegation)
    rows = await rules.members(delegation["id"])
    clear = rules.sees_passports(viewer)
    members = [rules.member_view(row, event, clear=clear) for row in rows]
    if clear and rows:
        await rules.audit_passport_view(
            viewer, "delegation", delegation["id"], "page", len(rows), client_address(request)
        )
    letter_rows = await rules.letters(delegation["id"], current_only=True)
    return form_page(
        "events/delegations/office/detail.html",
        error=error,
        values=values
        or {
            "protocol_rank": delegation["protocol_rank"],
            **(await rules.letter_defaults(viewer) if step == "letters" else {}),
        },
        delegation=delegation,
        event=event,
        members=members,
        clear=clear,
        problems=rules.readiness(delegation, rows),
        steps=rules.next_steps(delegation),
        step=step,
        letters=letter_rows,
        letters_by_member={row["delegate"]: row for row in letter_rows},
        letters_needed=sum(1 for row in rows if row["needs_letter"]),
        **_clock(event),
        **_labels(),
    )


@get(f"{OFFICE_ONE}/", guards=OFFICE, cache_control=NO_STORE)
async def office_delegation(request: Request, delegation_id: FromPath[int]) -> Template:
    return await _office_page(request, await _overseen(delegation_id))


async def _office_act(request: Request, delegation_id: int, step: str) -> Template | Redirect:
    delegation = await _overseen(delegation_id)
    data = await form_data(request)
    viewer, client = viewer_of(request), client_address(request)
    try:
        if step == "approve":
            await rules.approve(viewer, delegation, client)
        elif step == "return":
            await rules.return_delegation(viewer, delegation, data.get("comment", ""), client)
        elif step == "letters":
            await rules.issue_letters(viewer, delegation, data, client)
        elif step == "retry":
            await rules.retry_letters(viewer, delegation, client)
        elif step == "rank":
            await rules.set_rank(viewer, delegation, data.get("protocol_rank", ""), client)
        else:
            await rules.mark(viewer, delegation, data.get("step", ""), client)
    except ValidationFailed as error:
        shown = step if step in ("return", "letters") else ""
        return await _office_page(
            request, await _overseen(delegation_id), step=shown, error=error, values=data
        )
    return Redirect(_office_path(delegation, f"?done={step}"), status_code=303)


@post(f"{OFFICE_ONE}/approve", guards=OFFICE, cache_control=NO_STORE)
async def office_approve(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    return await _office_act(request, delegation_id, "approve")


@get(f"{OFFICE_ONE}/return", guards=OFFICE, cache_control=NO_STORE)
async def office_return_form(request: Request, delegation_id: FromPath[int]) -> Template:
    return await _office_page(request, await _overseen(delegation_id), step="return")


@post(f"{OFFICE_ONE}/return", guards=OFFICE, cache_control=NO_STORE)
async def office_return(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    return await _office_act(request, delegation_id, "return")


@get(f"{OFFICE_ONE}/letters", guards=OFFICE, cache_control=NO_STORE)
async def office_letters_form(request: Request, delegation_id: FromPath[int]) -> Template:
    return await _office_page(request, await _overseen(delegation_id), step="letters")


@post(f"{OFFICE_ONE}/letters", guards=OFFICE, cache_control=NO_STORE)
async def office_letters(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    return await _office_act(request, delegation_id, "letters")


@post(f"{OFFICE_ONE}/letters/retry", guards=OFFICE, cache_control=NO_STORE)
async def office_letters_retry(
    request: Request, delegation_id: FromPath[int]
) -> Template | Redirect:
    return await _office_act(request, delegation_id, "retry")


@post(f"{OFFICE_ONE}/mark", guards=OFFICE, cache_control=NO_STORE)
async def office_mark(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    return await _office_act(request, delegation_id, "mark")


@post(f"{OFFICE_ONE}/rank", guards=OFFICE, cache_control=NO_STORE)
async def office_rank(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    return await _office_act(request, delegation_id, "rank")


@get(f"{OFFICE_ONE}/letters.zip", guards=OFFICE)
async def office_letters_zip(request: Request, delegation_id: FromPath[int]) -> Response:
    _passports_allowed(request)
    delegation = await _overseen(delegation_id)
    found = await rules.letters_archive(
        viewer_of(request), delegation_id=delegation["id"], client=client_address(request)
    )
    if found is None:
        raise NotFoundException()
    return _file(found.content, found.media_type, found.filename)


@get("/manage/delegations/letters/{letter_id:int}", guards=OFFICE)
async def office_letter(request: Request, letter_id: FromPath[int]) -> Response:
    _passports_allowed(request)
    found = await rules.letter_download(viewer_of(request), letter_id, client_address(request))
    if found is None:
        raise NotFoundException()
    return _file(found.content, found.media_type, found.filename, inline=True)


@get(f"{OFFICE_ONE}/members.xlsx", guards=OFFICE)
async def office_members_export(request: Request, delegation_id: FromPath[int]) -> Response:
    viewer = viewer_of(request)
    delegation = await _overseen(delegation_id)
    event = await rules.event_of(delegation)
    rows = await rules.members(delegation["id"])
    for row in rows:
        row["delegation_text"] = boards.text(delegation["organization_name"])
    clear = rules.sees_passports(viewer)
    content = await _workbook([boards.members_sheet(rows, event, clear=clear)])
    if clear:
        await rules.audit_passport_view(
            viewer, "delegation", delegation["id"], "export", len(rows), client_address(request)
        )
    return _file(content, XLSX, f"delegation-{delegation['id']}-members.xlsx")


async def _rooms_page(
    delegation: dict[str, Any], error: ValidationFailed | None = None, values: Any = None
) -> Template:
    event = await rules.event_of(delegation)
    rows = await rules.members(delegation["id"])
    return form_page(
        "events/delegations/office/rooms.html",
        error=error,
        values=values
        or {
            **{f"hotel-{row['id']}": row["hotel"] for row in rows},
            **{f"room-{row['id']}": row["room"] for row in rows},
        },
        delegation=delegation,
        event=event,
        members=rows,
        hotels=await boards.hotel_names(event["id"]),
        **_labels(),
    )


@get(f"{OFFICE_ONE}/rooms", guards=OFFICE, cache_control=NO_STORE)
async def office_rooms_form(delegation_id: FromPath[int]) -> Template:
    return await _rooms_page(await _overseen(delegation_id))


@post(f"{OFFICE_ONE}/rooms", guards=OFFICE, cache_control=NO_STORE)
async def office_rooms(request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
    delegation = await _overseen(delegation_id)
    data = await form_data(request)
    everyone = data.get("hotel_all", "")
    rooms = {}
    for row in await rules.members(delegation["id"]):
        hotel = data.get(f"hotel-{row['id']}", "") or everyone
        rooms[row["id"]] = (hotel, data.get(f"room-{row['id']}", ""))
    try:
        await rules.set_rooms(viewer_of(request), delegation, rooms, client_address(request))
    except ValidationFailed as error:
        return await _rooms_page(delegation, error, data)
    return Redirect(_office_path(delegation, "?done=rooms"), status_code=303)


@get(f"{OFFICE_ONE}/members/new", guards=OFFICE, cache_control=NO_STORE)
async def office_member_new(delegation_id: FromPath[int]) -> Template:
    return await _member_page(await _overseen(delegation_id), office=True)


@post(f"{OFFICE_ONE}/members/new", guards=OFFICE, cache_control=NO_STORE)
async def office_member_create(
    request: Request, delegation_id: FromPath[int]
) -> Template | Redirect:
    return await _save(request, await _overseen(delegation_id), None, True)


@get(f"{OFFICE_ONE}/members/{{member_id:int}}/edit", guards=OFFICE, cache_control=NO_STORE)
async def office_member_edit(delegation_id: FromPath[int], member_id: FromPath[int]) -> Template:
    delegation = await _overseen(delegation_id)
    current = await _member_or_404(delegation, member_id)
    return await _member_page(delegation, office=True, current=current)


@post(f"{OFFICE_ONE}/members/{{member_id:int}}/edit", guards=OFFICE, cache_control=NO_STORE)
async def office_member_update(
    request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
) -> Template | Redirect:
    delegation = await _overseen(delegation_id)
    return await _save(request, delegation, await _member_or_404(delegation, member_id), True)


@get(f"{OFFICE_ONE}/members/{{member_id:int}}/delete", guards=OFFICE, cache_control=NO_STORE)
async def office_member_delete_confirm(
    delegation_id: FromPath[int], member_id: FromPath[int]
) -> Template:
    delegation = await _overseen(delegation_id)
    return await _delete_page(delegation, await _member_or_404(delegation, member_id), True)


@post(f"{OFFICE_ONE}/members/{{member_id:int}}/delete", guards=OFFICE, cache_control=NO_STORE)
async def office_member_delete(
    request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
) -> Template | Redirect:
    delegation = await _overseen(delegation_id)
    return await _delete(request, delegation, await _member_or_404(delegation, member_id), True)


# --- the office: boards -----------------------------------------------------------------------


async def _board_event(event: str | None) -> dict[str, Any] | None:
    found = await boards.pick_event(_q(event))
    if found is None and _q(event):
        raise NotFoundException()
    return found


async def _board(board: str, event_slug: str | None) -> Template:
    event = await _board_event(event_slug)
    context: dict[str, Any] = {
        "board": board,
        "event": event,
        "events": await boards.events_with_delegations(),
        **_labels(),
    }
    if event is not None:
        rows = await boards.board_members(event["id"])
        context["people"] = len(rows)
        context.update(_clock(event))
        if board == "arrivals":
            context["arrivals"], context["arrivals_unknown"] = boards.travel(
                rows, event["timezone"], "arrival"
            )
            context["departures"], context["departures_unknown"] = boards.travel(
                rows, event["timezone"], "departure"
            )
        elif board == "rooming":
            context["hotels"], context["homeless"] = boards.rooming(rows)
        elif board == "interpreters":
            context["interpreting"] = boards.interpreting(rows, event)
        elif board == "dietary":
            context["dietary"] = boards.dietary(rows)
        else:
            context["delegations"] = await boards.protocol(event["id"])
    return Template(f"events/delegations/office/{board}.html", context=context)


async def _board_file(board: str, event_slug: str | None) -> Response:
    event = await _board_event(event_slug)
    if event is None:
        raise NotFoundException()
    rows = await boards.board_members(event["id"])
    if board == "arrivals":
        sheets = [
            boards.travel_sheet(rows, event, "arrival"),
            boards.travel_sheet(rows, event, "departure"),
        ]
    elif board == "rooming":
        sheets = [boards.rooming_sheet(rows, event)]
    elif board == "interpreters":
        sheets = boards.interpreting_sheets(rows, event)
    elif board == "dietary":
        sheets = boards.dietary_sheets(rows)
    else:
        sheets = [boards.protocol_sheet(await boards.protocol(event["id"]))]
    return _file(await _workbook(sheets), XLSX, f"{event['slug']}-{board}.xlsx")


@get("/manage/delegations/arrivals", guards=OFFICE, cache_control=NO_STORE)
async def board_arrivals(event: Query = None) -> Template:
    return await _board("arrivals", event)


@get("/manage/delegations/rooming", guards=OFFICE, cache_control=NO_STORE)
async def board_rooming(event: Query = None) -> Template:
    return await _board("rooming", event)


@get("/manage/delegations/interpreters", guards=OFFICE, cache_control=NO_STORE)
async def board_interpreters(event: Query = None) -> Template:
    return await _board("interpreters", event)


@get("/manage/delegations/dietary", guards=OFFICE, cache_control=NO_STORE)
async def board_dietary(event: Query = None) -> Template:
    return await _board("dietary", event)


@get("/manage/delegations/protocol", guards=OFFICE, cache_control=NO_STORE)
async def board_protocol(event: Query = None) -> Template:
    return await _board("protocol", event)


@get("/manage/delegations/arrivals.xlsx", guards=OFFICE)
async def board_arrivals_file(event: Query = None) -> Response:
    return await _board_file("arrivals", event)


@get("/manage/delegations/rooming.xlsx", guards=OFFICE)
async def board_rooming_file(event: Query = None) -> Response:
    return await _board_file("rooming", event)


@get("/manage/delegations/interpreters.xlsx", guards=OFFICE)
async def board_interpreters_file(event: Query = None) -> Response:
    return await _board_file("interpreters", event)


@get("/manage/delegations/dietary.xlsx", guards=OFFICE)
async def board_dietary_file(event: Query = None) -> Response:
    return await _board_file("dietary", event)


@get("/manage/delegations/protocol.xlsx", guards=OFFICE)
async def board_protocol_file(event: Query = None) -> Response:
    return await _board_file("protocol", event)


@get("/manage/delegations/members.xlsx", guards=OFFICE)
async def board_members_file(request: Request, event: Query = None) -> Response:
    """Every member of the event's delegations; passport data in clear for the office."""
    viewer = viewer_of(request)
    found = await _board_event(event)
    if found is None:
        raise NotFoundException()
    rows = await boards.board_members(found["id"])
    clear = rules.sees_passports(viewer)
    content = await _workbook([boards.members_sheet(rows, found, clear=clear)])
    if clear:
        await rules.audit_passport_view(
            viewer, "event", found["id"], "members export", len(rows), client_address(request)
        )
    return _file(content, XLSX, f"{found['slug']}-delegation-members.xlsx")


@get("/manage/delegations/letters.zip", guards=OFFICE)
async def board_letters_zip(request: Request, event: Query = None) -> Response:
    _passports_allowed(request)
    found = await _board_event(event)
    if found is None:
        raise NotFoundException()
    archive = await rules.letters_archive(
        viewer_of(request), event_id=found["id"], client=client_address(request)
    )
    if archive is None:
        raise NotFoundException()
    return _file(archive.content, archive.media_type, archive.filename)


@get("/manage/delegations/badges.pdf", guards=OFFICE)
async def board_badges(event: Query = None) -> Response:
    found = await _board_event(event)
    if found is None:
        raise NotFoundException()
    rows = await boards.board_members(found["id"])
    badges = [
        letters.BadgeData(
            name_native=row["name_native"],
            name_zh=row["name_zh"],
            name_latin=row["name_latin"],
            organization=row["organization_name"] or row["delegation_text"],
            is_head=row["is_head"],
            second_language=rules.letter_language(row["nationality"]),
            code=row["registration_code"] or "",
        )
        for row in rows
    ]
    # CPU work: a thread keeps the event loop answering other requests meanwhile.
    content = await asyncio.to_thread(
        letters.badges_pdf, Translated.load(rules._loaded(found["title"])), badges
    )
    return _file(content, "application/pdf", f"{found['slug']}-badges.pdf", inline=True)


@get("/manage/delegations/retention", guards=OFFICE, cache_control=NO_STORE)
async def retention(request: Request) -> Template:
    """The dry-run report, any time: what the purge would remove, and when."""
    plan = await rules.purge_plan(within_days=rules.RETENTION_DAYS + 365)
    return Template(
        "events/delegations/office/retention.html",
        context={
            "plan": plan,
            "retention_days": rules.RETENTION_DAYS,
            "notice_days": rules.NOTICE_DAYS,
            "zone": viewer_of(request).timezone,
        },
    )


pages = [
    my_delegations,
    open_mine,
    my_delegation,
    my_rank,
    my_member_new,
    my_member_create,
    my_member_edit,
    my_member_update,
    my_member_delete_confirm,
    my_member_delete,
    my_import_form,
    my_import,
    my_template,
    my_members_export,
    my_submit_confirm,
    my_submit,
    office_index,
    office_index_export,
    office_open,
    office_freeze,
    office_delegation,
    office_approve,
    office_return_form,
    office_return,
    office_letters_form,
    office_letters,
    office_letters_retry,
    office_mark,
    office_rank,
    office_letters_zip,
    office_letter,
    office_members_export,
    office_rooms_form,
    office_rooms,
    office_member_new,
    office_member_create,
    office_member_edit,
    office_member_update,
    office_member_delete_confirm,
    office_member_delete,
    board_arrivals,
    board_rooming,
    board_interpreters,
    board_dietary,
    board_protocol,
    board_arrivals_file,
    board_rooming_file,
    board_interpreters_file,
    board_dietary_file,
    board_protocol_file,
    board_members_file,
    board_letters_zip,
    board_badges,
    retention,
]
api: list[object] = []
routes: list[object] = []
