"""The foreign-affairs office's boards over one event's delegations, under
/manage/delegations/: arrivals and departures, the rooming list, interpreters, dietary needs
and the order of precedence, each as a page and an XLSX workbook; every member as XLSX;
the name badges as PDF; and the retention report."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter
from litestar.response import Template

from core.content import Translated, json_value
from core.pages import NO_STORE, allowed, found_or_404, shown_inline, viewer_of
from core.spreadsheets import Download, Sheet
from events.delegations.routes import common
from events.delegations.services import (
    arrivals,
    boards,
    documents,
    hotels,
    needs,
    retention,
    sheets,
)
from events.delegations.services.vocabulary import letter_language, page_labels

Query = Annotated[str | None, QueryParameter(required=False)]
Rows = list[dict[str, Any]]
Event = dict[str, Any]
SheetsOf = Callable[[Rows, Event], list[Sheet]]
ContextOf = Callable[[Rows, Event], Awaitable[dict[str, Any]]]


async def _board(name: str, slug: str | None, context_of: ContextOf) -> Template:
    """The board page `office/<name>.html` for the event; `context_of` reads its members."""
    event = await common.board_event(slug)
    context: dict[str, Any] = {
        "board": name,
        "event": event,
        "events": await boards.events_with_delegations(),
        **page_labels(),
    }
    if event is not None:
        rows = await boards.board_members(event["id"])
        context.update(people=len(rows), **common.clock(event), **await context_of(rows, event))
    return Template(f"events/delegations/office/{name}.html", context=context)


async def _workbook(name: str, slug: str | None, sheets_of: SheetsOf) -> Response:
    event = found_or_404(await common.board_event(slug))
    rows = await boards.board_members(event["id"])
    return await common.workbook(f"{event['slug']}-{name}.xlsx", sheets_of(rows, event))


async def _travel(rows: Rows, event: Event) -> dict[str, Any]:
    found_in, unknown_in = arrivals.arrivals(rows, event["timezone"])
    found_out, unknown_out = arrivals.departures(rows, event["timezone"])
    return {
        "arrivals": found_in,
        "arrivals_unknown": unknown_in,
        "departures": found_out,
        "departures_unknown": unknown_out,
    }


async def _rooming(rows: Rows, _event: Event) -> dict[str, Any]:
    found, homeless = hotels.rooming(rows)
    return {"hotels": found, "homeless": homeless}


async def _interpreting(rows: Rows, event: Event) -> dict[str, Any]:
    return {"interpreting": needs.interpreting(rows, event)}


async def _dietary(rows: Rows, _event: Event) -> dict[str, Any]:
    return {"dietary": needs.dietary(rows)}


async def _protocol(_rows: Rows, event: Event) -> dict[str, Any]:
    return {"delegations": await boards.protocol(event["id"])}


def _badge(row: dict[str, Any]) -> documents.BadgeData:
    return documents.BadgeData(
        name_native=row["name_native"],
        name_zh=row["name_zh"],
        name_latin=row["name_latin"],
        organization=row["organization_name"] or row["delegation_text"],
        is_head=row["is_head"],
        second_language=letter_language(row["nationality"]),
        code=row["registration_code"] or "",
    )


class DelegationBoards(Controller):
    """The foreign-affairs office (and organizers); the boards name people."""

    path = "/manage/delegations"
    guards = [allowed("delegation.oversee")]
    cache_control = NO_STORE

    @get("/arrivals")
    async def arrivals(self, event: Query = None) -> Template:
        return await _board("arrivals", event, _travel)

    @get("/rooming")
    async def rooming(self, event: Query = None) -> Template:
        return await _board("rooming", event, _rooming)

    @get("/interpreters")
    async def interpreters(self, event: Query = None) -> Template:
        return await _board("interpreters", event, _interpreting)

    @get("/dietary")
    async def dietary(self, event: Query = None) -> Template:
        return await _board("dietary", event, _dietary)

    @get("/protocol")
    async def protocol(self, event: Query = None) -> Template:
        return await _board("protocol", event, _protocol)

    @get("/arrivals.xlsx")
    async def arrivals_file(self, event: Query = None) -> Response:
        return await _workbook("arrivals", event, sheets.arrival_sheets)

    @get("/rooming.xlsx")
    async def rooming_file(self, event: Query = None) -> Response:
        return await _workbook("rooming", event, sheets.rooming_sheets)

    @get("/interpreters.xlsx")
    async def interpreters_file(self, event: Query = None) -> Response:
        return await _workbook("interpreters", event, sheets.interpreting_sheets)

    @get("/dietary.xlsx")
    async def dietary_file(self, event: Query = None) -> Response:
        return await _workbook("dietary", event, sheets.dietary_sheets)

    @get("/protocol.xlsx")
    async def protocol_file(self, event: Query = None) -> Response:
        found = found_or_404(await common.board_event(event))
        order = await boards.protocol(found["id"])
        return await common.workbook(
            f"{found['slug']}-protocol.xlsx", [sheets.protocol_sheet(order)]
        )

    @get("/members.xlsx")
    async def members_file(self, request: Request, event: Query = None) -> Response:
        """Every member of the event's delegations; passport data in clear for the office."""
        found = found_or_404(await common.board_event(event))
        rows = await boards.board_members(found["id"])
        filename = f"{found['slug']}-delegation-members.xlsx"
        about = ("event", found["id"], "members export")
        return await common.members_workbook(request, found, rows, filename, about)

    @get("/badges.pdf")
    async def badges(self, event: Query = None) -> Response:
        found = found_or_404(await common.board_event(event))
        badges = [_badge(row) for row in await boards.board_members(found["id"])]
        title = Translated.load(json_value(found["title"]))
        # CPU work: a thread keeps the event loop answering other requests meanwhile.
        content = await asyncio.to_thread(documents.badges_pdf, title, badges)
        return shown_inline(Download(f"{found['slug']}-badges.pdf", "application/pdf", content))

    @get("/retention")
    async def retention(self, request: Request) -> Template:
        """The dry-run report, any time: what the purge would remove, and when."""
        plan = await retention.purge_plan(within_days=retention.RETENTION_DAYS + 365)
        return Template(
            "events/delegations/office/retention.html",
            context={
                "plan": plan,
                "retention_days": retention.RETENTION_DAYS,
                "notice_days": retention.NOTICE_DAYS,
                "zone": viewer_of(request).timezone,
            },
        )
