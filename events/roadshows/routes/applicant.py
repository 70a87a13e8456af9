"""The applicants' side, under /<lang>/account/roadshows/: open calls, an organization's
submissions (drafts, submitting, editing and withdrawing while the call is open), and for a
pitching team its meeting requests, availability and outcomes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from core.errors import ValidationFailed
from core.pages import (
    client_address,
    form_data,
    form_lists,
    form_page,
    lang_path,
    signed_in,
    uploaded_file,
    viewer_of,
)
from core.vocabulary import field_labels
from events.roadshows.routes.loading import NO_STORE, call_or_404, deck_file
from events.roadshows.services import calls, decks, submissions
from events.roadshows.services.access import submission_for
from events.roadshows.services.calls import CURRENCIES

FORM = "events/roadshows/applicant/form.html"
DETAIL = "events/roadshows/applicant/submission.html"


def _path(rest: str = "") -> str:
    return lang_path(f"account/roadshows/{rest}")


class ApplicantController(Controller):
    path = "/account/roadshows"
    guards = [signed_in]
    cache_control = NO_STORE

    @get("/")
    async def home(self, request: Request) -> Template:
        viewer = viewer_of(request)
        return Template(
            "events/roadshows/applicant/list.html",
            context={
                "calls": await submissions.open_calls(),
                "mine": await submissions.of_organizations(viewer),
                "labels": submissions.all_labels(),
            },
        )

    async def _form(
        self,
        request: Request,
        call: dict[str, Any],
        values: dict[str, Any],
        submission: dict[str, Any] | None = None,
        error: ValidationFailed | None = None,
    ) -> Template:
        return form_page(
            FORM,
            error=error,
            values=values,
            call=call,
            submission=submission,
            labels=submissions.all_labels(),
            organizations=await submissions.organizations_of(viewer_of(request)),
            currency_options=[(code, code) for code in CURRENCIES],
            trl_options=[(str(n), str(n)) for n in range(1, 10)],
            field_options=[("", "—")]
            + [(k, v) for k, v in field_labels().items() if k in (call["fields"] or [])],
            accept=decks.ACCEPT,
        )

    @get("/{slug:str}/apply")
    async def new(self, request: Request, slug: FromPath[str]) -> Template:
        _event, call = await call_or_404(slug)
        return await self._form(request, call, submissions.new_values())

    @post("/{slug:str}/apply", request_max_body_size=decks.MAX_REQUEST_BYTES)
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        _event, call = await call_or_404(slug)
        return await self._save(request, call, None)

    async def _save(
        self, request: Request, call: dict[str, Any], row: dict[str, Any] | None
    ) -> Template | Redirect:
        data = await form_data(request)
        sought = await form_lists(request, "sought")
        try:
            submission_id = await submissions.save(
                viewer_of(request),
                call,
                data,
                sought,
                await uploaded_file(request, "deck"),
                submission=row,
                submit=data.get("action") == "submit",
                client=client_address(request),
            )
        except ValidationFailed as error:
            return await self._form(request, call, {**data, "sought": sought}, row, error)
        return Redirect(_path(f"submissions/{submission_id}?saved=1"), status_code=303)

    async def _mine(self, request: Request, submission_id: FromPath[int]) -> tuple[dict, dict]:
        row = await submission_for(viewer_of(request), submission_id)
        call = await submissions.call_with_event(row["call"])
        return row, call

    @get("/submissions/{submission_id:int}")
    async def detail(self, request: Request, submission_id: FromPath[int]) -> Template:
        row, call = await self._mine(request, submission_id)
        return Template(
            DETAIL,
            context={
                "submission": row,
                "call": call,
                "editable": calls.is_open(call) and row["status"] != "withdrawn",
                "organization": await submissions.organization_row(row["organization"]),
                "labels": submissions.all_labels(),
            },
        )

    @get("/submissions/{submission_id:int}/edit")
    async def edit(self, request: Request, submission_id: FromPath[int]) -> Template:
        row, call = await self._mine(request, submission_id)
        return await self._form(request, call, submissions.form_values(row), row)

    @post("/submissions/{submission_id:int}/edit", request_max_body_size=decks.MAX_REQUEST_BYTES)
    async def update(self, request: Request, submission_id: FromPath[int]) -> Template | Redirect:
        row, call = await self._mine(request, submission_id)
        return await self._save(request, call, row)

    @get("/submissions/{submission_id:int}/withdraw")
    async def withdraw_confirm(self, request: Request, submission_id: FromPath[int]) -> Template:
        row, call = await self._mine(request, submission_id)
        return form_page("events/roadshows/applicant/withdraw.html", submission=row, call=call)

    @post("/submissions/{submission_id:int}/withdraw")
    async def withdraw(self, request: Request, submission_id: FromPath[int]) -> Template | Redirect:
        row, call = await self._mine(request, submission_id)
        try:
            await submissions.withdraw(
                viewer_of(request), call, row, client=client_address(request)
            )
        except ValidationFailed as error:
            return form_page(
                "events/roadshows/applicant/withdraw.html", error=error, submission=row, call=call
            )
        return Redirect(_path(f"submissions/{submission_id}?withdrawn=1"), status_code=303)

    @get("/submissions/{submission_id:int}/deck")
    async def deck(self, request: Request, submission_id: FromPath[int]) -> File:
        row, _call = await self._mine(request, submission_id)
        return deck_file(row)
