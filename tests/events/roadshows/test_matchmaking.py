"""Matchmaking: flagged registrants browse accepted pitches, mark interest and ask for a
meeting; the team answers; the organizer places accepted meetings into slots × tables with
nobody in two places at once, moves them and marks no-shows; everyone gets their schedule
as a page and an .ics file."""

from __future__ import annotations

from collections import Counter
from typing import Any

import icalendar

from core.content import Translated
from events.roadshows.tables import Interest, Meeting, Unavailable
from tests.events.roadshows.factories import (
    make_investor,
    make_meeting_slots,
    make_roadshow,
    make_submission,
)
from tests.support.factories import make_organization, make_user, post_form, sign_in


async def _world() -> dict[str, Any]:
    event, call = await make_roadshow(meeting_tables=2)
    university = await make_organization("xju", kind="university")
    accepted = [
        await make_submission(
            call,
            university["id"],
            decision="accepted",
            title=Translated.of("ru", ru=f"Засухоустойчивая пшеница {n}").dump(),
        )
        for n in (1, 2)
    ]
    rejected = await make_submission(
        call, university["id"], decision="rejected", title=Translated.of("en", en="Hidden").dump()
    )
    team = await make_user(email="team@example.org", organization_id=university["id"])
    return {
        "event": event,
        "call": call,
        "accepted": accepted,
        "rejected": rejected,
        "team": team,
        "base": f"/en/account/roadshows/{event['slug']}/matchmaking/",
        "manage": f"/en/manage/events/{event['slug']}/roadshow/meetings/",
    }


async def _request(client, world, investor, submission, message="Let us talk.") -> None:
    await sign_in(client, investor)
    response = await post_form(
        client, f"{world['base']}{submission['id']}/request", {"message": message}
    )
    assert response.status_code == 200, response.text[:400]


async def _accept_all(client, world) -> None:
    await sign_in(client, world["team"])
    for meeting in await Meeting.select():
        url = f"/en/account/roadshows/submissions/{meeting['submission']}/meetings/{meeting['id']}"
        await post_form(client, url, {"answer": "accept"})


async def test_an_investor_sees_accepted_pitches_marks_interest_and_asks_for_a_meeting(
    client,
) -> None:
    world = await _world()
    investor = await make_investor(world["event"], "fund@example.org")
    await sign_in(client, investor)

    page = await client.get(world["base"])
    assert "Засухоустойчивая пшеница 1" in page.text
    assert "Hidden" not in page.text

    first = world["accepted"][0]
    await post_form(client, f"{world['base']}{first['id']}/interest")
    assert await Interest.count() == 1
    page = await post_form(
        client, f"{world['base']}{first['id']}/request", {"message": "Licence for Kazakhstan?"}
    )
    assert "Your request was sent to the team." in page.text
    assert "Meeting requested" in page.text
    again = await post_form(client, f"{world['base']}{first['id']}/request", {"message": "Again"})
    assert again.status_code == 400
    assert "You have already asked this team for a meeting." in again.text
    assert await Meeting.count() == 1


async def test_an_empty_or_hidden_request_is_refused_in_the_readers_language(client) -> None:
    world = await _world()
    investor = await make_investor(world["event"], "fund@example.org", language="ru")
    await sign_in(client, investor)
    base = world["base"].replace("/en/", "/ru/")

    empty = await post_form(client, f"{base}{world['accepted'][0]['id']}/request", {"message": ""})
    hidden = await post_form(
        client, f"{base}{world['rejected']['id']}/request", {"message": "Hello"}
    )

    assert empty.status_code == 400
    assert "Напишите несколько слов о встрече." in empty.text
    assert hidden.status_code == 400
    assert await Meeting.count() == 0


async def test_registrants_not_flagged_and_investors_of_other_events_are_refused(client) -> None:
    world = await _world()
    plain = await make_investor(world["event"], "guest@example.org", investor=False)
    other_event, _call = await make_roadshow()
    elsewhere = await make_investor(other_event, "elsewhere@example.org")
    target = f"{world['base']}{world['accepted'][0]['id']}/request"

    for person in (plain, elsewhere):
        await sign_in(client, person)
        assert (await client.get(world["base"])).status_code == 403
        refused = await post_form(client, target, {"message": "Hi"}, follow_redirects=False)
        assert refused.status_code == 403
    assert await Meeting.count() == 0


async def test_the_team_answers_and_the_scheduler_never_double_books(client) -> None:
    world = await _world()
    slots = await make_meeting_slots(world["event"], 2)
    one, two = world["accepted"]
    alma = await make_investor(world["event"], "alma@example.org")
    bek = await make_investor(world["event"], "bek@example.org")
    await _request(client, world, alma, one)
    await _request(client, world, alma, two)
    await _request(client, world, bek, one)
    await _accept_all(client, world)
    # Bek cannot come to the first slot.
    await sign_in(client, bek)
    await post_form(client, f"{world['base']}schedule", {"away": str(slots[0]["id"])})
    assert await Unavailable.count() == 1

    await sign_in(client, await make_user("admin"))
    page = await post_form(client, f"{world['manage']}schedule", {"tables": "2"})

    assert "Meetings placed now: 3; left without a place: 0." in page.text, page.text[
        page.text.find("<main") :
    ][:1500]
    rows = await Meeting.select()
    assert all(row["status"] == "accepted" and row["slot"] for row in rows)
    for slot in slots:
        here = [row for row in rows if row["slot"] == slot["id"]]
        people = Counter(p for row in here for p in (row["requester"], -row["submission"]))
        assert all(count == 1 for count in people.values())
        assert len({row["table_number"] for row in here}) == len(here)
    bek_meeting = next(row for row in rows if row["requester"] == bek["id"])
    assert bek_meeting["slot"] == slots[1]["id"]


async def test_a_declined_request_is_never_placed(client) -> None:
    world = await _world()
    await make_meeting_slots(world["event"], 1)
    alma = await make_investor(world["event"], "alma@example.org")
    await _request(client, world, alma, world["accepted"][0])
    await sign_in(client, world["team"])
    meeting = await Meeting.select().first()
    base = f"/en/account/roadshows/submissions/{meeting['submission']}/meetings/"
    assert "Let us talk." in (await client.get(base)).text
    await post_form(client, f"{base}{meeting['id']}", {"answer": "decline"})

    await sign_in(client, await make_user("admin"))
    page = await post_form(client, f"{world['manage']}schedule", {"tables": "2"})

    assert "Meetings placed now: 0; left without a place: 0." in page.text
    assert (await Meeting.select().first())["slot"] is None


async def test_the_organizer_moves_a_meeting_only_where_both_sides_are_free(client) -> None:
    world = await _world()
    slots = await make_meeting_slots(world["event"], 2)
    alma = await make_investor(world["event"], "alma@example.org")
    await _request(client, world, alma, world["accepted"][0])
    await _request(client, world, alma, world["accepted"][1])
    await _accept_all(client, world)
    await sign_in(client, await make_user("admin"))
    await post_form(client, f"{world['manage']}schedule", {"tables": "2"})
    first, second = await Meeting.select().order_by(Meeting.id)
    assert first["slot"] != second["slot"]

    clash = await post_form(
        client,
        f"{world['manage']}{first['id']}/move",
        {"slot": str(second["slot"]), "table": "2"},
    )
    assert clash.status_code == 400
    assert "One side of this meeting is busy or away in that slot." in clash.text

    moved = await post_form(
        client,
        f"{world['manage']}{first['id']}/move",
        {"slot": str(first["slot"]), "table": "2"},
    )
    assert moved.status_code == 200
    assert (await Meeting.select().where(Meeting.id == first["id"]).first())["table_number"] == 2
    page = await post_form(client, f"{world['manage']}{first['id']}/no-show", {"no_show": "1"})
    assert "No-show" in page.text
    assert slots


async def test_each_side_sees_the_schedule_and_downloads_it_as_ics(client) -> None:
    world = await _world()
    await make_meeting_slots(world["event"], 1)
    alma = await make_investor(world["event"], "alma@example.org")
    await _request(client, world, alma, world["accepted"][0])
    await _accept_all(client, world)
    await sign_in(client, await make_user("admin"))
    await post_form(client, f"{world['manage']}schedule", {"tables": "1"})

    for person in (alma, world["team"]):
        await sign_in(client, person)
        page = await client.get(f"{world['base']}schedule")
        assert "Засухоустойчивая пшеница 1" in page.text
        assert "15 Sept 2026" in page.text or "2026" in page.text
        download = await client.get(f"{world['base']}schedule.ics")
        assert download.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(download.content)
        (meeting,) = calendar.walk("VEVENT")
        assert str(meeting["location"]) == "Table 1"
        assert meeting.decoded("dtstart").hour == 14  # 06:00 UTC in Beijing time
        assert "Засухоустойчивая пшеница 1" in str(meeting["summary"])
