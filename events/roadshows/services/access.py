"""Who may do what in a roadshow: the rules registered with core.access, and the loaders
that fetch one object for one viewer or raise the refusal (404 for someone else's object)."""

from __future__ import annotations

from typing import Any

from litestar.exceptions import NotFoundException

from core.access import Viewer, require, rule
from core.tables import Role
from events.roadshows.tables import Review, Submission


@rule("roadshow.manage")
def _manage(_viewer: Viewer, _obj: Any) -> bool:
    return False  # organizers only (admins pass every rule)


@rule("roadshow.submission.edit")
def _edit_submission(viewer: Viewer, submission: Any) -> bool:
    return viewer.acts_for(submission["organization"])


@rule("roadshow.review")
def _review(viewer: Viewer, review: Any) -> bool:
    return viewer.has_role(Role.reviewer) and review["reviewer"] == viewer.id


async def submission_for(viewer: Viewer, submission_id: int) -> dict[str, Any]:
    """A submission its own organization's people (and organizers) may open."""
    row = (
        await Submission.select()
        .output(load_json=True)
        .where(Submission.id == submission_id)
        .first()
    )
    if row is None:
        raise NotFoundException()
    require(viewer, "roadshow.submission.edit", row)
    return row


async def review_for(viewer: Viewer, review_id: int) -> dict[str, Any]:
    """An assignment, for the reviewer it was given to (and organizers)."""
    row = await Review.select().output(load_json=True).where(Review.id == review_id).first()
    if row is None:
        raise NotFoundException()
    require(viewer, "roadshow.review", row)
    return row
