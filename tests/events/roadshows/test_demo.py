"""The roadshow demo: a blind call on the Almaty roadshow with twelve submissions in mixed
languages, three reviewers' scores, eight accepted, meetings on the grid, and outcomes."""

from __future__ import annotations

from collections import Counter

from events.roadshows.tables import Meeting, Outcome, Review, RoadshowCall, Submission
from tests.support.factories import sign_in


async def test_the_demo_fills_the_almaty_roadshow_once(client) -> None:
    from core.demo import DEMO_PASSWORD, load_core_demo
    from events.demo import load_events_demo
    from events.roadshows.demo import load_roadshow_demo

    await load_core_demo()
    await load_events_demo()
    await load_roadshow_demo()
    await load_roadshow_demo()  # a second start adds nothing

    (call,) = await RoadshowCall.select()
    assert call["blind"]
    submissions = await Submission.select()
    assert len(submissions) == 12
    assert {row["language"] for row in submissions} == {"zh", "ru", "kk", "en"}
    assert Counter(row["decision"] for row in submissions)["accepted"] == 8
    assert await Review.count().where(Review.done == True) == 36
    assert len({row["reviewer"] for row in await Review.select()}) == 3
    placed = await Meeting.select().where(Meeting.slot.is_not_null())
    assert len(placed) == 6
    for slot in {row["slot"] for row in placed}:
        here = [row for row in placed if row["slot"] == slot]
        assert len({row["requester"] for row in here}) == len(here)
        assert len({row["submission"] for row in here}) == len(here)
    assert await Outcome.count() == 4

    await sign_in(client, {"email": "admin@example.org", "password": DEMO_PASSWORD})
    grid = await client.get("/en/manage/events/almaty-roadshow/roadshow/meetings/")
    assert grid.status_code == 200
    assert "Table 3" in grid.text
    await sign_in(client, {"email": "investor@example.org", "password": DEMO_PASSWORD})
    page = await client.get("/kk/account/roadshows/almaty-roadshow/matchmaking/schedule")
    assert "Қой жүнін өңдеудің жаңа технологиясы" in page.text
