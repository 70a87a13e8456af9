"""What the coordinators' and the office's delegation pages share: the label tables and
clock of every page, files to show or save, and the member pages (form, save, remove), which
each audience serves under its own address and layout (`Side`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.response import Redirect, Template

from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import gettext, zone_name
from core.organizations import country_choices
from core.pages import (
    attachment,
    client_address,
    form_data,
    form_lists,
    form_page,
    found_or_404,
    lang_path,
    viewer_of,
)
from core.spreadsheets import XLSX_TYPE, Download, Sheet, xlsx_bytes
from events.delegations.services import boards, member_form, members, policy, records, sheets
from events.delegations.services.vocabulary import page_labels
from events.services.exports import moment_text

MEMBER_FORM = "events/delegations/member_form.html"
CONFIRM = "events/delegations/confirm.html"
ACCOUNT_LAYOUT = "base.html"
OFFICE_LAYOUT = "core/manage/_layout.html"


def clock(event: dict[str, Any]) -> dict[str, Any]:
    """Times in table cells without the zone, which the page names once."""
    return {
        "local_time": lambda value: moment_text(value, event["timezone"]),
        "zone_text": zone_name(event["timezone"], event["starts_at"]),
    }


async def workbook(filename: str, sheets: list[Sheet]) -> Response[bytes]:
    """Sheets as an XLSX download. Writing a workbook is CPU work: in a thread, so other
    requests are answered meanwhile."""
    content = await asyncio.to_thread(xlsx_bytes, sheets)
    return attachment(Download(filename, XLSX_TYPE, content))


async def members_workbook(
    request: Request,
    event: dict[str, Any],
    rows: list[dict[str, Any]],
    filename: str,
    about: tuple[str, int, str],
) -> Response[bytes]:
    """Every member in `rows` with every field, passport data as the viewer may see it; a
    view in clear is audit-logged against `about` (object type, id, what was viewed)."""
    viewer = viewer_of(request)
    sheet = sheets.members_sheet(rows, event, members.reveal_for(viewer))
    response = await workbook(filename, [sheet])
    if policy.sees_passports(viewer):
        await policy.audit_passport_view(viewer, *about, len(rows), client_address(request))
    return response


async def delegation_workbook(request: Request, delegation: dict[str, Any]) -> Response[bytes]:
    """One delegation's members as XLSX (coordinators always see passport data masked)."""
    event = await records.event_of(delegation)
    rows = await records.members(delegation["id"])
    for row in rows:
        row["delegation_text"] = plain_text(delegation["organization_name"])
    filename = f"delegation-{delegation['id']}-members.xlsx"
    return await members_workbook(
        request, event, rows, filename, ("delegation", delegation["id"], "export")
    )


async def delegation_or_404(delegation_id: int) -> dict[str, Any]:
    return found_or_404(await records.get(delegation_id))


async def member_or_404(delegation: dict[str, Any], member_id: int) -> dict[str, Any]:
    return found_or_404(await records.member(delegation, member_id))


async def board_event(slug: str | None) -> dict[str, Any] | None:
    """The event a board or an event-wide file is about: the one asked for (404 when there is
    none such), else the next one with delegations."""
    wanted = (slug or "").strip()
    found = await boards.pick_event(wanted)
    if wanted:
        return found_or_404(found)
    return found


def _place_suggestions() -> list[str]:
    return [
        gettext("Urumqi Tianshan International Airport (URC)"),
        gettext("Urumqi Railway Station"),
        gettext("Urumqi South Railway Station"),
    ]


async def no_known_places(_event_id: int) -> list[str]:
    """A coordinator is offered the usual places only, never other delegations' data."""
    return []


async def known_places(event_id: int) -> list[str]:
    """The arrival places other delegations to the event have given."""
    rows = await boards.board_members(event_id)
    return [row["arrival_place"] for row in rows if row["arrival_place"]]


@dataclass(frozen=True)
class Side:
    """One audience's member pages: where its delegation pages live, their layout, and the
    arrival places its member form suggests."""

    area: str  # under /<lang>/, e.g. "account/delegations"
    layout: str
    places: Callable[[int], Awaitable[list[str]]]

    def path(self, delegation: dict[str, Any], rest: str = "") -> str:
        return lang_path(f"{self.area}/{delegation['id']}/{rest}")


COORDINATOR = Side("account/delegations", ACCOUNT_LAYOUT, no_known_places)
OFFICE = Side("manage/delegations", OFFICE_LAYOUT, known_places)


async def member_page(
    side: Side,
    delegation: dict[str, Any],
    current: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    error: ValidationFailed | None = None,
) -> Template:
    """The member form: a new member, or `current` (its passport data stays masked here)."""
    event = await records.event_of(delegation)
    base = side.path(delegation)
    if values is None:
        values = member_form.form_values(current, event) if current else {"languages": []}
    stored = members.member_view(current, event, members.masked) if current else None
    places = {*_place_suggestions(), *await side.places(event["id"])}
    return form_page(
        MEMBER_FORM,
        error=error,
        values=values,
        layout=side.layout,
        delegation=delegation,
        event=event,
        current=current,
        stored=stored,
        action=base + (f"members/{current['id']}/edit" if current else "members/new"),
        back=base,
        countries=countries(),
        places=sorted(places),
        zone=event["timezone"],
        **page_labels(),
    )


def countries() -> list[tuple[str, str]]:
    """Nationalities to choose from: the partner countries first, then all others."""
    found = country_choices()
    return [*found["partners"], *found["others"]]


async def save_member(
    side: Side, request: Request, delegation: dict[str, Any], current: dict[str, Any] | None
) -> Template | Redirect:
    data: dict[str, Any] = await form_data(request)
    data["languages"] = await form_lists(request, "languages")
    try:
        await members.save_member(
            viewer_of(request), delegation, data, current, client_address(request)
        )
    except ValidationFailed as error:
        return await member_page(side, delegation, current, data, error)
    return Redirect(side.path(delegation, "?saved=1#members"), status_code=303)


def delete_page(
    side: Side, delegation: dict[str, Any], current: dict[str, Any], error: Any = None
) -> Template:
    base = side.path(delegation)
    return form_page(
        CONFIRM,
        error=error,
        layout=side.layout,
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


async def delete_member(
    side: Side, request: Request, delegation: dict[str, Any], current: dict[str, Any]
) -> Template | Redirect:
    try:
        await members.delete_member(
            viewer_of(request), delegation, current, client_address(request)
        )
    except ValidationFailed as error:
        return delete_page(side, delegation, current, error)
    return Redirect(side.path(delegation, "?removed=1#members"), status_code=303)
