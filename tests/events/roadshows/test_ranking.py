"""The organizer's ranking (weighted means, spread flagged), decisions, and decision mails:
one per applicant, in the applicant's language, however often the batch is sent."""

from __future__ import annotations

from email import message_from_bytes, policy

from core.tables import OutboxMessage
from events.roadshows.services.ranking import rank, weighted_total
from events.roadshows.tables import Submission
from tests.events.roadshows.factories import (
    make_review,
    make_reviewer,
    make_roadshow,
    make_submission,
)
from tests.support.factories import make_organization, make_user, post_form, sign_in

WEIGHTS = {"innovation": 30, "market": 30, "team": 20, "fit": 20}


def test_a_reviews_total_weighs_its_criteria() -> None:
    assert weighted_total({"innovation": 10, "market": 0, "team": 5, "fit": 5}, WEIGHTS) == 5.0
    assert weighted_total({"unknown": 9}, WEIGHTS) is None


def test_the_ranking_orders_by_mean_and_flags_reviewers_who_disagree() -> None:
    rows = [{"id": 1}, {"id": 2}, {"id": 3}]
    reviews = [
        {"submission": 1, "done": True, "scores": {"innovation": 6, "market": 6}},
        {"submission": 2, "done": True, "scores": {"innovation": 10, "market": 10}},
        {"submission": 2, "done": True, "scores": {"innovation": 4, "market": 4}},
        {"submission": 3, "done": False, "scores": {"innovation": 10}},
    ]

    ranked = rank(rows, reviews, WEIGHTS)

    assert [r.submission["id"] for r in ranked] == [2, 1, 3]
    assert ranked[0].score == 7.0 and ranked[0].flagged
    assert not ranked[1].flagged
    assert ranked[2].score is None and ranked[2].assigned == 1


async def _decided_world():
    event, call = await make_roadshow()
    applicants = []
    for language in ("ru", "kk", "zh"):
        organization = await make_organization()
        user = await make_user(
            "member",
            organization_id=organization["id"],
            language=language,
            email=f"applicant-{language}@example.org",
        )
        submission = await make_submission(
            call, organization["id"], submitted_by=user["id"], language=language
        )
        applicants.append(submission)
    reviewer = await make_reviewer("r@example.org")
    for submission, score in zip(applicants, (9, 5, 2), strict=True):
        await make_review(submission, reviewer["id"], innovation=score, market=score)
    return event, call, applicants


async def test_decisions_are_mailed_once_per_applicant_in_their_language(
    client, run_jobs, mail_dir
) -> None:
    event, _call, applicants = await _decided_world()
    await sign_in(client, await make_user("admin", language="en"))
    base = f"/en/manage/events/{event['slug']}/roadshow"
    for submission, decision in zip(
        applicants, ("accepted", "waitlisted", "rejected"), strict=True
    ):
        response = await post_form(
            client, f"{base}/submissions/{submission['id']}/decision", {"decision": decision}
        )
        assert response.status_code == 200

    confirm = await client.get(f"{base}/decisions/send")
    assert "3 applicants will be told their decisions" in confirm.text
    first = await post_form(client, f"{base}/decisions/send")
    second = await post_form(client, f"{base}/decisions/send")
    await run_jobs()

    assert "3 decision mails are on their way." in first.text
    assert "decision mail" not in second.text
    messages = await OutboxMessage.select().order_by(OutboxMessage.recipient)
    assert [m["recipient"] for m in messages] == [
        "applicant-kk@example.org",
        "applicant-ru@example.org",
        "applicant-zh@example.org",
    ]
    assert all(m["status"] == "sent" for m in messages)
    files = {}
    for path in mail_dir.glob("roadshow-decision*.eml"):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        files[mail["To"]] = mail
    assert len(files) == 3
    ru = files["applicant-ru@example.org"].get_body(("plain",)).get_content()
    assert "Поздравляем" in ru
    zh = files["applicant-zh@example.org"].get_body(("plain",)).get_content()
    assert "很遗憾" in zh


async def test_a_sent_decision_is_final(client) -> None:
    event, _call, applicants = await _decided_world()
    await sign_in(client, await make_user("admin", language="en"))
    base = f"/en/manage/events/{event['slug']}/roadshow"
    await post_form(
        client, f"{base}/submissions/{applicants[0]['id']}/decision", {"decision": "accepted"}
    )
    await post_form(client, f"{base}/decisions/send")

    response = await post_form(
        client, f"{base}/submissions/{applicants[0]['id']}/decision", {"decision": "rejected"}
    )

    assert response.status_code == 400
    assert "already sent to the applicant and is final" in response.text
    row = await Submission.select().where(Submission.id == applicants[0]["id"]).first()
    assert row["decision"] == "accepted"
    assert await OutboxMessage.count() == 1


async def test_the_overview_ranks_submissions_and_shows_progress(client) -> None:
    event, _call, _applicants = await _decided_world()
    await sign_in(client, await make_user("admin", language="en"))

    page = await client.get(f"/en/manage/events/{event['slug']}/roadshow/")
    export = await client.get(f"/en/manage/events/{event['slug']}/roadshow/ranking.csv")

    assert page.status_code == 200
    assert "Progress of the reviewers" in page.text
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("1,") and lines[1].count(",") >= 8
