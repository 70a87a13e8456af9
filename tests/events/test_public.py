"""The public event pages: the list with its tabs and filters, and one event's page with its
dates in the event's zone, its agenda by local day, speakers and registration box."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.content import Translated
from core.uploads import folder
from events.services.events import MEDIA_FOLDER
from tests.events.factories import make_event, make_session, make_speaker

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _text(html: str) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


# --- the list --------------------------------------------------------------------------


async def test_event_list_shows_public_events_and_never_drafts(client) -> None:
    await make_event(slug="published-forum", status="published")
    await make_event(slug="secret-draft", status="draft")
    response = await client.get("/en/events/")
    assert response.status_code == 200
    assert "/en/events/published-forum/" in response.text
    assert "secret-draft" not in response.text


async def test_a_draft_has_no_page_and_no_calendar_file(client) -> None:
    await make_event(slug="secret-draft", status="draft")
    assert (await client.get("/en/events/secret-draft/")).status_code == 404
    assert (await client.get("/en/events/secret-draft.ics")).status_code == 404


async def test_upcoming_and_past_tabs_split_events_by_their_end(client) -> None:
    now = datetime.now(UTC)
    await make_event(slug="next-month", starts_at=now + timedelta(days=30))
    await make_event(
        slug="in-progress", starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=2)
    )
    await make_event(
        slug="last-year",
        status="finished",
        starts_at=now - timedelta(days=365),
        ends_at=now - timedelta(days=364),
    )
    upcoming = (await client.get("/en/events/")).text
    past = (await client.get("/en/events/?when=past")).text
    assert "/en/events/next-month/" in upcoming
    assert "/en/events/in-progress/" in upcoming
    assert "last-year" not in upcoming
    assert "/en/events/last-year/" in past
    assert "next-month" not in past
    assert 'aria-current="page">Past<' in past


async def test_event_list_filters_by_kind_and_city(client) -> None:
    almaty = Translated.of("en", en="Almaty", ru="Алматы").dump()
    await make_event(slug="almaty-roadshow", kind="roadshow", city=almaty)
    await make_event(slug="almaty-forum", kind="forum", city=almaty)
    await make_event(slug="urumqi-roadshow", kind="roadshow")
    by_kind = (await client.get("/en/events/?kind=roadshow")).text
    assert "almaty-roadshow" in by_kind and "urumqi-roadshow" in by_kind
    assert "almaty-forum" not in by_kind
    both = (await client.get("/ru/events/?kind=roadshow&city=Almaty")).text
    assert "almaty-roadshow" in both
    assert "urumqi-roadshow" not in both and "almaty-forum" not in both
    # The city filter offers each city once, named in the page language.
    assert both.count('<option value="Almaty" selected>Алматы</option>') == 1


async def test_event_list_pages_through_many_events(client) -> None:
    start = datetime.now(UTC) + timedelta(days=10)
    for number in range(27):
        await make_event(slug=f"forum-{number:02d}", starts_at=start + timedelta(days=number))
    first = (await client.get("/en/events/")).text
    second = (await client.get("/en/events/?page=2")).text
    assert "forum-00" in first and "forum-24" in first and "forum-25" not in first
    assert "forum-25" in second and "forum-26" in second and "forum-00" not in second
    assert "27 events" in _text(first)
    assert 'href="?page=2"' in first


async def test_event_list_names_the_events_time_zone(client) -> None:
    await make_event(slug="almaty-forum", timezone="Asia/Almaty")
    english = _text((await client.get("/en/events/")).text)
    russian = _text((await client.get("/ru/events/")).text)
    assert "Almaty, UTC+" in english
    assert "Алматы, UTC+" in russian


# --- one event -------------------------------------------------------------------------


async def test_event_page_shows_times_in_the_events_zone_with_the_zone_named(client) -> None:
    starts = datetime(2027, 5, 20, 4, 0, tzinfo=UTC)
    await make_event(
        slug="almaty-forum",
        timezone="Asia/Almaty",
        starts_at=starts,
        ends_at=starts.replace(hour=12),
    )
    local = starts.astimezone(ZoneInfo("Asia/Almaty"))
    page = _text(_main((await client.get("/en/events/almaty-forum/")).text))
    assert f"May 20, 2027, {local:%-I}:00" in page
    assert "(Almaty, UTC+" in page


async def test_agenda_groups_sessions_by_the_local_day_of_the_event(client) -> None:
    # 23:30 UTC on 9 September is already 05:30 on 10 September in Urumqi (UTC+6).
    event = await make_event(
        slug="conference",
        timezone="Asia/Urumqi",
        starts_at=datetime(2027, 9, 9, 3, 0, tzinfo=UTC),
        ends_at=datetime(2027, 9, 10, 12, 0, tzinfo=UTC),
    )
    await make_session(
        event,
        title=Translated.of("en", en="Sunrise visit").dump(),
        starts_at=datetime(2027, 9, 9, 23, 30, tzinfo=UTC),
    )
    await make_session(
        event,
        title=Translated.of("en", en="Opening plenary").dump(),
        starts_at=datetime(2027, 9, 9, 3, 0, tzinfo=UTC),
    )
    page = _text(_main((await client.get("/en/events/conference/")).text))
    day_one = page.index("Day 1: Thursday, September 9, 2027")
    day_two = page.index("Day 2: Friday, September 10, 2027")
    assert day_one < page.index("Opening plenary") < day_two < page.index("Sunrise visit")
    assert "5:30 – 6:30 AM" in page
    assert "Times are local to the venue: Urumqi, UTC+06:00." in page


async def test_agenda_shows_room_track_kind_and_speakers(client) -> None:
    event = await make_event(slug="conference")
    speaker = await make_speaker(event)
    await make_session(event, kind="panel", room="Hall B", track="Biotech", speakers=[speaker])
    page = _text(_main((await client.get("/en/events/conference/")).text))
    assert "Panel discussion" in page
    assert "Room: Hall B" in page and "Track: Biotech" in page
    assert "Aigerim Sultanova , Director, China–Central Asia Technology Transfer Center" in page
    # The speakers section, with the sessions each one speaks at.
    speakers = page[page.index("Speakers Aigerim") :]
    assert "Works on technology transfer." in speakers
    assert "Speaks at: Opening plenary" in speakers


async def test_missing_translation_falls_back_and_is_marked(client) -> None:
    await make_event(
        slug="conference",
        title=Translated.of("en", en="Annual Conference").dump(),
        summary=Translated.of("zh", zh="年会", ru="Ежегодная конференция").dump(),
    )
    russian = (await client.get("/ru/events/conference/")).text
    assert re.search(
        r'<h1 id="event-title"><span lang="en" class="fallback"[^>]*>Annual Conference<', russian
    )
    assert '<p class="lead">Ежегодная конференция</p>' in russian
    kazakh = (await client.get("/kk/events/conference/")).text
    assert re.search(r'<span lang="zh" class="fallback"[^>]*>年会</span>', kazakh)


async def test_event_page_offers_calendar_files_for_the_event_and_each_session(client) -> None:
    event = await make_event(slug="conference")
    session = await make_session(event)
    page = (await client.get("/ru/events/conference/")).text
    assert 'href="/ru/events/conference.ics"' in page
    assert f'href="/ru/events/conference/sessions/{session["id"]}.ics"' in page


async def test_event_page_shows_venue_with_map_link_and_cover(client) -> None:
    (folder(MEDIA_FOLDER) / "cover-conference-abc.png").write_bytes(PNG)
    await make_event(
        slug="conference",
        map_url="https://www.openstreetmap.org/?mlat=43.8",
        cover="cover-conference-abc.png",
    )
    page = (await client.get("/en/events/conference/")).text
    assert 'href="https://www.openstreetmap.org/?mlat=43.8"' in page
    assert 'src="/media/covers/cover-conference-abc.png"' in page
    image = await client.get("/media/covers/cover-conference-abc.png")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert (await client.get("/media/covers/..%2Fsecret_key")).status_code == 404


async def test_images_of_drafts_are_not_served(client) -> None:
    (folder(MEDIA_FOLDER) / "cover-draft-abc.png").write_bytes(PNG)
    (folder(MEDIA_FOLDER) / "speaker-abc.png").write_bytes(PNG)
    draft = await make_event(slug="draft", status="draft", cover="cover-draft-abc.png")
    await make_speaker(draft, photo="speaker-abc.png")
    assert (await client.get("/media/covers/cover-draft-abc.png")).status_code == 404
    assert (await client.get("/media/speakers/speaker-abc.png")).status_code == 404


async def test_speaker_photos_of_public_events_are_shown(client) -> None:
    (folder(MEDIA_FOLDER) / "speaker-def.png").write_bytes(PNG)
    event = await make_event(slug="conference")
    await make_speaker(event, photo="speaker-def.png")
    page = (await client.get("/en/events/conference/")).text
    assert 'src="/media/speakers/speaker-def.png"' in page
    assert (await client.get("/media/speakers/speaker-def.png")).status_code == 200


async def test_a_map_link_that_is_not_a_web_address_is_not_shown(client) -> None:
    await make_event(slug="conference", map_url="javascript:alert(1)")
    page = (await client.get("/en/events/conference/")).text
    assert "javascript:" not in page


# --- the registration box --------------------------------------------------------------


async def test_open_registration_links_to_the_registration_page(client) -> None:
    await make_event(slug="forum", status="registration_open")
    page = (await client.get("/kk/events/forum/")).text
    assert 'href="/kk/events/forum/register"' in page


async def test_a_full_event_offers_the_waiting_list(client) -> None:
    await make_event(slug="forum", capacity=10, general_taken=10)
    page = _text(_main((await client.get("/en/events/forum/")).text))
    assert "Full — waiting list" in page
    assert "Join the waiting list" in page


async def test_seats_reserved_for_partners_do_not_hide_a_full_general_list(client) -> None:
    from tests.events.factories import make_quota
    from tests.support.factories import make_organization

    event = await make_event(slug="forum", capacity=10, general_taken=6)
    await make_quota(event["id"], (await make_organization())["id"], 4)
    page = _text(_main((await client.get("/en/events/forum/")).text))
    assert "Join the waiting list" in page


async def test_registration_not_yet_open_says_when_it_opens(client) -> None:
    opens = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)
    await make_event(slug="forum", status="published", registration_opens_at=opens)
    page = _text(_main((await client.get("/en/events/forum/")).text))
    assert "Registration opens on Mar 1, 2027, 10:00 AM (Urumqi, UTC+06:00)." in page
    assert "/en/events/forum/register" not in page


async def test_closed_registration_and_ended_events_offer_no_registration(client) -> None:
    now = datetime.now(UTC)
    await make_event(slug="closed", status="registration_closed")
    await make_event(
        slug="over",
        status="registration_open",
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=2),
    )
    closed = _text(_main((await client.get("/en/events/closed/")).text))
    over = _text(_main((await client.get("/en/events/over/")).text))
    assert "Registration for this event is closed." in closed
    assert "This event has ended." in over
    assert "/register" not in closed + over


async def test_event_pages_work_in_all_four_languages(client) -> None:
    event = await make_event(slug="conference")
    await make_session(event, speakers=[await make_speaker(event)])
    for lang in ("zh", "ru", "kk", "en"):
        for path in ("events/", "events/conference/"):
            response = await client.get(f"/{lang}/{path}")
            assert response.status_code == 200
            assert f'<html lang="{lang}">' in response.text
