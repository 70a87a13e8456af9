"""The organizers' side of events over HTTP: the event form, its life cycle, reserved seats,
the registration form builder, who may see these pages, and the audit trail they leave."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from core.auth import load_viewer
from core.content import Translated
from core.tables import AuditEntry
from events.services import agenda, registrations
from events.services import questions as question_rules
from events.services.registrations import Person
from events.tables import Event, EventQuota, RegistrationQuestion
from tests.events.factories import make_event, make_quota
from tests.support.factories import audit, make_organization, make_user, post_form, sign_in


def event_form(**overrides: str) -> dict[str, str]:
    form = {
        "kind": "roadshow",
        "slug": "tashkent-roadshow",
        "source_language": "ru",
        "title_ru": "Роуд-шоу технологий в Ташкенте",
        "title_en": "Technology roadshow in Tashkent",
        "summary_ru": "Презентации проектов для инвесторов.",
        "venue_ru": "Конгресс-холл, Ташкент",
        "city_ru": "Ташкент",
        "city_zh": "塔什干",
        "timezone": "Asia/Tashkent",
        "starts_at": "2031-09-10T09:00",
        "ends_at": "2031-09-10T18:00",
        "capacity": "120",
        "registration_closes_at": "2031-09-05T18:00",
        "offer_hours": "48",
        "self_registration": "on",
    }
    form.update(overrides)
    return form


async def signed_in_admin(client: httpx.AsyncClient) -> dict[str, Any]:
    admin = await make_user("admin", email="organizer@example.org")
    await sign_in(client, admin)
    return admin


async def status_of(event_id: int) -> str:
    row = await Event.select(Event.status).where(Event.id == event_id).first()
    return row["status"]


# --- the event form --------------------------------------------------------------------------


async def test_an_organizer_creates_a_draft_whose_local_times_are_stored_in_utc(client) -> None:
    await signed_in_admin(client)
    response = await post_form(client, "/en/manage/events/new", event_form())
    assert response.status_code == 200
    assert str(response.url).endswith("/en/manage/events/tashkent-roadshow/?saved=1")
    assert "Technology roadshow in Tashkent" in response.text
    assert "Draft" in response.text

    event = await Event.select().where(Event.slug == "tashkent-roadshow").first()
    assert event["status"] == "draft"
    # Tashkent is UTC+5: nine in the morning there is four o'clock UTC.
    assert event["starts_at"] == datetime(2031, 9, 10, 4, 0, tzinfo=UTC)
    assert event["ends_at"] == datetime(2031, 9, 10, 13, 0, tzinfo=UTC)
    assert event["registration_closes_at"] == datetime(2031, 9, 5, 13, 0, tzinfo=UTC)
    assert event["capacity"] == 120
    title = Translated.load(event["title"])
    assert title.source == "ru" and title.text["en"] == "Technology roadshow in Tashkent"
    [entry] = await audit("event.create")
    assert entry["after"]["slug"] == "tashkent-roadshow"
    assert entry["after"]["starts_at"].startswith("2031-09-10T04:00")


async def test_the_edit_form_shows_times_back_in_the_event_zone(client) -> None:
    await signed_in_admin(client)
    await post_form(client, "/en/manage/events/new", event_form())
    page = await client.get("/en/manage/events/tashkent-roadshow/edit")
    assert page.status_code == 200
    assert 'value="2031-09-10T09:00"' in page.text
    assert 'value="2031-09-05T18:00"' in page.text


async def test_a_form_with_mistakes_is_shown_again_with_the_input_and_saves_nothing(
    client,
) -> None:
    await signed_in_admin(client)
    response = await post_form(
        client,
        "/en/manage/events/new",
        event_form(
            title_ru="",
            ends_at="2031-09-10T08:00",
            capacity="0",
            slug="Tashkent Roadshow!",
            offer_hours="0",
            map_url="javascript:alert(1)",
        ),
    )
    assert response.status_code == 400
    for message in (
        "Enter the title in its source language.",
        "The end must be after the start.",
        "Enter a whole number of at least 1, or leave it empty for no limit.",
        "Use lower-case Latin letters, digits and hyphens.",
        "Enter a number of hours between 1 and 720.",
        "Enter a web address starting with http:// or https://.",
    ):
        assert message in response.text
    assert 'value="Technology roadshow in Tashkent"' in response.text  # input kept
    assert await Event.count() == 0
    assert await audit("event.create") == []


async def test_a_time_that_is_not_a_date_is_refused_in_the_page_language(client) -> None:
    await signed_in_admin(client)
    response = await post_form(
        client, "/ru/manage/events/new", event_form(starts_at="next tuesday", timezone="Mars/Base")
    )
    assert response.status_code == 400
    assert await Event.count() == 0


async def test_a_short_name_already_taken_is_refused(client) -> None:
    await signed_in_admin(client)
    await make_event(slug="tashkent-roadshow")
    response = await post_form(client, "/en/manage/events/new", event_form())
    assert response.status_code == 400
    assert "This short name is already taken." in response.text
    assert await Event.count() == 1


async def test_editing_records_what_changed_before_and_after(client) -> None:
    await signed_in_admin(client)
    await post_form(client, "/en/manage/events/new", event_form())
    response = await post_form(
        client,
        "/en/manage/events/tashkent-roadshow/edit",
        event_form(capacity="150", title_kk="Ташкенттегі технологиялар роуд-шоуы"),
    )
    assert response.status_code == 200
    [entry] = await audit("event.update")
    assert entry["before"]["capacity"] == 120 and entry["after"]["capacity"] == 150
    assert "kk" in entry["after"]["title"]["text"]
    assert "starts_at" not in entry["after"]  # unchanged fields stay out of the entry


async def test_the_capacity_cannot_drop_below_seats_reserved_for_partners(client) -> None:
    await signed_in_admin(client)
    event = await make_event(slug="tashkent-roadshow", capacity=120)
    almaty = await make_organization("almaty")
    await make_quota(event["id"], almaty["id"], 30)
    response = await post_form(
        client, "/en/manage/events/tashkent-roadshow/edit", event_form(capacity="20")
    )
    assert response.status_code == 400
    assert "The capacity cannot be below 30" in response.text
    row = await Event.select(Event.capacity).where(Event.id == event["id"]).first()
    assert row["capacity"] == 120


async def test_raising_the_capacity_offers_the_new_seat_to_the_waiting_list(client) -> None:
    from events.tables import Registration

    await signed_in_admin(client)
    event = await make_event(slug="tashkent-roadshow", capacity=1)
    for name in ("first", "second", "third"):
        await registrations.register(event["id"], [Person(name, f"{name}@example.org")])
    response = await post_form(
        client, "/en/manage/events/tashkent-roadshow/edit", event_form(capacity="2")
    )
    assert response.status_code == 200
    rows = await Registration.select(Registration.email, Registration.status).order_by(
        Registration.id
    )
    assert [row["status"] for row in rows] == ["confirmed", "offered", "waitlisted"]


# --- the life cycle --------------------------------------------------------------------------


async def test_an_event_moves_only_along_the_allowed_steps(client) -> None:
    await signed_in_admin(client)
    event = await make_event(slug="forum", status="draft")
    url = "/en/manage/events/forum/status"

    refused = await post_form(client, url, {"to": "registration_open"})
    assert refused.status_code == 400
    assert "An event that is “Draft” cannot become “Registration open”." in refused.text
    assert await status_of(event["id"]) == "draft"

    for target in ("published", "draft", "published", "registration_open"):
        response = await post_form(client, url, {"to": target})
        assert response.status_code == 200, response.text[:300]
        assert await status_of(event["id"]) == target
    for target in ("registration_closed", "registration_open", "registration_closed"):
        await post_form(client, url, {"to": target})
        assert await status_of(event["id"]) == target

    back = await post_form(client, url, {"to": "draft"})
    assert back.status_code == 400
    assert await status_of(event["id"]) == "registration_closed"
    entries = await audit("event.status")
    assert [(e["before"]["status"], e["after"]["status"]) for e in entries][:2] == [
        ("draft", "published"),
        ("published", "draft"),
    ]


async def test_the_overview_offers_only_the_buttons_of_allowed_steps(client) -> None:
    await signed_in_admin(client)
    await make_event(slug="forum", status="published")
    page = await client.get("/en/manage/events/forum/")
    assert page.status_code == 200
    assert "Open registration" in page.text
    assert "Unpublish (back to draft)" in page.text
    assert "Archive" not in page.text
    assert 'href="/en/manage/events/forum/registrations/"' in page.text
    assert 'href="/en/manage/events/forum/checkin"' in page.text


async def test_finishing_and_archiving_ask_first_then_freeze_the_event(client) -> None:
    await signed_in_admin(client)
    event = await make_event(slug="forum", status="registration_closed")
    url = "/en/manage/events/forum/status"

    asked = await post_form(client, url, {"to": "finished"})
    assert asked.status_code == 200
    assert "A finished event cannot open registration again." in asked.text
    assert await status_of(event["id"]) == "registration_closed"
    await post_form(client, url, {"to": "finished", "confirmed": "yes"})
    assert await status_of(event["id"]) == "finished"

    asked = await post_form(client, url, {"to": "archived"})
    assert "this cannot be undone" in asked.text
    assert await status_of(event["id"]) == "finished"
    await post_form(client, url, {"to": "archived", "confirmed": "yes"})
    assert await status_of(event["id"]) == "archived"

    edit = await post_form(client, "/en/manage/events/forum/edit", event_form(slug="forum"))
    assert edit.status_code == 400
    assert "An archived event can no longer be changed." in edit.text


async def test_publishing_is_refused_while_the_agenda_has_a_clash(client) -> None:
    admin = await signed_in_admin(client)
    actor = await load_viewer(admin["id"])
    event = await make_event(slug="forum", status="draft")
    start = event["starts_at"]
    for title, offset in (("Opening", 0), ("Keynote", 30)):
        await agenda.create_session(
            actor,
            event,
            {
                "kind": "plenary",
                "source_language": "en",
                "title_en": title,
                "room": "Hall A",
                "starts_at": _local(start + timedelta(minutes=offset)),
                "ends_at": _local(start + timedelta(minutes=offset + 60)),
            },
            [],
        )
    response = await post_form(client, "/en/manage/events/forum/status", {"to": "published"})
    assert response.status_code == 400
    assert "The agenda has 1 clash. Resolve it before publishing." in response.text
    assert "Room “Hall A” is booked twice" in response.text
    assert await status_of(event["id"]) == "draft"


def _local(moment: datetime, zone: str = "Asia/Urumqi") -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


async def test_opening_registration_after_its_deadline_is_refused(client) -> None:
    await signed_in_admin(client)
    past = datetime.now(UTC) - timedelta(days=1)
    event = await make_event(slug="forum", status="published", registration_closes_at=past)
    response = await post_form(
        client, "/en/manage/events/forum/status", {"to": "registration_open"}
    )
    assert response.status_code == 400
    assert "The registration deadline has passed." in response.text
    assert await status_of(event["id"]) == "published"


# --- reserved seats --------------------------------------------------------------------------


async def test_reservations_never_add_up_to_more_than_the_capacity(client) -> None:
    await signed_in_admin(client)
    event = await make_event(slug="forum", capacity=10)
    await make_organization("almaty")
    await make_organization("tashkent")
    url = "/en/manage/events/forum/quotas"

    saved = await post_form(client, url, {"organization": "almaty", "seats": "6"})
    assert saved.status_code == 200
    too_many = await post_form(client, url, {"organization": "tashkent", "seats": "5"})
    assert too_many.status_code == 400
    assert "Only 4 seats can still be reserved within the capacity." in too_many.text
    rows = await EventQuota.select(EventQuota.seats, EventQuota.event_organization)
    assert len(rows) == 1 and rows[0]["seats"] == 6
    assert rows[0]["event_organization"].startswith(f"{event['id']}:")
    [entry] = await audit("event.quota")
    assert entry["before"] == {"organization": "almaty", "seats": 0}
    assert entry["after"] == {"organization": "almaty", "seats": 6}


async def test_seats_held_outside_reservations_cannot_be_reserved_again(client) -> None:
    await signed_in_admin(client)
    event = await make_event(slug="forum", capacity=3)
    await make_organization("almaty")
    for n in range(2):
        await registrations.register(event["id"], [Person(f"Guest {n}", f"g{n}@example.org")])
    response = await post_form(
        client, "/en/manage/events/forum/quotas", {"organization": "almaty", "seats": "2"}
    )
    assert response.status_code == 400
    assert "Only 1 seat can still be reserved within the capacity." in response.text
    assert await EventQuota.count() == 0


async def test_a_reservation_cannot_shrink_below_the_seats_already_taken(client) -> None:
    await signed_in_admin(client)
    event = await make_event(slug="forum", capacity=10)
    almaty = await make_organization("almaty")
    await make_quota(event["id"], almaty["id"], 4)
    people = [Person(f"Member {n}", f"a{n}@example.org") for n in range(3)]
    await registrations.register(event["id"], people, organization_id=almaty["id"])
    url = "/en/manage/events/forum/quotas"

    for seats in ("2", "0"):
        response = await post_form(client, url, {"organization": "almaty", "seats": seats})
        assert response.status_code == 400
        assert "already holds 3 of these seats" in response.text
    assert (await EventQuota.select(EventQuota.seats).first())["seats"] == 4
    page = await client.get(url)
    assert "Organization" in page.text and 'value="4"' in page.text


async def test_a_reservation_set_to_zero_is_removed(client) -> None:
    await signed_in_admin(client)
    event = await make_event(slug="forum", capacity=10)
    almaty = await make_organization("almaty")
    await make_quota(event["id"], almaty["id"], 4)
    response = await post_form(
        client, "/en/manage/events/forum/quotas", {"organization": "almaty", "seats": "0"}
    )
    assert response.status_code == 200
    assert await EventQuota.count() == 0


# --- the registration form -------------------------------------------------------------------


async def test_the_form_builder_adds_reorders_and_removes_questions(client) -> None:
    await signed_in_admin(client)
    event = await make_event(slug="forum")
    base = "/en/manage/events/forum/questions"
    refused = await post_form(
        client,
        f"{base}/new",
        {"kind": "single", "source_language": "en", "label_en": "Diet", "option_0_en": "Halal"},
    )
    assert refused.status_code == 400
    assert "Give at least two options to choose from." in refused.text
    assert await RegistrationQuestion.count() == 0

    await post_form(
        client,
        f"{base}/new",
        {
            "kind": "single",
            "source_language": "en",
            "label_en": "Meal preference",
            "label_ru": "Предпочтения в питании",
            "required": "on",
            "option_0_en": "Halal",
            "option_0_ru": "Халяль",
            "option_1_en": "Vegetarian",
        },
    )
    await post_form(
        client,
        f"{base}/new",
        {"kind": "yes_no", "source_language": "en", "label_en": "Do you need a visa letter?"},
    )
    rows = await RegistrationQuestion.select().order_by(RegistrationQuestion.position)
    assert [r["kind"] for r in rows] == ["single", "yes_no"]
    options = (
        json.loads(rows[0]["options"])
        if isinstance(rows[0]["options"], str)
        else rows[0]["options"]
    )
    assert [o["value"] for o in options] == ["o1", "o2"]
    assert rows[0]["required"] is True

    await post_form(client, f"{base}/{rows[1]['id']}/move", {"direction": "up"})
    reordered = await RegistrationQuestion.select().order_by(RegistrationQuestion.position)
    assert [r["kind"] for r in reordered] == ["yes_no", "single"]

    asked = await client.get(f"{base}/{rows[0]['id']}/delete")
    assert "Remove the question “Meal preference”" in asked.text
    assert await RegistrationQuestion.count() == 2
    await post_form(client, f"{base}/{rows[0]['id']}/delete")
    assert await RegistrationQuestion.count() == 1
    assert [e["action"] for e in await AuditEntry.select(AuditEntry.action)] == [
        "event.question.create",
        "event.question.create",
        "event.question.move",
        "event.question.delete",
    ]
    page = await client.get(base)
    assert "Do you need a visa letter?" in page.text
    assert event["id"]


async def test_an_option_someone_already_chose_cannot_be_dropped(client) -> None:
    admin = await signed_in_admin(client)
    actor = await load_viewer(admin["id"])
    event = await make_event(slug="forum")

    question_id = await question_rules.add_question(
        actor,
        event,
        {
            "kind": "single",
            "source_language": "en",
            "label_en": "Meal",
            "option_0_en": "Halal",
            "option_1_en": "Vegetarian",
        },
    )
    await registrations.register(
        event["id"], [Person("Guest", "guest@example.org", answers={f"q{question_id}": "o1"})]
    )
    response = await post_form(
        client,
        f"/en/manage/events/forum/questions/{question_id}/edit",
        {
            "kind": "single",
            "source_language": "en",
            "label_en": "Meal",
            "option_0_value": "o2",
            "option_0_en": "Vegetarian",
            "option_1_en": "Kosher",
        },
    )
    assert response.status_code == 400
    assert "Registrants have already chosen “Halal”" in response.text


# --- the list, the overview and who may see them ---------------------------------------------


async def test_the_list_filters_by_status_and_shows_seats_and_registrations(client) -> None:
    await signed_in_admin(client)
    open_event = await make_event(slug="open-forum", capacity=40)
    await make_event(slug="draft-forum", status="draft")
    await registrations.register(open_event["id"], [Person("Guest", "guest@example.org")])

    page = await client.get("/en/manage/events/")
    assert "open-forum" in page.text and "draft-forum" in page.text
    assert "1 of 40" in page.text
    filtered = await client.get("/en/manage/events/?status=draft&sort=slug")
    assert "draft-forum" in filtered.text and "open-forum" not in filtered.text
    assert "1 event" in filtered.text


async def test_the_overview_lists_what_is_not_yet_translated(client) -> None:
    await signed_in_admin(client)
    await make_event(slug="forum")
    page = await client.get("/en/manage/events/forum/")
    assert "Title: lacks 中文 and Қазақша" in page.text
    assert "Summary: lacks 中文, Русский, and Қазақша" in page.text


async def test_people_other_than_organizers_are_kept_out(client) -> None:
    await make_event(slug="forum")
    almaty = await make_organization("almaty")
    paths = (
        "/en/manage/events/",
        "/en/manage/events/new",
        "/en/manage/events/forum/",
        "/en/manage/events/forum/agenda",
        "/en/manage/events/forum/quotas",
        "/en/manage/events/forum/questions",
    )
    anonymous = await client.get(paths[0])
    assert "/account/login" in str(anonymous.url)
    for role in ("coordinator", "fao", "member", "reviewer"):
        user = await make_user(role, organization_id=almaty["id"])
        await sign_in(client, user)
        for path in paths:
            response = await client.get(path)
            assert response.status_code == 403, (role, path)
        refused = await post_form(client, "/en/manage/events/forum/status", {"to": "published"})
        assert refused.status_code == 403
        client.cookies.clear()
    assert await audit("event.status") == []


# --- the demo --------------------------------------------------------------------------------


async def test_the_demo_loads_events_in_several_states_once() -> None:
    from core.demo import load_core_demo
    from events.demo import load_events_demo
    from events.tables import Registration

    await load_core_demo()
    await load_events_demo()
    await load_events_demo()
    events = {row["slug"]: row["status"] for row in await Event.select(Event.slug, Event.status)}
    assert events == {
        "annual-conference": "registration_open",
        "almaty-roadshow": "registration_open",
        "tashkent-agritech-forum": "registration_open",
        "dushanbe-bioresources-forum": "finished",
    }
    statuses = {row["status"] for row in await Registration.select(Registration.status)}
    assert statuses >= {"confirmed", "waitlisted", "offered", "pending", "rejected", "cancelled"}
    assert await Registration.exists().where(Registration.checked_in_at.is_not_null())
    conference = await Event.select(Event.id).where(Event.slug == "annual-conference").first()
    assert await agenda.clashes(conference["id"]) == []
    assert await EventQuota.count() == 1
