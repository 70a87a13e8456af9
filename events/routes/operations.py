"""Event operations: the organizers' registrations board (approve, reject, cancel, move up,
offer a seat), CSV/XLSX exports, and check-in at the door with a phone's camera.

Organizers (admins) run the board; the foreign-affairs office may also check people in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core.errors import ValidationFailed
from core.i18n import gettext
from core.pages import (
    NO_STORE,
    allowed,
    attachment,
    client_address,
    form_data,
    form_page,
    found_or_404,
    lang_path,
    viewer_of,
)
from core.paging import parse_page, query_string
from events.routes.back_office import event_or_404
from events.services import checkin, exports, registrations, seats
from events.services import questions as question_rules

MANAGE = "event.manage"
CHECK_IN = "event.check_in"
BOARD = "events/manage/registrations.html"
DETAIL = "events/manage/registration.html"
CHECKIN = "events/manage/checkin.html"
CHECKIN_RESULT = "events/manage/checkin_result.html"
# What the board's address may carry through an action and back (anything else is dropped).
BOARD_KEYS = ("status", "organization", "q", "sort", "page")

Query = Annotated[str | None, QueryParameter(required=False)]


def _board_query(raw: str) -> str:
    """A board address's query, reduced to the keys the board understands."""
    kept = {k: v for k, v in parse_qsl(raw) if k in BOARD_KEYS and v}
    return urlencode(kept)


def _board_url(slug: str, back: str, **flags: str) -> str:
    query = "&".join(part for part in (_board_query(back), urlencode(flags)) if part)
    return lang_path(f"manage/events/{slug}/registrations/" + (f"?{query}" if query else ""))


def _local_time(event: dict[str, Any]) -> Callable[[datetime], str]:
    return lambda value: exports.moment_text(value, event["timezone"])


def _filters(status: str | None, organization: str | None, q: str | None) -> exports.Filters:
    return exports.Filters.of(status or "", organization or "", q or "")


# --- The board -----------------------------------------------------------------------------


class RegistrationsBoardController(Controller):
    """The organizers' registrations board, its exports and the actions on one registration."""

    guards = [allowed(MANAGE)]
    cache_control = NO_STORE

    @get("/manage/events/{slug:str}/registrations/")
    async def board(
        self,
        request: Request,
        slug: FromPath[str],
        status: Query = None,
        organization: Query = None,
        q: Query = None,
        sort: Query = None,
        page: Query = None,
    ) -> Template:
        event = await event_or_404(slug)
        filters = _filters(status, organization, q)
        listing, applied = await exports.list_page(
            event, filters, sort or exports.DEFAULT_SORT, parse_page(page)
        )
        filter_query = query_string(filters.as_form())
        return Template(
            BOARD,
            context={
                "event": event,
                "page": listing,
                "sort": applied,
                "filters": filters.as_form(),
                "filter_query": filter_query,
                "list_query": _board_query(request.url.query or ""),
                "counts": await exports.status_counts(event["id"]),
                "seats": await seats.counts(event),
                "quotas": await exports.quota_usage(event["id"]),
                "organizations": await exports.organizations(event["id"]),
                "individuals": exports.INDIVIDUALS,
                "statuses": exports.status_labels(),
                "positions": await exports.waiting_positions(event["id"]),
                "export_query": filter_query + f"sort={applied}",
                "local_time": _local_time(event),
            },
        )

    @get(
        [
            "/manage/events/{slug:str}/registrations.csv",
            "/manage/events/{slug:str}/registrations.xlsx",
        ],
    )
    async def export(self, request: Request, slug: FromPath[str]) -> Response:
        """The board as CSV or XLSX (by the path's suffix), with the board's filters."""
        kind = "xlsx" if request.url.path.endswith(".xlsx") else "csv"
        query = {key: request.query_params.get(key) for key in EXPORT_FILTERS}
        return await _file(request, slug, kind, query)

    @get(
        "/manage/events/{slug:str}/registrations/{registration_id:int}",
    )
    async def registration_detail(
        self, slug: FromPath[str], registration_id: FromPath[int], back: Query = None
    ) -> Template:
        return await _detail_page(slug, registration_id, back)

    @post(
        "/manage/events/{slug:str}/registrations/{registration_id:int}/approve",
    )
    async def approve(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> Template | Redirect:
        return await _act(request, slug, registration_id, "approve")

    @get(
        "/manage/events/{slug:str}/registrations/{registration_id:int}/reject",
    )
    async def reject_form(
        self, slug: FromPath[str], registration_id: FromPath[int], back: Query = None
    ) -> Template:
        return await _detail_page(slug, registration_id, back, "reject")

    @post(
        "/manage/events/{slug:str}/registrations/{registration_id:int}/reject",
    )
    async def reject(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> Template | Redirect:
        return await _act(request, slug, registration_id, "reject")

    @get(
        "/manage/events/{slug:str}/registrations/{registration_id:int}/cancel",
    )
    async def cancel_confirm(
        self, slug: FromPath[str], registration_id: FromPath[int], back: Query = None
    ) -> Template:
        return await _detail_page(slug, registration_id, back, "cancel")

    @post(
        "/manage/events/{slug:str}/registrations/{registration_id:int}/cancel",
    )
    async def cancel(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> Template | Redirect:
        return await _act(request, slug, registration_id, "cancel")

    @post(
        "/manage/events/{slug:str}/registrations/{registration_id:int}/move-to-top",
    )
    async def move_to_top(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> Template | Redirect:
        return await _act(request, slug, registration_id, "move")

    @post(
        "/manage/events/{slug:str}/registrations/{registration_id:int}/offer",
    )
    async def offer(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> Template | Redirect:
        return await _act(request, slug, registration_id, "offer")


class CheckInController(Controller):
    """Check-in at the door: a phone's camera or a typed code."""

    guards = [allowed(CHECK_IN)]
    cache_control = NO_STORE

    @get("/manage/events/{slug:str}/checkin")
    async def checkin_page(self, slug: FromPath[str]) -> Template:
        return await _checkin_page(await event_or_404(slug))

    @post("/manage/events/{slug:str}/checkin")
    async def checkin_submit(self, request: Request, slug: FromPath[str]) -> Template:
        """The plain form: works without JavaScript."""
        event = await event_or_404(slug)
        result = await _scanned(request, event)
        if result is None:
            refusal = ValidationFailed({"code": gettext("Scan or type a check-in code.")})
            return await _checkin_page(event, error=refusal)
        return await _checkin_page(event, result)

    @post("/manage/events/{slug:str}/checkin/scan", status_code=200)
    async def checkin_scan(self, request: Request, slug: FromPath[str]) -> Response:
        """The camera's submission: the result panel as HTML (in the page language) and the
        fresh counts, so the scanner can keep running."""
        event = await event_or_404(slug)
        result = await _scanned(request, event)
        if result is None:
            return Response({"outcome": "empty"}, status_code=400)
        panel = request.app.template_engine.get_template(CHECKIN_RESULT).render(
            request=request, event=event, result=result, statuses=exports.status_labels()
        )
        return Response(
            {"outcome": result.outcome, "html": panel, **await checkin.stats(event["id"])}
        )


class CheckInStatsApi(Controller):
    """Live check-in counts for the staff's check-in page."""

    guards = [allowed(CHECK_IN)]
    cache_control = NO_STORE

    @get(
        "/events/{slug:str}/checkin/stats",
        include_in_schema=False,  # for the staff's check-in page, not for partners' systems
    )
    async def checkin_stats(self, slug: FromPath[str]) -> Response[CheckinStats]:
        event = await event_or_404(slug)
        counts = await checkin.stats(event["id"])
        return Response(
            CheckinStats(event=slug, **counts),
        )


async def _file(request: Request, slug: str, kind: str, query: dict[str, str | None]) -> Response:
    event = await event_or_404(slug)
    result = await exports.export(
        event,
        _filters(query["status"], query["organization"], query["q"]),
        query["sort"] or exports.DEFAULT_SORT,
        kind,
        viewer_of(request),
        client_address(request),
    )
    return attachment(result)


EXPORT_FILTERS = ("status", "organization", "q", "sort")


# --- One registration and the actions on it -------------------------------------------------


async def _registration_or_404(event: dict[str, Any], registration_id: int) -> dict[str, Any]:
    return found_or_404(await exports.registration(event, registration_id))


async def _detail(
    event: dict[str, Any],
    registration: dict[str, Any],
    back: str,
    *,
    step: str = "",
    error: ValidationFailed | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    questions = await question_rules.questions(event["id"])
    positions = await exports.waiting_positions(event["id"])
    return form_page(
        DETAIL,
        error=error,
        values=values,
        event=event,
        registration=registration,
        answers=exports.answer_list(questions, registration["answers"]),
        position=positions.get(registration["id"]),
        statuses=exports.status_labels(),
        step=step,
        back=_board_query(back),
        board_url=_board_url(event["slug"], back),
        local_time=_local_time(event),
    )


async def _detail_page(
    slug: str, registration_id: int, back: str | None, step: str = ""
) -> Template:
    """The detail page as a link from the board opens it (`step`: the form to show)."""
    event = await event_or_404(slug)
    registration = await _registration_or_404(event, registration_id)
    return await _detail(event, registration, back or "", step=step)


async def _act(
    request: Request, slug: str, registration_id: int, step: str = ""
) -> Template | Redirect:
    """Run one action from the board or the detail page: back to the board on success, the
    detail page with the reason on refusal (nothing changed then)."""
    event = await event_or_404(slug)
    registration = await _registration_or_404(event, registration_id)
    data = await form_data(request)
    viewer, client = viewer_of(request), client_address(request)
    try:
        if step == "approve":
            outcome = await registrations.approve(registration_id, viewer, client)
        elif step == "reject":
            await registrations.reject(registration_id, viewer, data.get("reason", ""), client)
            outcome = "rejected"
        elif step == "cancel":
            await registrations.cancel(registration_id, viewer, client)
            outcome = "cancelled"
        elif step == "move":
            await registrations.move_to_top(registration_id, viewer, client)
            outcome = "moved"
        else:
            await registrations.offer_seat_now(registration_id, viewer, client)
            outcome = "offered"
    except ValidationFailed as error:
        shown_step = "reject" if step == "reject" and "reason" in error.errors else ""
        return await _detail(
            event, registration, data.get("back", ""), step=shown_step, error=error, values=data
        )
    return Redirect(
        _board_url(slug, data.get("back", ""), done=outcome),
        status_code=303,
    )


# --- Check-in at the door ---------------------------------------------------------------------


async def _checkin_page(
    event: dict[str, Any],
    result: checkin.Result | None = None,
    error: ValidationFailed | None = None,
) -> Template:
    return form_page(
        CHECKIN,
        error=error,
        event=event,
        result=result,
        stats=await checkin.stats(event["id"]),
        statuses=exports.status_labels(),
    )


async def _scanned(request: Request, event: dict[str, Any]) -> checkin.Result | None:
    code = (await form_data(request)).get("code", "")
    if not code:
        return None
    return await checkin.scan(event, code, viewer_of(request), client_address(request))


class CheckinStats(msgspec.Struct):
    """Arrivals at an event so far."""

    event: str
    checked_in: int
    confirmed: int
