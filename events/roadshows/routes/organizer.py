"""The organizers' side of a roadshow, under /<lang>/manage/events/<slug>/roadshow/: the call,
assigning reviewers, the ranking with decisions, and sending the decision mails."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Response, Template

from core.errors import ValidationFailed
from core.i18n import gettext
from core.pages import (
    attachment,
    client_address,
    form_data,
    form_lists,
    form_page,
    found_or_404,
    lang_path,
    role_required,
    viewer_of,
)
from core.spreadsheets import download
from core.vocabulary import field_labels
from events.roadshows.routes.loading import NO_STORE, call_or_404, deck_file, event_or_404
from events.roadshows.services import (
    calls,
    exports,
    outcomes,
    pitches,
    ranking,
    review,
    submissions,
)
from events.roadshows.services.access import submission_for
from events.roadshows.tables import Review

CALL_FORM = "events/roadshows/manage/call_form.html"
OVERVIEW = "events/roadshows/manage/overview.html"


def _path(slug: str, rest: str = "") -> str:
    return lang_path(f"manage/events/{slug}/roadshow/{rest}")


async def _submission_of(
    request: Request, call: dict[str, Any], submission_id: FromPath[int]
) -> dict:
    row = await submission_for(viewer_of(request), submission_id)
    if row["call"] != call["id"]:
        found_or_404(None)
    return row


class OrganizerController(Controller):
    path = "/manage/events/{slug:str}/roadshow"
    guards = [role_required()]
    cache_control = NO_STORE

    @get("/")
    async def overview(self, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        call = await calls.call_of(event["id"])
        if call is None:
            return Redirect(_path(slug, "call"), status_code=303)
        return Template(
            OVERVIEW,
            context={
                "event": event,
                "call": call,
                "ranked": await ranking.ranking(call),
                "progress": await ranking.progress(call),
                "pool": await review.reviewer_pool(),
                "unsent": len(await ranking.unsent(call["id"])),
                "labels": submissions.all_labels(),
                "spread_flag": ranking.SPREAD_FLAG,
            },
        )

    @get("/call")
    async def call_form(self, slug: FromPath[str]) -> Template:
        event = await event_or_404(slug)
        call = await calls.call_of(event["id"])
        return self._call_page(event, call, calls.form_values_of(call, event))

    @post("/call")
    async def call_save(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        chosen = await form_lists(request, "fields")
        try:
            await calls.save(viewer_of(request), event, data, chosen, client_address(request))
        except ValidationFailed as error:
            call = await calls.call_of(event["id"])
            return self._call_page(event, call, {**data, "fields": chosen}, error)
        return Redirect(_path(slug, "?saved=1"), status_code=303)

    @staticmethod
    def _call_page(
        event: dict[str, Any],
        call: dict[str, Any] | None,
        values: dict[str, Any],
        error: ValidationFailed | None = None,
    ) -> Template:
        return form_page(
            CALL_FORM,
            error=error,
            values=values,
            event=event,
            call=call,
            fields=field_labels(),
            criteria_rows=range(calls.CRITERIA_ROWS),
        )

    @post("/assign")
    async def auto_assign(self, request: Request, slug: FromPath[str]) -> Redirect:
        _event, call = await call_or_404(slug)
        count = await review.auto_assign(viewer_of(request), call, client_address(request))
        return Redirect(_path(slug, f"?assigned={count}"), status_code=303)

    @get("/submissions/{submission_id:int}")
    async def submission(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[int]
    ) -> Template:
        event, call = await call_or_404(slug)
        row = await _submission_of(request, call, submission_id)
        return await self._submission_page(event, call, row, {})

    async def _submission_page(
        self,
        event: dict[str, Any],
        call: dict[str, Any],
        row: dict[str, Any],
        values: dict[str, Any],
        error: ValidationFailed | None = None,
    ) -> Template:
        reviews = (
            await Review.select(
                *Review.all_columns(),
                Review.reviewer.name.as_alias("reviewer_name"),
                Review.reviewer.email.as_alias("reviewer_email"),
            )
            .output(load_json=True)
            .where(Review.submission == row["id"])
            .order_by(Review.id)
        )
        organization = await submissions.organization_row(row["organization"])
        declared = await review.conflicts(call["id"])
        pool = [
            p
            for p in await review.reviewer_pool()
            if not review.conflicted(p, row["organization"], declared)
            and p["id"] not in {r["reviewer"] for r in reviews}
        ]
        return form_page(
            "events/roadshows/manage/submission.html",
            error=error,
            values=values,
            event=event,
            call=call,
            submission=row,
            organization=organization,
            reviews=reviews,
            reviewer_options=[(p["id"], p["name"] or p["email"]) for p in pool],
            criteria=calls.criteria(call),
            labels=submissions.all_labels(),
        )

    @post("/submissions/{submission_id:int}/reviewers")
    async def assign(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[int]
    ) -> Template | Redirect:
        event, call = await call_or_404(slug)
        row = await _submission_of(request, call, submission_id)
        data = await form_data(request)
        try:
            reviewer_id = int(data.get("reviewer", "0") or 0)
            await review.assign(viewer_of(request), call, row, reviewer_id, client_address(request))
        except (ValueError, ValidationFailed) as error:
            failure = error if isinstance(error, ValidationFailed) else ValidationFailed({})
            return await self._submission_page(event, call, row, data, failure)
        return Redirect(_path(slug, f"submissions/{submission_id}?saved=1"), status_code=303)

    @post("/submissions/{submission_id:int}/decision")
    async def decide(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[int]
    ) -> Template | Redirect:
        event, call = await call_or_404(slug)
        row = await _submission_of(request, call, submission_id)
        data = await form_data(request)
        try:
            await ranking.decide(
                viewer_of(request), row, data.get("decision", ""), client_address(request)
            )
        except ValidationFailed as error:
            return await self._submission_page(event, call, row, data, error)
        return Redirect(_path(slug, f"?saved=1#s{submission_id}"), status_code=303)

    @get("/submissions/{submission_id:int}/deck")
    async def deck(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[int]
    ) -> File:
        _event, call = await call_or_404(slug)
        row = await _submission_of(request, call, submission_id)
        return deck_file(row)

    @get("/decisions/send")
    async def send_confirm(self, slug: FromPath[str]) -> Template:
        event, call = await call_or_404(slug)
        return Template(
            "events/roadshows/manage/send_decisions.html",
            context={
                "event": event,
                "call": call,
                "unsent": await ranking.unsent(call["id"]),
                "labels": submissions.all_labels(),
            },
        )

    @post("/decisions/send")
    async def send(self, request: Request, slug: FromPath[str]) -> Redirect:
        _event, call = await call_or_404(slug)
        count = await ranking.send_decisions(viewer_of(request), call, client_address(request))
        return Redirect(_path(slug, f"?sent={count}"), status_code=303)

    @get(["/ranking.xlsx", "/ranking.csv"])
    async def ranking_export(self, request: Request, slug: FromPath[str]) -> Response[bytes]:
        event, call = await call_or_404(slug)
        kind = request.url.path.rsplit(".", 1)[-1]
        sheet = exports.ranking_sheet(call, await ranking.ranking(call))
        return attachment(download(kind, f"{event['slug']}-ranking", sheet))


class PitchesController(Controller):
    """The pitch schedule of a roadshow: accepted projects laid out in the agenda."""

    path = "/manage/events/{slug:str}/roadshow/pitches"
    guards = [role_required()]
    cache_control = NO_STORE

    @get("/")
    async def show(self, slug: FromPath[str]) -> Template:
        event, call = await call_or_404(slug)
        return await self._page(event, call, {"minutes": "10", "gap": "2"})

    @staticmethod
    async def _page(
        event: dict[str, Any],
        call: dict[str, Any],
        values: dict[str, Any],
        error: ValidationFailed | None = None,
    ) -> Template:
        return form_page(
            "events/roadshows/manage/pitches.html",
            error=error,
            values=values,
            event=event,
            call=call,
            pitches=await pitches.scheduled(event["id"]),
            accepted=await pitches.accepted_in_order(call),
            labels=submissions.all_labels(),
        )

    @post("/")
    async def lay_out(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event, call = await call_or_404(slug)
        data = await form_data(request)
        try:
            await pitches.schedule(viewer_of(request), event, call, data, client_address(request))
        except ValidationFailed as error:
            return await self._page(event, call, data, error)
        return Redirect(_path(slug, "pitches?saved=1"), status_code=303)

    @post("/{pitch_id:int}/presenter")
    async def presenter(
        self, request: Request, slug: FromPath[str], pitch_id: FromPath[int]
    ) -> Template | Redirect:
        event, call = await call_or_404(slug)
        data = await form_data(request)
        try:
            await pitches.set_presenter(
                viewer_of(request),
                event,
                pitch_id,
                data.get("presenter", ""),
                client_address(request),
            )
        except ValidationFailed as error:
            return await self._page(event, call, data, error)
        return Redirect(_path(slug, "pitches?saved=1"), status_code=303)


class OutcomesController(Controller):
    """What came of the pitches: recording outcomes, exchange rates, and the report."""

    path = "/manage/events/{slug:str}/roadshow/outcomes"
    guards = [role_required()]
    cache_control = NO_STORE

    @staticmethod
    async def _page(
        event: dict[str, Any],
        call: dict[str, Any],
        values: dict[str, Any],
        error: ValidationFailed | None = None,
    ) -> Template:
        found = await outcomes.report(event)
        return form_page(
            "events/roadshows/manage/outcomes.html",
            error=error,
            values={**{f"rate_{k}": v for k, v in (call["rates"] or {}).items()}, **values},
            event=event,
            call=call,
            report=found,
            charts=[
                outcomes.chart(found.by_country, "by-country", gettext("Amounts by country")),
                outcomes.chart(found.by_field, "by-field", gettext("Amounts by field")),
                outcomes.chart(found.by_kind, "by-kind", gettext("Amounts by kind of outcome")),
            ],
            kinds=outcomes.kind_labels(),
            projects=await outcomes.accepted_submissions(event["id"]),
            currencies=calls.CURRENCIES,
            currency_pairs=[(code, code) for code in calls.CURRENCIES],
        )

    @get("/")
    async def show(self, slug: FromPath[str]) -> Template:
        event, call = await call_or_404(slug)
        return await self._page(event, call, {"currency": "CNY"})

    @post("/")
    async def add(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event, call = await call_or_404(slug)
        data = await form_data(request)
        try:
            await outcomes.add(viewer_of(request), event, data, client=client_address(request))
        except ValidationFailed as error:
            return await self._page(event, call, data, error)
        return Redirect(_path(slug, "outcomes?saved=1"), status_code=303)

    @post("/rates")
    async def rates(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event, call = await call_or_404(slug)
        data = await form_data(request)
        try:
            await outcomes.save_rates(viewer_of(request), event, data, client_address(request))
        except ValidationFailed as error:
            return await self._page(event, call, data, error)
        return Redirect(_path(slug, "outcomes?saved=1"), status_code=303)

    @get(["/report.xlsx", "/report.csv"])
    async def export(self, request: Request, slug: FromPath[str]) -> Response[bytes]:
        event, _call = await call_or_404(slug)
        kind = request.url.path.rsplit(".", 1)[-1]
        sheet = outcomes.sheet(await outcomes.report(event))
        return attachment(download(kind, f"{event['slug']}-outcomes", sheet))
