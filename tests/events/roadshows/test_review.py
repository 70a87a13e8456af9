"""Review: automatic assignment with balanced load and conflicts of interest, scoring with
save-and-come-back, and the blind rule — no name of a person or an organization reaches a
reviewer of a blind call, in the page, the deck's file name, or their spreadsheet."""

from __future__ import annotations

import io
import random

from openpyxl import load_workbook

from core.content import Translated
from events.roadshows.services import review
from events.roadshows.services.review import Candidate, plan_assignments
from events.roadshows.tables import Conflict, Review
from tests.events.roadshows.factories import (
    PDF,
    make_reviewer,
    make_roadshow,
    make_submission,
    viewer_for,
)
from tests.support.factories import PASSWORD, make_organization, make_user, post_form, sign_in

ORG_NAMES = {
    "zh": "哈萨克国立农业大学",
    "ru": "Казахский национальный аграрный университет",
    "kk": "Қазақ ұлттық аграрлық университеті",
    "en": "Kazakh National Agrarian University",
}
TEAM = [{"name": "Aigerim Sultanova", "role": "lead"}, {"name": "Болат Ахметов", "role": ""}]


async def _admin():
    return viewer_for(await make_user("admin"), role="admin")


async def test_auto_assignment_gives_each_submission_its_reviews_and_balances_the_load() -> None:
    _event, call = await make_roadshow(reviews_per_submission=2)
    organizations = [await make_organization() for _ in range(3)]
    submissions = [await make_submission(call, organizations[i % 3]["id"]) for i in range(6)]
    for number in range(4):
        await make_reviewer(f"r{number}@example.org")

    made = await review.auto_assign(await _admin(), call)

    assert made == 12
    rows = await Review.select()
    per_submission = {s["id"]: 0 for s in submissions}
    per_reviewer: dict[int, int] = {}
    for row in rows:
        per_submission[row["submission"]] += 1
        per_reviewer[row["reviewer"]] = per_reviewer.get(row["reviewer"], 0) + 1
    assert set(per_submission.values()) == {2}
    assert sorted(per_reviewer.values()) == [3, 3, 3, 3]
    assert await review.auto_assign(await _admin(), call) == 0  # running it again adds nothing


async def test_no_reviewer_reviews_their_own_organization_or_a_declared_conflict() -> None:
    _event, call = await make_roadshow(reviews_per_submission=3)
    home, declared, other = [await make_organization() for _ in range(3)]
    mine = await make_submission(call, home["id"])
    conflicted = await make_submission(call, declared["id"])
    free = await make_submission(call, other["id"])
    insider = await make_reviewer("insider@example.org", organization_id=home["id"])
    careful = await make_reviewer("careful@example.org")
    neutral = await make_reviewer("neutral@example.org")
    await review.declare_conflict(viewer_for(careful, role="reviewer"), call, declared["id"])

    await review.auto_assign(await _admin(), call)

    pairs = {(r["submission"], r["reviewer"]) for r in await Review.select()}
    assert (mine["id"], insider["id"]) not in pairs
    assert (conflicted["id"], careful["id"]) not in pairs
    assert {(free["id"], r["id"]) for r in (insider, careful, neutral)} <= pairs


async def test_assigning_by_hand_refuses_a_conflict_of_interest(client) -> None:
    event, call = await make_roadshow()
    home = await make_organization()
    submission = await make_submission(call, home["id"])
    insider = await make_reviewer("insider@example.org", organization_id=home["id"])
    await sign_in(client, await make_user("admin", language="en"))

    response = await post_form(
        client,
        f"/en/manage/events/{event['slug']}/roadshow/submissions/{submission['id']}/reviewers",
        {"reviewer": str(insider["id"])},
    )

    assert response.status_code == 400
    assert "This reviewer has a conflict of interest with the applicant." in response.text
    assert await Review.count() == 0


def test_planned_assignments_never_break_a_conflict_and_stay_balanced_for_random_calls() -> None:
    for seed in range(200):
        rng = random.Random(seed)
        organizations = list(range(1, rng.randint(2, 8)))
        reviewers = [
            Candidate(100 + n, frozenset(rng.sample(organizations, rng.randint(0, 1))))
            for n in range(rng.randint(1, 12))
        ]
        submissions = [(1000 + n, rng.choice(organizations)) for n in range(rng.randint(0, 40))]
        declared = {(r.id, rng.choice(organizations)) for r in reviewers if rng.random() < 0.3}
        per = rng.randint(1, 4)

        planned = plan_assignments(submissions, reviewers, declared, [], per)

        assert len(planned) == len(set(planned)), seed
        org_of = dict(submissions)
        by_id = {r.id: r for r in reviewers}
        for submission_id, reviewer_id in planned:
            assert org_of[submission_id] not in by_id[reviewer_id].organizations, seed
            assert (reviewer_id, org_of[submission_id]) not in declared, seed
        for submission_id, organization in submissions:
            eligible = [
                r
                for r in reviewers
                if organization not in r.organizations and (r.id, organization) not in declared
            ]
            got = sum(1 for s, _r in planned if s == submission_id)
            assert got == min(per, len(eligible)), seed
        if not declared and all(not r.organizations for r in reviewers):
            loads = [sum(1 for _s, r in planned if r == c.id) for c in reviewers]
            assert max(loads) - min(loads) <= 1, seed


async def _blind_world(blind: bool):
    event, call = await make_roadshow(blind=blind)
    organization = await make_organization(
        "kaznau", kind="university", name=Translated(source="ru", text=ORG_NAMES).dump()
    )
    stored = "a" * 32 + ".pdf"
    from core.uploads import folder

    (folder("roadshows") / stored).write_bytes(PDF)
    submission = await make_submission(
        call,
        organization["id"],
        title=Translated.of("en", en="Salt-tolerant wheat by Aigerim Sultanova").dump(),
        summary=Translated.of(
            "ru", ru="Разработано в Казахский национальный аграрный университет; Болат Ахметов."
        ).dump(),
        team=TEAM,
        ip_status="patent",
        ip_numbers="KZ 34567",
        video_url="https://video.example.org/aigerim-sultanova",
        deck_file=stored,
        deck_kind="pdf",
    )
    reviewer = await make_user("reviewer", language="zh")
    review_id = (
        await Review.insert(
            Review(
                submission=submission["id"],
                reviewer=reviewer["id"],
                pair=f"{submission['id']}:{reviewer['id']}",
                scores={},
            )
        ).returning(Review.id)
    )[0]["id"]
    return event, reviewer, review_id


def _leaks(text: str) -> list[str]:
    names = [
        *ORG_NAMES.values(),
        "Aigerim",
        "Sultanova",
        "Болат",
        "Ахметов",
        "KZ 34567",
        "aigerim-sultanova",
        "kaznau",
    ]
    return [name for name in names if name.casefold() in text.casefold()]


async def test_a_blind_reviewer_never_sees_a_name_in_page_deck_or_spreadsheet(client) -> None:
    _event, reviewer, review_id = await _blind_world(blind=True)
    await sign_in(client, {"email": reviewer["email"], "password": PASSWORD})

    for lang in ("zh", "ru", "kk", "en"):
        page = await client.get(f"/{lang}/account/reviews/{review_id}")
        assert page.status_code == 200
        assert _leaks(page.text) == [], lang
        listing = await client.get(f"/{lang}/account/reviews/")
        assert listing.status_code == 200
        assert "P-T" in listing.text and "Salt-tolerant wheat" in listing.text
        assert _leaks(listing.text) == [], lang
    assert "▇▇▇" in page.text
    deck = await client.get(f"/en/account/reviews/{review_id}/deck")
    assert deck.content == PDF
    assert _leaks(deck.headers["content-disposition"]) == []
    csv = await client.get("/en/account/reviews/export.csv")
    assert _leaks(csv.content.decode("utf-8-sig")) == []
    xlsx = await client.get("/en/account/reviews/export.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = " ".join(str(c.value) for row in book.active.iter_rows() for c in row)
    assert "Salt-tolerant wheat" in cells
    assert _leaks(cells) == []


async def test_an_open_review_shows_the_team_and_organization(client) -> None:
    _event, reviewer, review_id = await _blind_world(blind=False)
    await sign_in(client, {"email": reviewer["email"], "password": PASSWORD})

    page = await client.get(f"/en/account/reviews/{review_id}")

    assert "Kazakh National Agrarian University" in page.text
    assert "Aigerim Sultanova" in page.text


async def test_a_reviewer_saves_scores_comes_back_and_finishes_in_chinese(client) -> None:
    _event, reviewer, review_id = await _blind_world(blind=True)
    await sign_in(client, {"email": reviewer["email"], "password": PASSWORD})
    url = f"/zh/account/reviews/{review_id}"

    refused = await post_form(client, url, {"score_innovation": "11", "action": "save"})
    assert refused.status_code == 400
    assert "请给出 0 到 10 分。" in refused.text
    saved = await post_form(client, url, {"score_innovation": "8", "action": "save"})
    assert saved.status_code == 200
    row = await Review.select().first()
    assert row["scores"] in ({"innovation": 8}, '{"innovation": 8}') and not row["done"]
    incomplete = await post_form(client, url, {"score_innovation": "8", "action": "finish"})
    assert incomplete.status_code == 400
    finished = await post_form(
        client,
        url,
        {
            "score_innovation": "8",
            "score_market": "7",
            "score_team": "9",
            "score_fit": "6",
            "comment": "很有前景",
            "action": "finish",
        },
    )
    assert finished.status_code == 200
    assert (await Review.select().first())["done"] is True


async def test_a_reviewer_cannot_open_another_reviewers_assignment(client) -> None:
    _event, _reviewer, review_id = await _blind_world(blind=True)
    other = await make_user("reviewer")
    await sign_in(client, other)

    for path in ("", "/deck"):
        assert (await client.get(f"/en/account/reviews/{review_id}{path}")).status_code == 404
    response = await post_form(client, f"/en/account/reviews/{review_id}", {"score_fit": "1"})
    assert response.status_code == 404


async def test_declaring_a_conflict_drops_unscored_assignments_to_that_organization(
    client,
) -> None:
    _event, call = await make_roadshow()
    organization = await make_organization()
    submission = await make_submission(call, organization["id"])
    reviewer = await make_user("reviewer")
    await Review(
        submission=submission["id"],
        reviewer=reviewer["id"],
        pair=f"{submission['id']}:{reviewer['id']}",
        scores={},
    ).save()
    await sign_in(client, reviewer)

    response = await post_form(
        client,
        "/en/account/reviews/conflicts",
        {"call": str(call["id"]), "organization": str(organization["id"])},
    )

    assert response.status_code == 200
    assert await Review.count() == 0
    assert await Conflict.count() == 1
