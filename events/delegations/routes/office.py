"""The foreign-affairs office's delegation pages, under /manage/delegations/: all delegations
(filtered, sorted, exported), opening one for an organization, the date coordinators stop
editing, and one delegation: review (approve, return with comments), visa letters, arrival
and departure, rooms, and its members with passport data in clear for the office's staff
(each such view audit-logged)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core.access import Viewer
from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import gettext
from core.moments import local_input
from core.pages import (
    NO_STORE,
    allowed,
    client_address,
    form_data,
    form_page,
    found_or_404,
    lang_path,
    viewer_of,
)
from core.paging import parse_page
from events.delegations.routes import common
from events.delegations.routes.common import OFFICE
from events.delegations.services import (
    boards,
    hotels,
    letters,
    members,
    opening,
    policy,
    records,
    sheets,
    states,
    workflow,
)
from events.delegations.services.vocabulary import page_labels
from events.tables import Event

ONE = "/{delegation_id:int}"
Query = Annotated[str | None, QueryParameter(required=False)]
# A step of the office's review: (viewer, delegation, form, client) → done.
Step = Callable[[Viewer, dict[str, Any], dict[str, str], str], Awaitable[Any]]


def _q(value: str | None) -> str:
    return (value or "").strip()


def _filters(event: str | None, status: str | None, organization: str | None) -> boards.Filters:
    return boards.Filters(_q(event), _q(status), _q(organization))


async def _index_page(
    filters: boards.Filters,
    sort: str,
    page: int,
    error: ValidationFailed | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    listing, applied = await boards.overview_page(filters, sort, page)
    event = await boards.pick_event(filters.event) if filters.event else None
    freeze_value = local_input(event["delegations_freeze_at"], event["timezone"]) if event else ""
    return form_page(
        "events/delegations/office/index.html",
        error=error,
        values=values or {"freeze_at": freeze_value},
        page=listing,
        sort=applied,
        filters=filters.as_form(),
        filter_query="".join(f"{k}={v}&" for k, v in filters.as_form().items() if v),
        counts=await boards.status_counts(event["id"] if event else None),
        event_choices=[
            (row["slug"], plain_text(row["title"]))
            for row in await boards.events_with_delegations()
        ],
        event=event,
        organizations=await opening.without_delegation(event["id"]) if event else [],
        freeze=states.freeze_at(event) if event else None,
        **page_labels(),
    )


async def _delegation_page(
    request: Request,
    delegation: dict[str, Any],
    step: str = "",
    error: ValidationFailed | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    """One delegation; `step` opens the return or letters form on the page."""
    viewer = viewer_of(request)
    event = await records.event_of(delegation)
    rows = await records.members(delegation["id"])
    clear = policy.sees_passports(viewer)
    if clear and rows:
        await policy.audit_passport_view(
            viewer, "delegation", delegation["id"], "page", len(rows), client_address(request)
        )
    letter_rows = await letters.current_letters(delegation["id"])
    defaults = await letters.letter_defaults(viewer) if step == "letters" else {}
    return form_page(
        "events/delegations/office/detail.html",
        error=error,
        values=values or {"protocol_rank": delegation["protocol_rank"], **defaults},
        delegation=delegation,
        event=event,
        members=[members.member_view(row, event, members.reveal_for(viewer)) for row in rows],
        clear=clear,
        problems=members.readiness(delegation, rows),
        steps=workflow.next_steps(delegation),
        step=step,
        letters=letter_rows,
        letters_by_member={row["delegate"]: row for row in letter_rows},
        letters_needed=sum(1 for row in rows if row["needs_letter"]),
        **common.clock(event),
        **page_labels(),
    )


async def _take(
    request: Request, delegation_id: int, step: Step, done: str, form: str = ""
) -> Template | Redirect:
    """Take one step; when refused, the page again with the reason (and `form` reopened)."""
    delegation = await common.delegation_or_404(delegation_id)
    data = await form_data(request)
    try:
        await step(viewer_of(request), delegation, data, client_address(request))
    except ValidationFailed as error:
        fresh = await common.delegation_or_404(delegation_id)
        return await _delegation_page(request, fresh, form, error, data)
    return Redirect(OFFICE.path(delegation, f"?done={done}"), status_code=303)


async def _approve(viewer: Viewer, delegation: dict, _data: dict, client: str) -> None:
    await workflow.approve(viewer, delegation, client)


async def _return(viewer: Viewer, delegation: dict, data: dict, client: str) -> None:
    await workflow.return_delegation(viewer, delegation, data.get("comment", ""), client)


async def _retry(viewer: Viewer, delegation: dict, _data: dict, client: str) -> None:
    await letters.retry_letters(viewer, delegation, client)


async def _rank(viewer: Viewer, delegation: dict, data: dict, client: str) -> None:
    await workflow.set_rank(viewer, delegation, data.get("protocol_rank", ""), client)


MARKS = {"arrived": workflow.mark_arrived, "departed": workflow.mark_departed}


async def _mark(viewer: Viewer, delegation: dict, data: dict, client: str) -> None:
    mark = MARKS.get(data.get("step", ""))
    if mark is None:
        raise ValidationFailed({"": gettext("Choose from the list.")})
    await mark(viewer, delegation, client)


async def _rooms_page(
    delegation: dict[str, Any], error: ValidationFailed | None = None, values: Any = None
) -> Template:
    event = await records.event_of(delegation)
    rows = await records.members(delegation["id"])
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
        hotels=await hotels.hotel_names(event["id"]),
        **page_labels(),
    )


class OfficeDelegations(Controller):
    """The foreign-affairs office (and organizers); every page and file is personal data."""

    path = "/manage/delegations"
    guards = [allowed("delegation.oversee")]
    cache_control = NO_STORE

    @get("/")
    async def index(
        self,
        event: Query = None,
        status: Query = None,
        organization: Query = None,
        sort: Query = None,
        page: Query = None,
    ) -> Template:
        filters = _filters(event, status, organization)
        return await _index_page(filters, _q(sort) or boards.DEFAULT_SORT, parse_page(page))

    @get("/delegations.xlsx")
    async def index_export(
        self,
        event: Query = None,
        status: Query = None,
        organization: Query = None,
        sort: Query = None,
    ) -> Response:
        filters = _filters(event, status, organization)
        rows = await boards.overview_rows(filters, _q(sort) or boards.DEFAULT_SORT)
        return await common.workbook("delegations.xlsx", [sheets.overview_sheet(rows)])

    @post("/new")
    async def open_delegation(self, request: Request) -> Template | Redirect:
        data = await form_data(request)
        organization = data.get("organization", "")
        try:
            if not organization.isdigit():
                raise ValidationFailed({"organization": gettext("Choose an organization.")})
            delegation_id = await opening.open_delegation(
                viewer_of(request),
                data.get("event", ""),
                int(organization),
                client_address(request),
            )
        except ValidationFailed as error:
            filters = boards.Filters(event=data.get("event", ""))
            return await _index_page(filters, boards.DEFAULT_SORT, 1, error, data)
        return Redirect(lang_path(f"manage/delegations/{delegation_id}/"), status_code=303)

    @post("/freeze")
    async def freeze(self, request: Request) -> Template | Redirect:
        data = await form_data(request)
        event = found_or_404(
            await Event.select().where(Event.slug == data.get("event", "")).first()
        )
        try:
            await workflow.set_freeze(
                viewer_of(request), event, data.get("freeze_at", ""), client_address(request)
            )
        except ValidationFailed as error:
            filters = boards.Filters(event=event["slug"])
            return await _index_page(filters, boards.DEFAULT_SORT, 1, error, data)
        return Redirect(
            lang_path(f"manage/delegations/?event={event['slug']}&saved=1"), status_code=303
        )

    # --- one delegation --------------------------------------------------------------------

    @get(f"{ONE}/")
    async def delegation(self, request: Request, delegation_id: FromPath[int]) -> Template:
        return await _delegation_page(request, await common.delegation_or_404(delegation_id))

    @post(f"{ONE}/approve")
    async def approve(self, request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
        return await _take(request, delegation_id, _approve, "approve")

    @get(f"{ONE}/return")
    async def return_form(self, request: Request, delegation_id: FromPath[int]) -> Template:
        delegation = await common.delegation_or_404(delegation_id)
        return await _delegation_page(request, delegation, step="return")

    @post(f"{ONE}/return")
    async def return_delegation(
        self, request: Request, delegation_id: FromPath[int]
    ) -> Template | Redirect:
        return await _take(request, delegation_id, _return, "return", form="return")

    @get(f"{ONE}/letters")
    async def letters_form(self, request: Request, delegation_id: FromPath[int]) -> Template:
        delegation = await common.delegation_or_404(delegation_id)
        return await _delegation_page(request, delegation, step="letters")

    @post(f"{ONE}/letters")
    async def issue_letters(
        self, request: Request, delegation_id: FromPath[int]
    ) -> Template | Redirect:
        return await _take(request, delegation_id, letters.issue_letters, "letters", "letters")

    @post(f"{ONE}/letters/retry")
    async def retry_letters(
        self, request: Request, delegation_id: FromPath[int]
    ) -> Template | Redirect:
        return await _take(request, delegation_id, _retry, "retry")

    @post(f"{ONE}/mark")
    async def mark(self, request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
        return await _take(request, delegation_id, _mark, "mark")

    @post(f"{ONE}/rank")
    async def rank(self, request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
        return await _take(request, delegation_id, _rank, "rank")

    @get(f"{ONE}/members.xlsx")
    async def members_export(self, request: Request, delegation_id: FromPath[int]) -> Response:
        delegation = await common.delegation_or_404(delegation_id)
        return await common.delegation_workbook(request, delegation)

    @get(f"{ONE}/rooms")
    async def rooms_form(self, delegation_id: FromPath[int]) -> Template:
        return await _rooms_page(await common.delegation_or_404(delegation_id))

    @post(f"{ONE}/rooms")
    async def rooms(self, request: Request, delegation_id: FromPath[int]) -> Template | Redirect:
        delegation = await common.delegation_or_404(delegation_id)
        data = await form_data(request)
        everyone = data.get("hotel_all", "")
        rooms = {}
        for row in await records.members(delegation["id"]):
            hotel = data.get(f"hotel-{row['id']}", "") or everyone
            rooms[row["id"]] = (hotel, data.get(f"room-{row['id']}", ""))
        try:
            await hotels.set_rooms(viewer_of(request), delegation, rooms, client_address(request))
        except ValidationFailed as error:
            return await _rooms_page(delegation, error, data)
        return Redirect(OFFICE.path(delegation, "?done=rooms"), status_code=303)

    # --- members -----------------------------------------------------------------------------

    @get(f"{ONE}/members/new")
    async def member_new(self, delegation_id: FromPath[int]) -> Template:
        return await common.member_page(OFFICE, await common.delegation_or_404(delegation_id))

    @post(f"{ONE}/members/new")
    async def member_create(
        self, request: Request, delegation_id: FromPath[int]
    ) -> Template | Redirect:
        delegation = await common.delegation_or_404(delegation_id)
        return await common.save_member(OFFICE, request, delegation, None)

    @get(f"{ONE}/members/{{member_id:int}}/edit")
    async def member_edit(self, delegation_id: FromPath[int], member_id: FromPath[int]) -> Template:
        delegation = await common.delegation_or_404(delegation_id)
        current = await common.member_or_404(delegation, member_id)
        return await common.member_page(OFFICE, delegation, current)

    @post(f"{ONE}/members/{{member_id:int}}/edit")
    async def member_update(
        self, request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
    ) -> Template | Redirect:
        delegation = await common.delegation_or_404(delegation_id)
        current = await common.member_or_404(delegation, member_id)
        return await common.save_member(OFFICE, request, delegation, current)

    @get(f"{ONE}/members/{{member_id:int}}/delete")
    async def member_delete_confirm(
        self, delegation_id: FromPath[int], member_id: FromPath[int]
    ) -> Template:
        delegation = await common.delegation_or_404(delegation_id)
        current = await common.member_or_404(delegation, member_id)
        return common.delete_page(OFFICE, delegation, current)

    @post(f"{ONE}/members/{{member_id:int}}/delete")
    async def member_delete(
        self, request: Request, delegation_id: FromPath[int], member_id: FromPath[int]
    ) -> Template | Redirect:
        delegation = await common.delegation_or_404(delegation_id)
        current = await common.member_or_404(delegation, member_id)
        return await common.delete_member(OFFICE, request, delegation, current)
