"""The agenda: sessions typed in the event's time zone, speakers, clashes of rooms and
speakers, days in local time, and the pages organizers build it on."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from core.access import Viewer
from core.auth import load_viewer
from core.errors import ValidationFailed
from core.i18n import language
from core.tables import AuditEntry
from events.services import agenda, lifecycle
from events.tables import AgendaSession, SessionSpeaker, Speaker
from tests.events.factories import make_event
from tests.support.factories import make_user, post_form, sign_in

# 3 June 2031, 09:00–18:00 in Urumqi (UTC+6), and the day after.
STARTS = datetime(2031, 6, 3, 3, 0, tzinfo=UTC)
ENDS = datetime(2031, 6, 4, 12, 0, tzinfo=UTC)


async def organizer() -> Viewer:
    admin = await make_user("admin", email="organizer@example.org")
    viewer = await load_viewer(admin["id"])
    assert viewer is not None
    return viewer


async def conference(**fields: Any) -> dict[str, Any]:
    return await make_event(
        slug="conference", status="draft", starts_at=STARTS, ends_at=ENDS, **fields
    )


def session_form(title: str, starts: str, ends: str, **fields: str) -> dict[str, str]:
    return {
        "kind": "panel",
        "source_language": "en",
        "title_en": title,
        "starts_at": starts,
        "ends_at": ends,
        **fields,
    }


async def speaker(actor: Viewer, event: dict[str, Any], name: str) -> int:
    return await agenda.create_speaker(
        actor, event, {"source_language": "en", "name_en": name, "position_en": "Director"}
    )


async def test_a_session_typed_in_the_event_zone_is_stored_in_utc(client) -> None:
    admin = await make_user("admin", email="organizer@example.org")
    await sign_in(client, admin)
    event = await conference()
    response = await post_form(
        client,
        "/en/manage/events/conference/agenda/sessions/new",
        session_form("Digital economy", "2031-06-03T14:00", "2031-06-03T15:30", room="Hall A"),
    )
    assert response.status_code == 200
    assert "Digital economy" in response.text
    row = await AgendaSession.select().where(AgendaSession.event == event["id"]).first()
    assert row["starts_at"] == datetime(2031, 6, 3, 8, 0, tzinfo=UTC)
    assert row["ends_at"] == datetime(2031, 6, 3, 9, 30, tzinfo=UTC)
    # Shown back in Urumqi time, with the zone named.
    assert "2:00\u202fPM" in response.text or "2:00 PM" in response.text
    assert "Urumqi" in response.text
    [entry] = await AuditEntry.select().where(AuditEntry.action == "agenda.session.create")
    after = json.loads(entry["after"]) if isinstance(entry["after"], str) else entry["after"]
    assert after["starts_at"].startswith("2031-06-03T08:00")


async def test_the_same_room_at_overlapping_times_is_a_clash(client) -> None:
    actor = await organizer()
    event = await conference()
    await agenda.create_session(
        actor,
        event,
        session_form("Opening", "2031-06-03T09:00", "2031-06-03T10:30", room="Hall A"),
        [],
    )
    await agenda.create_session(
        actor,
        event,
        session_form("Signing", "2031-06-03T10:00", "2031-06-03T11:00", room=" hall a "),
        [],
    )
    # Back to back in the same room, and at the same time elsewhere: both fine.
    await agenda.create_session(
        actor,
        event,
        session_form("Panel", "2031-06-03T11:00", "2031-06-03T12:00", room="Hall A"),
        [],
    )
    await agenda.create_session(
        actor, event, session_form("Visit", "2031-06-03T09:00", "2031-06-03T12:00", room="Lab"), []
    )
    with language("en"):
        [clash] = await agenda.clashes(event["id"])
    assert clash.kind == "room"
    assert str(clash) == (
        "Room “Hall A” is booked twice: “Opening” (Jun 3, 2031, 9:00\u202fAM–10:30\u202fAM) "
        "overlaps “Signing” (Jun 3, 2031, 10:00\u202fAM–11:00\u202fAM)."
    )


async def test_one_speaker_in_two_overlapping_sessions_is_a_clash() -> None:
    actor = await organizer()
    event = await conference()
    liu = await speaker(actor, event, "Liu Haitao")
    other = await speaker(actor, event, "Aigerim Zhakupova")
    await agenda.create_session(
        actor,
        event,
        session_form("Opening", "2031-06-03T09:00", "2031-06-03T10:30", room="Hall A"),
        [str(liu)],
    )
    await agenda.create_session(
        actor,
        event,
        session_form("Press", "2031-06-03T10:00", "2031-06-03T11:00", room="Hall B"),
        [str(liu), str(other)],
    )
    with language("en"):
        [clash] = await agenda.clashes(event["id"])
    assert clash.kind == "speaker"
    assert str(clash).startswith("Liu Haitao is due in two sessions at once: “Opening”")


async def test_publishing_an_agenda_without_clashes_is_allowed() -> None:

    actor = await organizer()
    event = await conference()
    liu = await speaker(actor, event, "Liu Haitao")
    for title, start, end in (
        ("Opening", "2031-06-03T09:00", "2031-06-03T10:00"),
        ("Panel", "2031-06-03T10:00", "2031-06-03T11:00"),
    ):
        await agenda.create_session(
            actor, event, session_form(title, start, end, room="Hall A"), [str(liu)]
        )
    assert await agenda.clashes(event["id"]) == []
    assert await lifecycle.change_status(actor, event, "published") == "published"


async def test_days_follow_the_event_zone_not_utc() -> None:
    actor = await organizer()
    event = await conference()
    # 05:30 on 4 June in Urumqi is still 3 June in UTC.
    await agenda.create_session(
        actor, event, session_form("Sunrise walk", "2031-06-04T05:30", "2031-06-04T06:30"), []
    )
    await agenda.create_session(
        actor, event, session_form("Opening", "2031-06-03T09:00", "2031-06-03T10:00"), []
    )
    days = await agenda.days(event)
    assert [day.date for day in days] == [date(2031, 6, 3), date(2031, 6, 4)]
    assert [s["starts_at"].date() for s in days[1].sessions] == [date(2031, 6, 3)]


async def test_a_session_outside_the_event_days_is_refused_and_nothing_saved() -> None:
    actor = await organizer()
    event = await conference()
    with language("en"), pytest.raises(ValidationFailed) as refused:
        await agenda.create_session(
            actor, event, session_form("Late dinner", "2031-06-05T19:00", "2031-06-05T21:00"), []
        )
    assert refused.value.errors["starts_at"] == (
        "Sessions must take place during the event, from Jun 3, 2031 to Jun 4, 2031."
    )
    # An evening session on the last day is still part of the event.
    await agenda.create_session(
        actor, event, session_form("Gala dinner", "2031-06-04T19:00", "2031-06-04T21:00"), []
    )
    assert await AgendaSession.count() == 1


async def test_a_session_form_with_mistakes_is_shown_again_and_saves_nothing(client) -> None:
    admin = await make_user("admin", email="organizer@example.org")
    await sign_in(client, admin)
    await conference()
    response = await post_form(
        client,
        "/en/manage/events/conference/agenda/sessions/new",
        session_form("", "2031-06-03T11:00", "2031-06-03T10:00", kind="dance", room="Hall Z"),
    )
    assert response.status_code == 400
    assert "Enter the title in its source language." in response.text
    assert "The end must be after the start." in response.text
    assert "Choose a kind of session." in response.text
    assert 'value="Hall Z"' in response.text
    assert await AgendaSession.count() == 0


async def test_the_agenda_page_shows_days_speakers_and_highlights_clashes(client) -> None:
    admin = await make_user("admin", email="organizer@example.org")
    await sign_in(client, admin)
    actor = await load_viewer(admin["id"])
    event = await conference()
    liu = await speaker(actor, event, "Liu Haitao")
    for title in ("Opening", "Keynote"):
        await agenda.create_session(
            actor,
            event,
            session_form(title, "2031-06-03T09:00", "2031-06-03T10:00", room="Hall A"),
            [str(liu)],
        )
    page = await client.get("/en/manage/events/conference/agenda")
    assert page.status_code == 200
    assert "Tuesday, June 3, 2031" in page.text
    assert "2 clashes must be resolved before the event can be published" in page.text
    assert page.text.count('class="clash"') == 2
    assert "Liu Haitao" in page.text


async def test_deleting_a_session_asks_first(client) -> None:
    admin = await make_user("admin", email="organizer@example.org")
    await sign_in(client, admin)
    actor = await load_viewer(admin["id"])
    event = await conference()
    liu = await speaker(actor, event, "Liu Haitao")
    session_id = await agenda.create_session(
        actor, event, session_form("Opening", "2031-06-03T09:00", "2031-06-03T10:00"), [str(liu)]
    )
    url = f"/en/manage/events/conference/agenda/sessions/{session_id}/delete"
    asked = await client.get(url)
    assert "Delete the session “Opening” from the agenda?" in asked.text
    assert await AgendaSession.count() == 1
    await post_form(client, url)
    assert await AgendaSession.count() == 0
    assert await SessionSpeaker.count() == 0
    assert await AuditEntry.exists().where(AuditEntry.action == "agenda.session.delete")


async def test_speakers_need_a_name_in_the_source_language_and_leave_sessions_when_removed(
    client,
) -> None:
    admin = await make_user("admin", email="organizer@example.org")
    await sign_in(client, admin)
    actor = await load_viewer(admin["id"])
    event = await conference()
    base = "/en/manage/events/conference/agenda/speakers"
    refused = await post_form(
        client, f"{base}/new", {"source_language": "zh", "name_en": "Liu Haitao"}
    )
    assert refused.status_code == 400
    assert "Enter the name in its source language." in refused.text
    assert await Speaker.count() == 0

    await post_form(
        client,
        f"{base}/new",
        {
            "source_language": "zh",
            "name_zh": "刘海涛",
            "name_ru": "Лю Хайтао",
            "name_en": "Liu Haitao",
            "position_zh": "局长",
        },
    )
    row = await Speaker.select().first()
    await agenda.create_session(
        actor,
        event,
        session_form("Opening", "2031-06-03T09:00", "2031-06-03T10:00"),
        [str(row["id"])],
    )
    ru_page = await client.get("/ru/manage/events/conference/agenda")
    assert "Лю Хайтао" in ru_page.text
    await post_form(client, f"{base}/{row['id']}/delete")
    assert await Speaker.count() == 0
    assert await SessionSpeaker.count() == 0
    assert await AgendaSession.count() == 1


async def test_a_speaker_of_another_event_cannot_be_assigned() -> None:
    actor = await organizer()
    event = await conference()
    other = await make_event(slug="other")
    stranger = await speaker(actor, other, "Somebody Else")
    with pytest.raises(ValidationFailed) as refused:
        await agenda.create_session(
            actor,
            event,
            session_form("Opening", "2031-06-03T09:00", "2031-06-03T10:00"),
            [str(stranger)],
        )
    assert "speakers" in refused.value.errors
    assert await AgendaSession.count() == 0


async def test_only_organizers_reach_the_agenda_pages(client: httpx.AsyncClient) -> None:
    await conference()
    coordinator = await make_user("coordinator")
    await sign_in(client, coordinator)
    for path in (
        "/en/manage/events/conference/agenda",
        "/en/manage/events/conference/agenda/sessions/new",
        "/en/manage/events/conference/agenda/speakers/new",
    ):
        assert (await client.get(path)).status_code == 403
    refused = await post_form(
        client,
        "/en/manage/events/conference/agenda/sessions/new",
        session_form("Opening", "2031-06-03T09:00", "2031-06-03T10:00"),
    )
    assert refused.status_code == 403
    assert await AgendaSession.count() == 0
