"""Deleting a milestone from the team's side: a confirmation page, then the deletion (or the
reason it is refused)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.errors import ValidationFailed
from core.pages import client_address, found_or_404, lang_path, signed_in, viewer_of
from projects.routes.loading import project_scope
from projects.routes.team import project_context
from projects.services import milestone_removal, milestones, reports
from projects.services.projects import ProjectScope

CONFIRM = "projects/team/milestone_delete.html"


async def _confirm_page(
    current: ProjectScope, milestone: dict[str, Any], error: ValidationFailed | None = None
) -> Template:
    covering = await milestone_removal.reports_covering(current, milestone)
    return Template(
        CONFIRM,
        context=project_context(
            current,
            milestone=milestone,
            covering=[reports.period_label(period) for period in covering],
            errors=error.errors if error else {},
        ),
        status_code=400 if error else 200,
    )


class MilestoneRemoval(Controller):
    path = "/account/projects/{slug:str}/milestones/{milestone_id:int}/delete"
    guards = [signed_in]

    @get()
    async def confirm(
        self, request: Request, slug: FromPath[str], milestone_id: FromPath[int]
    ) -> Template:
        current = await project_scope(request, slug, "project.edit")
        milestone = found_or_404(await milestones.get(current, milestone_id))
        return await _confirm_page(current, milestone)

    @post()
    async def delete(
        self, request: Request, slug: FromPath[str], milestone_id: FromPath[int]
    ) -> Template | Redirect:
        current = await project_scope(request, slug, "project.edit")
        milestone = found_or_404(await milestones.get(current, milestone_id))
        try:
            await milestone_removal.delete(
                viewer_of(request), current, milestone, client_address(request)
            )
        except ValidationFailed as error:
            return await _confirm_page(current, milestone, error)
        return Redirect(
            lang_path(f"account/projects/{current.slug}/?deleted=1#milestones"), status_code=303
        )


pages = [MilestoneRemoval]
