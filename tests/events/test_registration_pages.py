"""The registrant's pages: registering oneself and a coordinator's group, following one's
registrations, changing answers, cancelling, and answering a waiting-list offer."""

from __future__ import annotations

import html
import json
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from core.content import Translated
from core.tables import OutboxMessage
from events.services import registrations
from events.services.registrations import Person
from events.tables import Event, EventQuota, Registration, RegistrationQuestion
from tests.events.factories import make_event, make_quota
from tests.support.factories import make_organization, make_user, post_form, sign_in

# --- helpers ------------------------------------------------------------------------------


async def _question(event: dict[str, Any], kind: str, label: str, **fields: Any) -> int:
    question = RegistrationQuestion(
        event=event["id"],
        position=fields.pop("position", 0),
        kind=kind,
        label=Translated.of("en", en=label, ru=fields.pop("ru", label)).dump(),
        options=fields.pop("options", []),
        required=fields.pop("required", False),
    )
    await question.save()
    return question.id


def _options(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"value": value, "label": Translated.of("en", en=label).dump()} for value, label in pairs
    ]


async def _event_with_questions(**fields: Any) -> tuple[dict[str, Any], dict[str, int]]:
    event = await make_event(**fields)
    ids = {
        "company": await _question(event, "text", "Company", position=1, required=True),
        "topics": await _question(
            event,
            "multiple",
            "Topics",
            position=2,
            options=_options(("agri", "Agriculture"), ("med", "Medicine")),
        ),
        "meal": await _question(
            event, "single", "Meal", position=3, options=_options(("veg", "Vegetarian"))
        ),
        "visa": await _question(event, "yes_no", "Do you need a visa?", position=4),
        "country": await _question(event, "country", "Country", position=5),
        "arrival": await _question(event, "date", "Arrival", position=6),
    }
    return event, ids


def _page(event: dict[str, Any], tail: str = "register", lang: str = "en") -> str:
    return f"/{lang}/events/{event['slug']}/{tail}"


def _text(response: httpx.Response) -> str:
    """The page as a reader sees it: tags removed, entities decoded, spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(html.unescape(without_tags).split())


async def _registrations(event: dict[str, Any]) -> list[dict[str, Any]]:
    return (
        await Registration.select()
        .where(Registration.event == event["id"])
        .order_by(Registration.id)
    )


async def _register(
    event: dict[str, Any], name: str, answers: dict[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    email = f"{name.lower()}@example.org"
    person = Person(name=name, email=email, language="en", answers=answers or {})
    ids = await registrations.register(event["id"], [person], **fields)
    row = await Registration.select().where(Registration.id == ids[0]).first()
    assert row is not None
    return row


async def _status(registration: dict[str, Any]) -> str:
    row = (
        await Registration.select(Registration.status)
        .where(Registration.id == registration["id"])
        .first()
    )
    return row["status"]


# --- registering oneself ------------------------------------------------------------------


async def test_a_person_registers_themself_and_is_told_their_seat_is_confirmed(client) -> None:
    event, q = await _event_with_questions()
    form = await client.get(_page(event))
    assert form.status_code == 200
    for label in ("Company", "Topics", "Vegetarian", "Do you need a visa?", "Kazakhstan"):
        assert label in form.text

    response = await post_form(
        client,
        _page(event),
        {
            "name": "  Aigerim   Nurlanova ",
            "email": "Aigerim@Example.org",
            "language": "ru",
            f"q{q['company']}": "Almaty Tech Park",
            f"q{q['topics']}": ["agri", "med"],
            f"q{q['meal']}": "veg",
            f"q{q['visa']}": "yes",
            f"q{q['country']}": "KZ",
            f"q{q['arrival']}": "2026-09-10",
        },
    )

    assert response.status_code == 200
    assert "/en/registrations/" in str(response.url)
    page = _text(response)
    assert "You are registered, and your seat is confirmed." in page
    assert "An e-mail with the details is on its way to aigerim@example.org." in page
    assert "Almaty Tech Park" in page and "Agriculture and Medicine" in page
    assert "Do you need a visa? Yes" in page and "Country Kazakhstan" in page
    [row] = await _registrations(event)
    assert row["status"] == "confirmed"
    assert row["name"] == "Aigerim Nurlanova"
    assert row["language"] == "ru"
    answers = row["answers"] if isinstance(row["answers"], dict) else json.loads(row["answers"])
    assert answers == {
        str(q["company"]): "Almaty Tech Park",
        str(q["topics"]): ["agri", "med"],
        str(q["meal"]): "veg",
        str(q["visa"]): "yes",
        str(q["country"]): "KZ",
        str(q["arrival"]): "2026-09-10",
    }
    assert row["code"] in str(response.url)
    mails = await OutboxMessage.select().where(OutboxMessage.recipient == "aigerim@example.org")
    assert [mail["template"] for mail in mails] == ["registration_confirmed"]


async def test_a_missing_required_answer_is_shown_with_the_input_and_nothing_is_saved(
    client,
) -> None:
    event, _q = await _event_with_questions()
    response = await post_form(
        client,
        _page(event),
        {"name": "Timur Karimov", "email": "timur@example.org", "language": "en"},
    )
    assert response.status_code == 400
    assert "This question needs an answer." in response.text
    assert 'value="Timur Karimov"' in response.text
    assert await _registrations(event) == []
    assert await OutboxMessage.count() == 0


async def test_a_closed_registration_window_shows_a_message_instead_of_the_form(client) -> None:
    event = await make_event(registration_closes_at=datetime.now(UTC) - timedelta(hours=1))
    page = await client.get(_page(event))
    assert page.status_code == 200
    assert "Registration for this event is closed." in page.text
    assert 'name="email"' not in page.text

    refused = await post_form(
        client, _page(event), {"name": "Late Comer", "email": "late@example.org"}
    )
    assert refused.status_code == 400
    assert "Registration for this event is closed." in refused.text
    assert await _registrations(event) == []


async def test_a_window_not_yet_open_says_when_it_opens(client) -> None:
    opens = datetime(2030, 3, 1, 4, 0, tzinfo=UTC)
    event = await make_event(registration_opens_at=opens)
    page = await client.get(_page(event))
    assert "Registration opens on Mar 1, 2030, 10:00 AM (Urumqi, UTC+06:00)." in _text(page)


async def test_registering_an_email_twice_says_it_is_already_registered(client) -> None:
    event = await make_event()
    person = {"name": "Dilnoza Yusupova", "email": "dilnoza@example.org", "language": "en"}
    first = await post_form(client, _page(event), person)
    assert first.status_code == 200
    again = await post_form(client, _page(event), {**person, "email": "DILNOZA@example.org"})
    assert again.status_code == 400
    assert "This e-mail address is already registered for this event." in again.text
    assert len(await _registrations(event)) == 1


async def test_a_full_event_puts_the_registrant_on_the_waiting_list_with_their_place(
    client,
) -> None:
    event = await make_event(capacity=1)
    await _register(event, "First")
    await _register(event, "Second")
    response = await post_form(
        client, _page(event), {"name": "Third", "email": "third@example.org", "language": "en"}
    )
    page = _text(response)
    assert "The event is full, so you are on the waiting list." in page
    assert "There is 1 person ahead of you." in page


async def test_approval_events_say_the_registration_waits_for_the_organizers(client) -> None:
    event = await make_event(approval_required=True)
    response = await post_form(
        client, _page(event), {"name": "Farrukh", "email": "farrukh@example.org"}
    )
    assert "Your registration is received and waits for the organizers' approval." in _text(
        response
    )


async def test_a_signed_in_user_finds_the_registration_under_my_registrations(client) -> None:
    event = await make_event()
    user = await make_user("member", email="member@example.org", name="Madina")
    await sign_in(client, user)
    form = await client.get(_page(event))
    assert 'value="member@example.org"' in form.text
    response = await post_form(
        client, _page(event), {"name": "Madina", "email": "member@example.org", "language": "en"}
    )
    assert "/en/account/registrations/" in str(response.url)
    [row] = await _registrations(event)
    assert row["user"] == user["id"]

    listing = await client.get("/en/account/registrations/")
    assert listing.status_code == 200
    assert "Forum" in listing.text and f"/en/account/registrations/{row['code']}/" in listing.text
    again = await client.get(_page(event))
    assert "You are already registered for this event." in again.text


async def test_an_event_without_self_registration_points_to_the_coordinators(client) -> None:
    event = await make_event(self_registration=False)
    page = await client.get(_page(event))
    assert "Partner organizations' coordinators register their people for this event." in (
        html.unescape(page.text)
    )
    assert 'name="email"' not in page.text


# --- a coordinator's group ------------------------------------------------------------------


async def _coordinator(client, slug: str = "almaty") -> tuple[dict[str, Any], dict[str, Any]]:
    organization = await make_organization(slug)
    user = await make_user("coordinator", organization_id=organization["id"])
    await sign_in(client, user)
    return organization, user


def _rows(*people: tuple[str, str], lang: str = "en") -> dict[str, str]:
    data = {"rows": str(max(len(people), 3)), "action": "register"}
    for index, (name, email) in enumerate(people):
        data.update({f"{index}.name": name, f"{index}.email": email, f"{index}.language": lang})
    return data


async def test_a_coordinator_registers_three_people_using_the_quota_first(client) -> None:
    organization, _user = await _coordinator(client)
    event = await make_event(capacity=10)
    await make_quota(event["id"], organization["id"], 2)

    form = await client.get(_page(event, "register/group"))
    assert form.status_code == 200
    assert form.text.count('name="0.name"') == 1 and 'name="2.name"' in form.text
    assert "2 of the 2 seats reserved for your organization are still free" in form.text

    people = [("Aidos", "aidos@example.org"), ("Bota", "bota@example.org")]
    data = _rows(*people, ("Chingiz", "chingiz@example.org"))
    data["rows"] = "4"  # a fourth, empty row is ignored
    response = await post_form(client, _page(event, "register/group"), data)

    assert response.status_code == 200
    assert "3 people were registered." in response.text
    rows = await _registrations(event)
    assert [(row["name"], row["status"], row["seat"]) for row in rows] == [
        ("Aidos", "confirmed", "quota"),
        ("Bota", "confirmed", "quota"),
        ("Chingiz", "confirmed", "general"),
    ]
    assert {row["organization"] for row in rows} == {organization["id"]}
    quota = await EventQuota.select(EventQuota.taken).first()
    assert quota["taken"] == 2
    listing = _text(response)
    assert "Aidos" in listing and "Chingiz" in listing


async def test_a_group_with_one_bad_row_registers_nobody_and_marks_that_row(client) -> None:
    organization, _user = await _coordinator(client)
    event = await make_event(capacity=10)
    await make_quota(event["id"], organization["id"], 2)
    data = _rows(
        ("Aidos", "aidos@example.org"), ("Bota", "not-an-address"), ("Chingiz", "c@example.org")
    )
    response = await post_form(client, _page(event, "register/group"), data)

    assert response.status_code == 400
    assert 'id="f-1-email-error"' in response.text
    assert "Enter a valid e-mail address." in response.text
    assert 'value="Chingiz"' in response.text  # the input is kept
    assert await _registrations(event) == []
    quota = await EventQuota.select(EventQuota.taken).first()
    assert quota["taken"] == 0


async def test_a_group_row_already_registered_is_marked_and_nobody_is_added(client) -> None:
    await _coordinator(client)
    event = await make_event()
    await _register(event, "Bota")
    data = _rows(("Aidos", "aidos@example.org"), ("Bota", "bota@example.org"))
    response = await post_form(client, _page(event, "register/group"), data)
    assert response.status_code == 400
    assert 'id="f-1-email-error"' in response.text
    assert "This e-mail address is already registered for this event." in response.text
    assert len(await _registrations(event)) == 1


async def test_adding_rows_keeps_what_was_typed(client) -> None:
    await _coordinator(client)
    event = await make_event()
    data = {**_rows(("Aidos", "aidos@example.org")), "action": "add"}
    response = await post_form(client, _page(event, "register/group"), data)
    assert response.status_code == 200
    assert 'name="5.name"' in response.text
    assert 'value="Aidos"' in response.text
    assert await _registrations(event) == []


async def test_only_coordinators_open_the_group_form(client) -> None:
    event = await make_event()
    anonymous = await client.get(_page(event, "register/group"))
    assert "/en/account/login" in str(anonymous.url)
    await sign_in(client, await make_user("member"))
    refused = await client.get(_page(event, "register/group"))
    assert refused.status_code == 403


async def test_a_coordinator_cannot_see_another_organizations_registration(client) -> None:
    event = await make_event()
    almaty = await make_organization("almaty")
    theirs = await _register(event, "Aidos", organization_id=almaty["id"])
    await _coordinator(client, "tashkent")

    page = await client.get(f"/en/account/registrations/{theirs['code']}/")
    assert page.status_code == 404
    qr = await client.get(f"/en/account/registrations/{theirs['code']}/qr.png")
    assert qr.status_code == 404
    cancel = await post_form(client, f"/en/account/registrations/{theirs['code']}/cancel")
    assert cancel.status_code == 404
    assert await _status(theirs) == "confirmed"
    listing = await client.get("/en/account/registrations/")
    assert theirs["code"] not in listing.text


async def test_another_signed_in_user_cannot_open_someone_elses_registration(client) -> None:
    event = await make_event()
    theirs = await _register(event, "Aidos")
    await sign_in(client, await make_user("member", email="someone.else@example.org"))
    page = await client.get(f"/en/account/registrations/{theirs['code']}/")
    assert page.status_code == 404
    edit = await post_form(client, f"/en/account/registrations/{theirs['code']}/edit", {})
    assert edit.status_code == 404
    listing = await client.get("/en/account/registrations/")
    assert "No registrations yet." in listing.text


async def test_a_coordinator_sees_and_manages_their_organizations_registrations(client) -> None:
    organization, _user = await _coordinator(client)
    event = await make_event()
    theirs = await _register(event, "Aidos", organization_id=organization["id"])
    page = await client.get(f"/en/account/registrations/{theirs['code']}/")
    assert page.status_code == 200
    assert "Aidos" in page.text
    listing = await client.get("/en/account/registrations/")
    assert theirs["code"] in listing.text


# --- the personal link ----------------------------------------------------------------------


async def test_the_personal_link_works_without_sign_in_and_another_code_is_not_found(
    client,
) -> None:
    event = await make_event()
    mine = await _register(event, "Aigerim")
    page = await client.get(f"/en/registrations/{mine['code']}/")
    assert page.status_code == 200
    assert "Aigerim" in page.text and "Confirmed" in page.text
    qr = await client.get(f"/en/registrations/{mine['code']}/qr.png")
    assert qr.headers["content-type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")

    assert (await client.get(f"/en/registrations/{secrets.token_urlsafe(18)}/")).status_code == 404
    assert (await client.get("/en/registrations/1/")).status_code == 404
    through_account = await client.get(f"/en/account/registrations/{mine['code']}/")
    assert "/en/account/login" in str(through_account.url)


async def test_cancelling_asks_first_then_frees_the_seat_for_the_next_on_the_waiting_list(
    client, run_jobs, mail_dir
) -> None:
    event = await make_event(capacity=1)
    first = await _register(event, "First")
    second = await _register(event, "Second")
    base = f"/en/registrations/{first['code']}/"

    confirm = await client.get(base + "cancel")
    assert confirm.status_code == 200
    assert "This cannot be undone" in confirm.text
    assert await _status(first) == "confirmed"

    done = await post_form(client, base + "cancel")
    assert "The registration is cancelled." in done.text
    assert await _status(first) == "cancelled"
    assert await _status(second) == "offered"

    await run_jobs()
    offer = (mail_dir / f"registration_offered_{second['id']}.eml").read_text()
    assert "To: second@example.org" in offer
    assert f"/en/registrations/{second['code']}/" in offer


async def test_accepting_an_offered_seat_confirms_the_registration(client) -> None:
    event = await make_event(capacity=1)
    first = await _register(event, "First")
    second = await _register(event, "Second")
    await registrations.cancel(first["id"])
    base = f"/en/registrations/{second['code']}/"

    page = await client.get(base)
    assert "A seat is free for you" in page.text and "Accept the seat" in page.text
    accepted = await post_form(client, base + "accept")
    assert "You accepted the seat: the registration is confirmed." in accepted.text
    assert await _status(second) == "confirmed"
    assert await OutboxMessage.count().where(
        OutboxMessage.idempotency_key == f"registration_confirmed:{second['id']}"
    )


async def test_declining_an_offered_seat_asks_first_and_passes_it_on(client) -> None:
    event = await make_event(capacity=1)
    first = await _register(event, "First")
    second = await _register(event, "Second")
    third = await _register(event, "Third")
    await registrations.cancel(first["id"])
    base = f"/en/registrations/{second['code']}/"

    confirm = await client.get(base + "decline")
    assert "Decline the seat?" in confirm.text
    declined = await post_form(client, base + "decline")
    assert "You declined the seat" in declined.text
    assert await _status(second) == "cancelled"
    assert await _status(third) == "offered"


async def test_an_expired_offer_cannot_be_accepted(client) -> None:
    event = await make_event(capacity=1)
    first = await _register(event, "First")
    second = await _register(event, "Second")
    await registrations.cancel(first["id"])
    await Registration.update(
        {Registration.offer_expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Registration.id == second["id"])
    refused = await post_form(client, f"/en/registrations/{second['code']}/accept")
    assert refused.status_code == 400
    assert "This offer is no longer open." in refused.text
    assert await _status(second) == "offered"


async def test_answers_can_be_changed_until_the_deadline_and_not_after(client) -> None:
    event = await make_event(edits_until=datetime.now(UTC) + timedelta(days=1))
    company = await _question(event, "text", "Company", required=True)
    ids = await registrations.register(
        event["id"],
        [Person(name="Aigerim", email="a@example.org", answers={f"q{company}": "Old LLP"})],
    )
    row = await Registration.select().where(Registration.id == ids[0]).first()
    base = f"/en/registrations/{row['code']}/"

    form = await client.get(base + "edit")
    assert 'value="Old LLP"' in form.text
    missing = await post_form(client, base + "edit", {f"q{company}": ""})
    assert missing.status_code == 400
    saved = await post_form(client, base + "edit", {f"q{company}": "New LLP"})
    assert "The answers were saved." in saved.text and "New LLP" in saved.text

    await Event.update({Event.edits_until: datetime.now(UTC) - timedelta(minutes=1)}).where(
        Event.id == event["id"]
    )
    closed = await client.get(base + "edit")
    assert "Answers can no longer be changed for this event." in closed.text
    assert f'name="q{company}"' not in closed.text
    refused = await post_form(client, base + "edit", {f"q{company}": "Late LLP"})
    assert refused.status_code == 400
    assert "Answers can no longer be changed for this event." in refused.text
    page = await client.get(base)
    assert "New LLP" in page.text and "Late LLP" not in page.text


async def test_pages_work_in_every_language(client) -> None:
    event, q = await _event_with_questions()
    mine = await _register(event, "Aigerim", {f"q{q['company']}": "Tech Park"})
    for lang in ("zh", "ru", "kk", "en"):
        assert (await client.get(_page(event, lang=lang))).status_code == 200
        page = await client.get(f"/{lang}/registrations/{mine['code']}/")
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text
        assert (await client.get(f"/{lang}/registrations/{mine['code']}/cancel")).status_code == 200
