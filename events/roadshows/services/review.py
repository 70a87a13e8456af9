"""Review of submissions: assigning reviewers (automatically with balanced load, or by hand),
conflicts of interest (never a reviewer of the applicant's own organization, nor one who
declared a conflict with it), and scores per criterion, saved and come back to.

In a blind call a reviewer's view of a submission carries no names of people or
organizations: not the team, not the organization, not the patent numbers or the video
link (either can name them), and the applicant's own texts have those names blacked out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.tables import Membership, Organization, Role, User
from events.roadshows.services.calls import criteria
from events.roadshows.tables import Conflict, Review, RoadshowCall, Submission, SubmissionStatus

REDACTED = "▇▇▇"


# --- who may review what --------------------------------------------------------------------


async def reviewer_pool() -> list[dict[str, Any]]:
    """Active reviewer accounts, each with the organizations they belong to."""
    people = (
        await User.select(User.id, User.name, User.email)
        .where((User.role == Role.reviewer.value) & (User.is_active == True))
        .order_by(User.id)
    )
    memberships = await Membership.select(Membership.user, Membership.organization).where(
        Membership.user.is_in([p["id"] for p in people] or [0])
    )
    for person in people:
        person["organizations"] = {
            m["organization"] for m in memberships if m["user"] == person["id"]
        }
    return people


async def conflicts(call_id: int) -> set[tuple[int, int]]:
    """(reviewer, organization) pairs declared for this call."""
    rows = await Conflict.select(Conflict.reviewer, Conflict.organization).where(
        Conflict.call == call_id
    )
    return {(row["reviewer"], row["organization"]) for row in rows}


def conflicted(reviewer: dict[str, Any], organization: int, declared: set[tuple[int, int]]) -> bool:
    return organization in reviewer["organizations"] or (reviewer["id"], organization) in declared


@dataclass(frozen=True)
class Candidate:
    id: int
    organizations: frozenset[int]


def plan_assignments(
    submissions: list[tuple[int, int]],
    reviewers: list[Candidate],
    declared: set[tuple[int, int]],
    existing: Iterable[tuple[int, int]],
    per_submission: int,
) -> list[tuple[int, int]]:
    """New (submission, reviewer) pairs so each submission reaches `per_submission` reviews
    where it can: the least-loaded eligible reviewer first, submissions with the fewest
    eligible reviewers first (they are the hardest to serve). `submissions` holds
    (submission id, organization id); nobody reviews their own organization's work or one
    they declared a conflict with."""
    load = {reviewer.id: 0 for reviewer in reviewers}
    have: dict[int, set[int]] = {}
    for submission_id, reviewer_id in existing:
        have.setdefault(submission_id, set()).add(reviewer_id)
        if reviewer_id in load:
            load[reviewer_id] += 1

    def eligible(submission_id: int, organization: int) -> list[Candidate]:
        taken = have.get(submission_id, set())
        return [
            r
            for r in reviewers
            if r.id not in taken
            and organization not in r.organizations
            and (r.id, organization) not in declared
        ]

    options = {sid: eligible(sid, org) for sid, org in submissions}
    order = sorted(submissions, key=lambda item: (len(options[item[0]]), item[0]))
    planned: list[tuple[int, int]] = []
    for submission_id, _organization in order:
        need = per_submission - len(have.get(submission_id, set()))
        if need <= 0:
            continue
        ranked = sorted(options[submission_id], key=lambda r: (load[r.id], r.id))
        for reviewer in ranked[:need]:
            load[reviewer.id] += 1
            have.setdefault(submission_id, set()).add(reviewer.id)
            planned.append((submission_id, reviewer.id))
    return planned


async def submitted(call_id: int) -> list[dict[str, Any]]:
    return (
        await Submission.select()
        .output(load_json=True)
        .where(
            (Submission.call == call_id) & (Submission.status == SubmissionStatus.submitted.value)
        )
        .order_by(Submission.id)
    )


async def auto_assign(actor: Viewer, call: dict[str, Any], client: str = "") -> int:
    """Assign reviewers to every submitted project that lacks them; returns how many."""
    require(actor, "roadshow.manage")
    async with write_transaction():
        rows = await submitted(call["id"])
        pool = [Candidate(p["id"], frozenset(p["organizations"])) for p in await reviewer_pool()]
        existing = (
            await Review.select(Review.submission, Review.reviewer)
            .output(load_json=True)
            .where(Review.submission.is_in([row["id"] for row in rows] or [0]))
        )
        planned = plan_assignments(
            [(row["id"], row["organization"]) for row in rows],
            pool,
            await conflicts(call["id"]),
            [(e["submission"], e["reviewer"]) for e in existing],
            call["reviews_per_submission"],
        )
        if planned:
            await Review.insert(
                *[
                    Review(
                        submission=sid,
                        reviewer=rid,
                        pair=f"{sid}:{rid}",
                        scores={},
                        assigned_by=actor.id,
                    )
                    for sid, rid in planned
                ]
            )
        await record(
            actor,
            "roadshow.auto_assign",
            "roadshow_call",
            call["id"],
            client=client,
            after={"assigned": len(planned)},
        )
    return len(planned)


async def assign(
    actor: Viewer,
    call: dict[str, Any],
    submission: dict[str, Any],
    reviewer_id: int,
    client: str = "",
) -> None:
    """Assign one reviewer by hand, unless it would break a conflict of interest."""
    require(actor, "roadshow.manage")
    pool = {p["id"]: p for p in await reviewer_pool()}
    reviewer = pool.get(reviewer_id)
    if reviewer is None:
        raise ValidationFailed({"reviewer": gettext("Choose a reviewer.")})
    if conflicted(reviewer, submission["organization"], await conflicts(call["id"])):
        raise ValidationFailed(
            {"reviewer": gettext("This reviewer has a conflict of interest with the applicant.")}
        )
    pair = f"{submission['id']}:{reviewer_id}"
    async with write_transaction():
        if await Review.exists().where(Review.pair == pair):
            raise ValidationFailed({"reviewer": gettext("This reviewer is already assigned.")})
        await Review(
            submission=submission["id"],
            reviewer=reviewer_id,
            pair=pair,
            scores={},
            assigned_by=actor.id,
        ).save()
        await record(
            actor,
            "roadshow.assign",
            "roadshow_submission",
            submission["id"],
            client=client,
            after={"reviewer": reviewer_id},
        )


async def unassign(actor: Viewer, review: dict[str, Any], client: str = "") -> None:
    require(actor, "roadshow.manage")
    async with write_transaction():
        await Review.delete().where(Review.id == review["id"])
        await record(
            actor,
            "roadshow.unassign",
            "roadshow_submission",
            review["submission"],
            client=client,
            before={"reviewer": review["reviewer"]},
        )


# --- conflicts reviewers declare ------------------------------------------------------------


async def declare_conflict(
    viewer: Viewer, call: dict[str, Any], organization_id: int, client: str = ""
) -> None:
    """Declare a conflict with an organization; assignments to its submissions that have no
    scores yet are dropped (scored ones stay for the organizer to judge)."""
    if not viewer.has_role(Role.reviewer) and not viewer.is_admin:
        raise ValidationFailed({"": gettext("Only reviewers declare conflicts of interest.")})
    if not await Organization.exists().where(Organization.id == organization_id):
        raise ValidationFailed({"organization": gettext("Choose an organization.")})
    key = f"{call['id']}:{viewer.id}:{organization_id}"
    async with write_transaction():
        if not await Conflict.exists().where(Conflict.key == key):
            await Conflict(
                call=call["id"], reviewer=viewer.id, organization=organization_id, key=key
            ).save()
        theirs = (
            await Submission.select(Submission.id)
            .output(load_json=True)
            .where((Submission.call == call["id"]) & (Submission.organization == organization_id))
        )
        await Review.delete().where(
            (Review.reviewer == viewer.id)
            & (Review.done == False)
            & Review.submission.is_in([row["id"] for row in theirs] or [0])
        )
        await record(
            viewer,
            "roadshow.conflict_declare",
            "roadshow_call",
            call["id"],
            client=client,
            after={"organization": organization_id},
        )


async def declared_by(viewer: Viewer, call_id: int) -> list[dict[str, Any]]:
    return await Conflict.select(
        Conflict.id, Conflict.organization, Conflict.organization.name.as_alias("name")
    ).where((Conflict.call == call_id) & (Conflict.reviewer == viewer.id))


# --- a reviewer's work ------------------------------------------------------------------------


async def assignments_of(viewer: Viewer) -> list[dict[str, Any]]:
    """The reviewer's assignments, with only what may be shown whatever the call's mode."""
    rows = (
        await Review.select(
            Review.id,
            Review.submission,
            Review.done,
            Review.updated_at,
            Review.submission.code.as_alias("code"),
            Review.submission.title.as_alias("title"),
            Review.submission.status.as_alias("status"),
            Review.submission.call.closes_at.as_alias("closes_at"),
            Review.submission.event.title.as_alias("event_title"),
            Review.submission.event.timezone.as_alias("timezone"),
        )
        .output(load_json=True)
        .where(Review.reviewer == viewer.id)
        .order_by(Review.id)
    )
    live = [row for row in rows if row["status"] == SubmissionStatus.submitted.value]
    for row in live:  # in a blind call the title loses its names here too
        row["title"] = (await view_for_reviewer(row))["submission"]["title"]
    return live


def names_in(submission: dict[str, Any], organization: dict[str, Any] | None) -> list[str]:
    """Every name a blind reviewer must not read: the team's and the organization's."""
    found = [member.get("name", "") for member in submission["team"] or []]
    if organization is not None:
        found += list(Translated.load(organization["name"]).text.values())
    return sorted({name.strip() for name in found if len(name.strip()) >= 2}, key=len, reverse=True)


def redact(text: str, names: list[str]) -> str:
    for name in names:
        text = re.sub(re.escape(name), REDACTED, text, flags=re.IGNORECASE)
    return text


def redacted(content: Any, names: list[str]) -> dict[str, Any]:
    loaded = Translated.load(content)
    return Translated(
        source=loaded.source, text={k: redact(v, names) for k, v in loaded.text.items()}
    ).dump()


async def view_for_reviewer(review: dict[str, Any]) -> dict[str, Any]:
    """The submission as its reviewer may see it: blind calls lose every name."""
    submission = (
        await Submission.select()
        .output(load_json=True)
        .where(Submission.id == review["submission"])
        .first()
    )
    assert submission is not None
    call = (
        await RoadshowCall.select()
        .output(load_json=True)
        .where(RoadshowCall.id == submission["call"])
        .first()
    )
    assert call is not None
    organization = (
        await Organization.select(Organization.name, Organization.country)
        .where(Organization.id == submission["organization"])
        .first()
    )
    shown = {
        key: submission[key]
        for key in (
            "id",
            "code",
            "title",
            "summary",
            "field",
            "trl",
            "ip_status",
            "stage",
            "sought",
            "amount",
            "currency",
            "licence_terms",
            "deck_kind",
        )
    }
    shown["has_deck"] = bool(submission["deck_file"])
    if call["blind"]:
        names = names_in(submission, organization)
        shown["title"] = redacted(submission["title"], names)
        shown["summary"] = redacted(submission["summary"], names)
        shown.update(team=[], organization_name=None, ip_numbers="", video_url="")
    else:
        shown.update(
            team=submission["team"] or [],
            organization_name=organization["name"] if organization else None,
            ip_numbers=submission["ip_numbers"],
            video_url=submission["video_url"],
        )
    return {"submission": shown, "call": call, "blind": call["blind"]}


def clean_scores(call: dict[str, Any], data: dict[str, str], complete: bool) -> dict[str, int]:
    errors: dict[str, str] = {}
    scores: dict[str, int] = {}
    for item in criteria(call):
        raw = data.get(f"score_{item['key']}", "").strip()
        if not raw:
            if complete:
                errors[f"score_{item['key']}"] = gettext("Give a score from 0 to 10.")
            continue
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if not 0 <= value <= 10:
            errors[f"score_{item['key']}"] = gettext("Give a score from 0 to 10.")
            continue
        scores[item["key"]] = value
    if len(data.get("comment", "")) > 5000:
        errors["comment"] = gettext("Use at most %(num)d characters.", num=5000)
    if errors:
        raise ValidationFailed(errors)
    return scores


async def score(
    viewer: Viewer,
    review: dict[str, Any],
    call: dict[str, Any],
    data: dict[str, str],
    *,
    finish: bool,
    client: str = "",
) -> None:
    """Save scores (a draft to come back to) or `finish` the review (every criterion scored).
    Once decision mails went out, reviews no longer change."""
    require(viewer, "roadshow.review", review)
    if call["decisions_sent_at"] is not None:
        raise ValidationFailed({"": gettext("Decisions have been sent; reviews are closed.")})
    scores = clean_scores(call, data, complete=finish)
    async with write_transaction():
        await Review.update(
            {
                Review.scores: scores,
                Review.comment: data.get("comment", "").strip(),
                Review.done: finish,
                Review.updated_at: datetime.now(UTC),
            }
        ).where(Review.id == review["id"])
        await record(
            viewer,
            "roadshow.review_finish" if finish else "roadshow.review_save",
            "roadshow_review",
            review["id"],
            client=client,
        )
