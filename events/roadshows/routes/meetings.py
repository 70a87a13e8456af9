"""1:1 meetings at a roadshow: the investors' pages under /<lang>/account/roadshows/<slug>/
matchmaking/ (browse, interest, requests, their schedule and its .ics), the team's answers
under the submission, and the organizer's grid under /<lang>/manage/events/<slug>/roadshow/
meetings/."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.errors import ValidationFailed
from core.i18n import current_language
from core.pages import (
    client_address,
    form_data,
    form_lists,
    form_page,
    lang_path,
    role_required,
    signed_in,
    viewer_of,
)
from events.roadshows.routes.loading import NO_STORE, call_or_404, event_or_404
from events.roadshows.services import matchmaking, meetings, submissions
from events.roadshows.services.access import submission_for
from events.roadshows.services.moments import read_int

BROWSE = "events/roadshows/matchmaking/pitches.html"
SCHEDULE = "events/roadshows/matchmaking/schedule.html"
TEAM = "events/roadshows/applicant/meetings.html"
GRID = "events/roadshows/manage/meetings.html"


def _number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 0


class MatchmakingController(Controller):
    path = "/account/roadshows/{slug:str}/matchmaking"
    guards = [signed_in]
    cache_control = NO_STORE

    async def _browse(
        self,
        request: Request,
        event: dict[str, Any],
        error: ValidationFailed | None = None,
        values: dict[str, Any] | None = None,
    ) -> Template:
        return form_page(
            BROWSE,
            error=error,
            values=values,
            event=event,
            pitches=await matchmaking.accepted_pitches(viewer_of(request), event),
            labels=submissions.all_labels(),
        )

    @get("/")
    async def browse(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._browse(request, await event_or_404(slug))

    @post("/{submission_id:int}/interest")
    async def interest(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        try:
            await matchmaking.toggle_interest(viewer_of(request), event, submission_id)
        except ValidationFailed as error:
            return await self._browse(request, event, error)
        return Redirect(lang_path(f"account/roadshows/{slug}/matchmaking/"), status_code=303)

    @post("/{submission_id:int}/request")
    async def request_meeting(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        try:
            await matchmaking.request_meeting(
                viewer_of(request),
                event,
                submission_id,
                data.get("message", ""),
                client_address(request),
            )
        except ValidationFailed as error:
            return await self._browse(request, event, error, {**data, "for": submission_id})
        return Redirect(
            lang_path(f"account/roadshows/{slug}/matchmaking/?requested=1"), status_code=303
        )

    async def _mine(self, request: Request, slug: str) -> tuple[dict[str, Any], list[dict]]:
        event = await event_or_404(slug)
        viewer = viewer_of(request)
        if not await meetings.may_have_schedule(viewer, event):
            await matchmaking.require_investor(viewer, event)
        return event, await meetings.schedule_of(viewer, event)

    @get("/schedule")
    async def schedule(self, request: Request, slug: FromPath[str]) -> Template:
        event, mine = await self._mine(request, slug)
        return Template(
            SCHEDULE,
            context={
                "event": event,
                "meetings": mine,
                "slots": await meetings.slots_of(event),
                "away": await meetings.away_slots(viewer_of(request), event),
                "print": request.query_params.get("print") == "1",
            },
        )

    @post("/schedule")
    async def availability(self, request: Request, slug: FromPath[str]) -> Redirect:
        event, _mine = await self._mine(request, slug)
        away = [_number(raw) for raw in await form_lists(request, "away")]
        await meetings.set_away(viewer_of(request), event, away)
        return Redirect(
            lang_path(f"account/roadshows/{slug}/matchmaking/schedule?saved=1"), status_code=303
        )

    @get("/schedule.ics")
    async def calendar(self, request: Request, slug: FromPath[str]) -> Response[bytes]:
        event, mine = await self._mine(request, slug)
        return Response(
            meetings.ics(event, mine, current_language()),
            media_type="text/calendar",
            headers={"Content-Disposition": f'attachment; filename="meetings-{slug}.ics"'},
        )


class TeamMeetingsController(Controller):
    path = "/account/roadshows/submissions/{submission_id:int}/meetings"
    guards = [signed_in]
    cache_control = NO_STORE

    async def _page(
        self, request: Request, row: dict[str, Any], error: ValidationFailed | None = None
    ) -> Template:
        return form_page(
            TEAM,
            error=error,
            submission=row,
            call=await submissions.call_with_event(row["call"]),
            requests=await matchmaking.requests_for_team(viewer_of(request), row),
        )

    @get("/")
    async def requests(self, request: Request, submission_id: FromPath[int]) -> Template:
        row = await submission_for(viewer_of(request), submission_id)
        return await self._page(request, row)

    @post("/{meeting_id:int}")
    async def answer(
        self, request: Request, submission_id: FromPath[int], meeting_id: FromPath[int]
    ) -> Template | Redirect:
        row = await submission_for(viewer_of(request), submission_id)
        data = await form_data(request)
        try:
            await matchmaking.answer(
                viewer_of(request),
                row,
                meeting_id,
                data.get("answer") == "accept",
                client_address(request),
            )
        except ValidationFailed as error:
            return await self._page(request, row, error)
        return Redirect(
            lang_path(f"account/roadshows/submissions/{submission_id}/meetings/"), status_code=303
        )


class MeetingsController(Controller):
    path = "/manage/events/{slug:str}/roadshow/meetings"
    guards = [role_required()]
    cache_control = NO_STORE

    async def _page(
        self, slug: str, error: ValidationFailed | None = None, values: dict | None = None
    ) -> Template:
        event, call = await call_or_404(slug)
        return form_page(
            GRID,
            error=error,
            values=values or {"tables": str(call["meeting_tables"])},
            event=event,
            call=call,
            grid=await meetings.grid(event, call),
            registrants=await meetings.registrants(event),
        )

    @get("/")
    async def board(self, slug: FromPath[str]) -> Template:
        return await self._page(slug)

    @post("/investors")
    async def investors(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        try:
            await meetings.set_investor(
                viewer_of(request),
                event,
                _number(data.get("registration")),
                data.get("investor") == "1",
                client_address(request),
            )
        except ValidationFailed as error:
            return await self._page(slug, error)
        return Redirect(lang_path(f"manage/events/{slug}/roadshow/meetings/"), status_code=303)

    @post("/schedule")
    async def run(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event, call = await call_or_404(slug)
        data = await form_data(request)
        errors: dict[str, str] = {}
        tables = read_int(data, "tables", 1, 500, errors)
        try:
            if errors:
                raise ValidationFailed(errors)
            placed, left = await meetings.run_scheduler(
                viewer_of(request), event, call, tables, client_address(request)
            )
        except ValidationFailed as error:
            return await self._page(slug, error, data)
        return Redirect(
            lang_path(f"manage/events/{slug}/roadshow/meetings/?placed={placed}&left={left}"),
            status_code=303,
        )

    @post("/{meeting_id:int}/move")
    async def move(
        self, request: Request, slug: FromPath[str], meeting_id: FromPath[int]
    ) -> Template | Redirect:
        event, call = await call_or_404(slug)
        data = await form_data(request)
        try:
            await meetings.move(
                viewer_of(request),
                event,
                call,
                meeting_id,
                _number(data.get("slot")),
                _number(data.get("table")),
                client_address(request),
            )
        except ValidationFailed as error:
            return await self._page(slug, error)
        return Redirect(lang_path(f"manage/events/{slug}/roadshow/meetings/"), status_code=303)

    @post("/{meeting_id:int}/no-show")
    async def no_show(
        self, request: Request, slug: FromPath[str], meeting_id: FromPath[int]
    ) -> Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        await meetings.mark_no_show(
            viewer_of(request),
            event,
            meeting_id,
            data.get("no_show") == "1",
            client_address(request),
        )
        return Redirect(lang_path(f"manage/events/{slug}/roadshow/meetings/"), status_code=303)
