"""The organizer's view of the review: progress per reviewer, the ranking by weighted mean
with a wide spread of scores flagged, the decisions (accept, waitlist, reject) and their
mails — sent in one batch through the outbox, once per submission, in the applicant's
language. A decision whose mail went out is final."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.outbox import queue_mail
from events.roadshows.services.calls import criteria
from events.roadshows.tables import (
    Decision,
    Review,
    RoadshowCall,
    Submission,
    SubmissionStatus,
)

# Reviews of one submission further apart than this (on the 0–10 scale) are flagged.
SPREAD_FLAG = 3.0
MAIL_TEMPLATE = "roadshow_decision"


def weighted_total(scores: dict[str, int], weights: dict[str, int]) -> float | None:
    """One review's total on the 0–10 scale; None when no weighted criterion is scored."""
    counted = [(weights[key], value) for key, value in scores.items() if weights.get(key)]
    weight = sum(w for w, _ in counted)
    if not weight:
        return None
    return sum(w * value for w, value in counted) / weight


@dataclass
class Ranked:
    submission: dict[str, Any]
    totals: list[float] = field(default_factory=list)
    assigned: int = 0

    @property
    def score(self) -> float | None:
        return round(sum(self.totals) / len(self.totals), 2) if self.totals else None

    @property
    def spread(self) -> float:
        return round(max(self.totals) - min(self.totals), 2) if len(self.totals) > 1 else 0.0

    @property
    def flagged(self) -> bool:
        return self.spread >= SPREAD_FLAG


def rank(
    submissions: list[dict[str, Any]], reviews: list[dict[str, Any]], weights: dict[str, int]
) -> list[Ranked]:
    """Best weighted mean first; submissions without finished reviews last."""
    by_id = {row["id"]: Ranked(row) for row in submissions}
    for review in reviews:
        entry = by_id.get(review["submission"])
        if entry is None:
            continue
        entry.assigned += 1
        if review["done"]:
            total = weighted_total(review["scores"] or {}, weights)
            if total is not None:
                entry.totals.append(total)
    return sorted(
        by_id.values(),
        key=lambda r: (r.score is None, -(r.score or 0.0), r.submission["id"]),
    )


async def ranking(call: dict[str, Any]) -> list[Ranked]:
    rows = (
        await Submission.select(
            *Submission.all_columns(), Submission.organization.name.as_alias("organization_name")
        )
        .output(load_json=True)
        .where(
            (Submission.call == call["id"])
            & (Submission.status == SubmissionStatus.submitted.value)
        )
    )
    reviews = (
        await Review.select(Review.submission, Review.done, Review.scores)
        .output(load_json=True)
        .where(Review.submission.is_in([row["id"] for row in rows] or [0]))
    )
    weights = {item["key"]: item["weight"] for item in criteria(call)}
    return rank(rows, reviews, weights)


async def progress(call: dict[str, Any]) -> list[dict[str, Any]]:
    """Per reviewer: assigned and finished reviews of this call."""
    rows = (
        await Review.select(
            Review.reviewer,
            Review.done,
            Review.reviewer.name.as_alias("name"),
            Review.reviewer.email.as_alias("email"),
        )
        .output(load_json=True)
        .where(
            (Review.submission.call == call["id"])
            & (Review.submission.status == SubmissionStatus.submitted.value)
        )
    )
    people: dict[int, dict[str, Any]] = {}
    for row in rows:
        person = people.setdefault(
            row["reviewer"], {"name": row["name"] or row["email"], "assigned": 0, "done": 0}
        )
        person["assigned"] += 1
        person["done"] += 1 if row["done"] else 0
    return sorted(people.values(), key=lambda p: (p["done"] - p["assigned"], p["name"]))


async def decide(
    actor: Viewer, submission: dict[str, Any], decision: str, client: str = ""
) -> None:
    require(actor, "roadshow.manage")
    if decision not in Decision.__members__:
        raise ValidationFailed({"decision": gettext("Choose one of the options.")})
    if submission["status"] != SubmissionStatus.submitted.value:
        raise ValidationFailed({"": gettext("Only submitted projects can be decided on.")})
    async with write_transaction():
        changed = (
            await Submission.update(
                {Submission.decision: decision, Submission.decided_at: datetime.now(UTC)}
            )
            .where((Submission.id == submission["id"]) & Submission.decision_mail.is_null())
            .returning(Submission.id)
        )
        if not changed:
            raise ValidationFailed(
                {"": gettext("The decision was already sent to the applicant and is final.")}
            )
        await record(
            actor,
            "roadshow.decide",
            "roadshow_submission",
            submission["id"],
            client=client,
            before={"decision": submission["decision"]},
            after={"decision": decision},
        )


async def unsent(call_id: int) -> list[dict[str, Any]]:
    """Decided submissions whose applicants have not been told yet."""
    return (
        await Submission.select(
            *Submission.all_columns(),
            Submission.submitted_by.email.as_alias("email"),
            Submission.submitted_by.name.as_alias("name"),
            Submission.event.slug.as_alias("slug"),
            Submission.event.title.as_alias("event_title"),
        )
        .output(load_json=True)
        .where(
            (Submission.call == call_id)
            & (Submission.status == SubmissionStatus.submitted.value)
            & (Submission.decision != Decision.pending.value)
            & Submission.decision_mail.is_null()
        )
    )


async def send_decisions(actor: Viewer, call: dict[str, Any], client: str = "") -> int:
    """Queue one decision mail per decided submission not told yet, in the same transaction
    that marks it told; a second run (or a double click) finds nothing left to send."""
    require(actor, "roadshow.manage")
    sent = 0
    async with write_transaction():
        for row in await unsent(call["id"]):
            if not row["email"]:
                continue
            message_id = await queue_mail(
                key=f"roadshow-decision:{row['id']}",
                recipient=row["email"],
                language=row["language"],
                template=MAIL_TEMPLATE,
                context={
                    "name": row["name"],
                    "decision": row["decision"],
                    "title": Translated.load(row["title"]).show(row["language"]).text,
                    "event_title": Translated.load(row["event_title"]).show(row["language"]).text,
                    "code": row["code"],
                    "link": f"/{row['language']}/account/roadshows/submissions/{row['id']}",
                },
            )
            await Submission.update({Submission.decision_mail: message_id}).where(
                Submission.id == row["id"]
            )
            sent += 1
        await RoadshowCall.update({RoadshowCall.decisions_sent_at: datetime.now(UTC)}).where(
            RoadshowCall.id == call["id"]
        )
        await record(
            actor,
            "roadshow.decisions_send",
            "roadshow_call",
            call["id"],
            client=client,
            after={"mails": sent},
        )
    return sent
