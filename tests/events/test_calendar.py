"""Calendar files: one event, one session and the subscription feed parse back as valid
iCalendar, in the event's own time zone, in the page language, and only for public events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from core.content import Translated
from tests.events.factories import make_event, make_session, make_speaker

STARTS = datetime(2027, 9, 10, 3, 0, tzinfo=UTC)


def _events(body: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


async def test_event_file_is_one_event_in_its_own_time_zone(client) -> None:
    event = await make_event(
        slug="almaty-forum",
        timezone="Asia/Almaty",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=8),
        title=Translated.of("en", en="Almaty Forum", ru="Алматинский форум").dump(),
    )
    response = await client.get("/ru/events/almaty-forum.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="almaty-forum.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == f"event-{event['id']}@testserver.local"
    assert vevent["dtstart"].params["TZID"] == "Asia/Almaty"
    start = vevent.decoded("dtstart")
    assert start == STARTS
    assert start.utcoffset() == STARTS.astimezone(ZoneInfo("Asia/Almaty")).utcoffset()
    assert vevent.decoded("dtend") == STARTS + timedelta(hours=8)
    assert "dtstamp" in vevent
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Almaty"]
    assert str(vevent["summary"]) == "Алматинский форум"
    assert vevent["summary"].params["LANGUAGE"] == "ru"
    assert str(vevent["url"]) == "http://testserver.local/ru/events/almaty-forum/"
    assert "Urumqi Convention Centre" in str(vevent["location"])


async def test_event_file_falls_back_to_another_language_and_says_which(client) -> None:
    await make_event(slug="forum", title=Translated.of("zh", zh="论坛").dump())
    [vevent] = _events((await client.get("/kk/events/forum.ics")).content)
    assert str(vevent["summary"]) == "论坛"
    assert vevent["summary"].params["LANGUAGE"] == "zh"


async def test_downloading_twice_gives_the_same_file(client) -> None:
    await make_event(slug="forum")
    first = (await client.get("/en/events/forum.ics")).content
    second = (await client.get("/en/events/forum.ics")).content
    assert first == second


async def test_session_file_has_the_session_with_speakers_in_the_event_zone(client) -> None:
    event = await make_event(slug="conference", timezone="Asia/Urumqi", starts_at=STARTS)
    speaker = await make_speaker(event)
    session = await make_session(
        event,
        starts_at=datetime(2027, 9, 10, 23, 30, tzinfo=UTC),
        room="Hall B",
        track="Biotech",
        speakers=[speaker],
    )
    response = await client.get(f"/en/events/conference/sessions/{session['id']}.ics")
    assert response.status_code == 200
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="conference-session-{session["id"]}.ics"'
    )
    [vevent] = _events(response.content)
    assert str(vevent["uid"]) == f"session-{session['id']}@testserver.local"
    assert vevent["dtstart"].params["TZID"] == "Asia/Urumqi"
    local = vevent.decoded("dtstart")
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2027, 9, 11, 5, 30)
    assert str(vevent["summary"]) == "Opening plenary"
    description = str(vevent["description"])
    assert (
        "Aigerim Sultanova (Director, China–Central Asia Technology Transfer Center)" in description
    )
    assert "Track: Biotech" in description
    assert str(vevent["location"]).startswith("Hall B, ")
    assert str(vevent["url"]).endswith(f"/en/events/conference/#session-{session['id']}")


async def test_session_file_needs_a_session_of_that_public_event(client) -> None:
    event = await make_event(slug="conference")
    other = await make_event(slug="other")
    session = await make_session(other)
    draft = await make_event(slug="draft", status="draft")
    hidden = await make_session(draft)
    assert (
        await client.get(f"/en/events/conference/sessions/{session['id']}.ics")
    ).status_code == 404
    assert (await client.get(f"/en/events/draft/sessions/{hidden['id']}.ics")).status_code == 404
    assert (await client.get("/en/events/conference/sessions/abc.ics")).status_code == 404
    own = await make_session(event)
    assert (await client.get(f"/en/events/conference/sessions/{own['id']}")).status_code == 404


async def test_feed_lists_every_public_event_and_no_draft(client) -> None:
    now = datetime.now(UTC)
    public = await make_event(
        slug="forum", title=Translated.of("en", en="Forum", ru="Форум").dump()
    )
    past = await make_event(
        slug="last-year",
        status="finished",
        starts_at=now - timedelta(days=365),
        ends_at=now - timedelta(days=364),
    )
    await make_event(slug="draft", status="draft")
    response = await client.get("/ru/events.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    uids = {str(vevent["uid"]) for vevent in calendar.walk("VEVENT")}
    assert uids == {
        f"event-{public['id']}@testserver.local",
        f"event-{past['id']}@testserver.local",
    }
    titles = {str(vevent["summary"]) for vevent in calendar.walk("VEVENT")}
    assert "Форум" in titles
    assert str(calendar["x-wr-calname"])
