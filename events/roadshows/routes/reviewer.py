"""The reviewers' side, under /<lang>/account/reviews/: their assignments only, scoring each
criterion with a comment (save and come back, or finish), the deck under the submission's
code, their own spreadsheet, and conflicts of interest they declare. In a blind call nothing
here names a person or an organization."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Response, Template

from core.errors import ValidationFailed
from core.pages import (
    attachment,
    client_address,
    form_data,
    form_page,
    found_or_404,
    lang_path,
    role_required,
    viewer_of,
)
from core.spreadsheets import download
from core.tables import Organization, Role
from events.roadshows.routes.loading import NO_STORE, deck_file
from events.roadshows.services import calls, exports, review, submissions
from events.roadshows.services.access import review_for
from events.roadshows.tables import Review, RoadshowCall, Submission

REVIEW_FORM = "events/roadshows/reviewer/review.html"


def _path(rest: str = "") -> str:
    return lang_path(f"account/reviews/{rest}")


class ReviewerController(Controller):
    path = "/account/reviews"
    guards = [role_required(Role.reviewer)]
    cache_control = NO_STORE

    @get("/")
    async def assignments(self, request: Request) -> Template:
        viewer = viewer_of(request)
        return Template(
            "events/roadshows/reviewer/list.html",
            context={
                "assignments": await review.assignments_of(viewer),
            },
        )

    @get("/conflicts")
    async def conflicts(self, request: Request) -> Template:
        return Template(
            "events/roadshows/reviewer/conflicts.html",
            context={
                "calls": await RoadshowCall.select(
                    RoadshowCall.id, RoadshowCall.event.title.as_alias("event_title")
                ).output(load_json=True),
                "organizations": await Organization.select(
                    Organization.id, Organization.name
                ).order_by(Organization.slug),
                "conflicts": await self._declared(request),
            },
        )

    async def _declared(self, request: Request) -> list[dict[str, Any]]:
        viewer = viewer_of(request)
        rows = []
        for call in await RoadshowCall.select(RoadshowCall.id).output(load_json=True):
            rows += await review.declared_by(viewer, call["id"])
        return rows

    async def _page(
        self,
        review_row: dict[str, Any],
        values: dict[str, Any],
        error: ValidationFailed | None = None,
    ) -> Template:
        shown = await review.view_for_reviewer(review_row)
        return form_page(
            REVIEW_FORM,
            error=error,
            values=values,
            review=review_row,
            criteria=calls.criteria(shown["call"]),
            labels=submissions.all_labels(),
            **shown,
        )

    @get("/{review_id:int}")
    async def show(self, request: Request, review_id: FromPath[int]) -> Template:
        row = await review_for(viewer_of(request), review_id)
        await self._live(row)
        values = {f"score_{k}": str(v) for k, v in (row["scores"] or {}).items()}
        values["comment"] = row["comment"]
        return await self._page(row, values)

    @staticmethod
    async def _live(row: dict[str, Any]) -> None:
        """A withdrawn submission's assignment is gone for the reviewer."""
        status = (
            await Submission.select(Submission.status)
            .output(load_json=True)
            .where(Submission.id == row["submission"])
            .first()
        )
        if status is None or status["status"] != "submitted":
            found_or_404(None)

    @post("/{review_id:int}")
    async def save(self, request: Request, review_id: FromPath[int]) -> Template | Redirect:
        viewer = viewer_of(request)
        row = await review_for(viewer, review_id)
        await self._live(row)
        data = await form_data(request)
        shown = await review.view_for_reviewer(row)
        try:
            await review.score(
                viewer,
                row,
                shown["call"],
                data,
                finish=data.get("action") == "finish",
                client=client_address(request),
            )
        except ValidationFailed as error:
            return await self._page(row, data, error)
        return Redirect(_path(f"{review_id}?saved=1"), status_code=303)

    @get("/{review_id:int}/deck")
    async def deck(self, request: Request, review_id: FromPath[int]) -> File:
        row = await review_for(viewer_of(request), review_id)
        await self._live(row)
        submission = (
            await Submission.select()
            .output(load_json=True)
            .where(Submission.id == row["submission"])
            .first()
        )
        return deck_file(submission or {"deck_file": ""})

    @get(["/export.xlsx", "/export.csv"])
    async def export(self, request: Request) -> Response[bytes]:
        kind = request.url.path.rsplit(".", 1)[-1]
        viewer = viewer_of(request)
        rows = (
            await Review.select(Review.id)
            .output(load_json=True)
            .where(Review.reviewer == viewer.id)
        )
        shown = []
        calls_by_id: dict[int, Any] = {}
        for row in rows:
            full = await review_for(viewer, row["id"])
            view = await review.view_for_reviewer(full)
            calls_by_id[view["call"]["id"]] = view["call"]
            shown.append(
                {
                    **view["submission"],
                    "scores": full["scores"],
                    "comment": full["comment"],
                    "done": full["done"],
                }
            )
        return attachment(download(kind, "reviews", exports.reviewer_sheet(shown, calls_by_id)))

    @post("/conflicts")
    async def declare(self, request: Request) -> Template | Redirect:
        data = await form_data(request)
        try:
            call = found_or_404(
                await RoadshowCall.select()
                .output(load_json=True)
                .where(RoadshowCall.id == int(data.get("call") or 0))
                .first()
            )
            await review.declare_conflict(
                viewer_of(request),
                call,
                int(data.get("organization") or 0),
                client_address(request),
            )
        except (ValueError, ValidationFailed):
            return Redirect(_path("conflicts?refused=1"), status_code=303)
        return Redirect(_path("conflicts?saved=1"), status_code=303)
