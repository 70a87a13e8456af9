"""The organizers' registrations board: filters, counts and paging, and the actions on one
registration (approve, reject with a reason, cancel, move up the waiting list, offer a seat)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from core.content import Translated
from core.errors import ValidationFailed
from core.tables import AuditEntry, OutboxMessage
from events.services import registrations
from events.services.registrations import Person
from events.tables import Event, Registration, RegistrationQuestion
from tests.events.factories import make_event, make_quota
from tests.support.factories import make_organization, make_user, post_form, sign_in


def _board(event: dict[str, Any], query: str = "", lang: str = "en") -> str:
    return f"/{lang}/manage/events/{event['slug']}/registrations/" + (f"?{query}" if query else "")


def _one(event: dict[str, Any], registration_id: int, action: str = "") -> str:
    path = f"/en/manage/events/{event['slug']}/registrations/{registration_id}"
    return f"{path}/{action}" if action else path


def _rows(page: str) -> str:
    """The table body of the list, so filters are judged by its rows, not by the filter form."""
    return page.split('<table class="data registrations">', 1)[1].split("</tbody>", 1)[0]


async def _register(event: dict[str, Any], name: str, **fields: Any) -> int:
    organization_id = fields.pop("organization_id", None)
    person = Person(name=name, email=f"{name.lower().replace(' ', '.')}@example.org", **fields)
    ids = await registrations.register(event["id"], [person], organization_id=organization_id)
    return ids[0]


async def _status(registration_id: int) -> str:
    row = await Registration.select(Registration.status).where(Registration.id == registration_id)
    return row[0]["status"]


async def _admin(client) -> dict[str, Any]:
    admin = await make_user("admin", email="organizer@example.org", name="Olga Organizer")
    await sign_in(client, admin)
    return admin


async def _mails(template: str) -> list[dict[str, Any]]:
    return await OutboxMessage.select().where(OutboxMessage.template == template)


# --- Who may open the board ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["fao", "coordinator", "member", "reviewer"])
async def test_only_organizers_may_open_the_board_and_act(client, role: str) -> None:
    organization = await make_organization()
    event = await make_event()
    registration_id = await _register(event, "Aigerim")
    await sign_in(client, await make_user(role, organization_id=organization["id"]))
    assert (await client.get(_board(event))).status_code == 403
    assert (await client.get(_one(event, registration_id))).status_code == 403
    assert (await client.get(_board(event).rstrip("/") + ".csv")).status_code == 403
    response = await post_form(client, _one(event, registration_id, "cancel"))
    assert response.status_code == 403
    assert await _status(registration_id) == "confirmed"


async def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    event = await make_event()
    response = await client.get(_board(event), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/en/account/login?next=")


async def test_an_unknown_event_or_another_events_registration_is_not_found(client) -> None:
    await _admin(client)
    event, other = await make_event(), await make_event()
    registration_id = await _register(other, "Bakyt")
    assert (await client.get("/en/manage/events/nope/registrations/")).status_code == 404
    assert (await client.get(_one(event, registration_id))).status_code == 404
    response = await post_form(client, _one(event, registration_id, "cancel"))
    assert response.status_code == 404
    assert await _status(registration_id) == "confirmed"


# --- The list ---------------------------------------------------------------------------------


async def test_board_shows_counts_per_status_seats_and_quota_usage(client) -> None:
    await _admin(client)
    almaty = await make_organization("almaty")
    event = await make_event(capacity=3)
    await make_quota(event["id"], almaty["id"], 1)
    await _register(event, "Quota Person", organization_id=almaty["id"])
    for name in ("First", "Second", "Third"):
        await _register(event, name)
    page = (await client.get(_board(event))).text
    assert "Confirmed: 3" in page
    assert "On the waiting list: 1" in page
    assert "Waiting for approval: 0" in page
    assert "Seats held: 3 of 3; 0 left." in page
    quota_row = page.split('<table class="data quotas">', 1)[1].split("</table>", 1)[0]
    assert "Organization" in quota_row and re.search(
        r"<td>1</td>\s*<td>1</td>\s*<td>0</td>", quota_row
    )
    assert "No. 1 in line" in _rows(page)


async def test_board_filters_by_status_organization_and_name_or_email(client) -> None:
    await _admin(client)
    almaty = await make_organization("almaty")
    event = await make_event(capacity=2)
    await _register(event, "Aigerim Nurlanovna", organization_id=almaty["id"])
    await _register(event, "Bakyt Osmonov")
    await _register(event, "Chen Wei")  # the event is full: waiting list

    waiting = _rows((await client.get(_board(event, "status=waitlisted"))).text)
    assert "Chen Wei" in waiting and "Bakyt" not in waiting and "Aigerim" not in waiting

    from_almaty = _rows((await client.get(_board(event, "organization=almaty"))).text)
    assert "Aigerim" in from_almaty and "Bakyt" not in from_almaty

    individuals = _rows((await client.get(_board(event, "organization=-"))).text)
    assert "Bakyt" in individuals and "Chen Wei" in individuals and "Aigerim" not in individuals

    by_name = _rows((await client.get(_board(event, "q=osmon"))).text)
    assert "Bakyt Osmonov" in by_name and "Chen" not in by_name

    by_email = _rows((await client.get(_board(event, "q=chen.wei@"))).text)
    assert "Chen Wei" in by_email and "Bakyt" not in by_email

    nothing = _rows((await client.get(_board(event, "q=nobody"))).text)
    assert "No registrations match these filters." in nothing


async def test_board_sorts_and_pages_through_many_registrations(client) -> None:
    await _admin(client)
    event = await make_event(capacity=None)
    people = [Person(name=f"Guest {n:02d}", email=f"guest{n:02d}@example.org") for n in range(30)]
    await registrations.register(event["id"], people)

    first = _rows((await client.get(_board(event, "sort=name"))).text)
    assert "Guest 00" in first and "Guest 24" in first and "Guest 25" not in first
    second = (await client.get(_board(event, "sort=name&page=2"))).text
    assert "Guest 25" in _rows(second) and "Guest 00" not in _rows(second)
    assert "Page 2 of 2" in second

    backwards = _rows((await client.get(_board(event, "sort=-name"))).text)
    assert backwards.index("Guest 29") < backwards.index("Guest 28")
    assert "Guest 04" not in backwards


async def test_board_is_shown_in_the_page_language_with_translated_organization_names(
    client,
) -> None:
    await _admin(client)
    almaty = await make_organization(
        "almaty", name=Translated.of("ru", ru="Акимат Алматы", zh="阿拉木图市政府").dump()
    )
    event = await make_event()
    await _register(event, "Aigerim", organization_id=almaty["id"])
    for lang, name in (("ru", "Акимат Алматы"), ("zh", "阿拉木图市政府")):
        page = await client.get(_board(event, lang=lang))
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text
        assert name in _rows(page.text)


# --- Actions ----------------------------------------------------------------------------------


async def test_approving_gives_a_free_seat_or_a_place_on_the_waiting_list(client) -> None:
    await _admin(client)
    event = await make_event(capacity=1, approval_required=True)
    first = await _register(event, "First")
    second = await _register(event, "Second")
    assert await _status(first) == await _status(second) == "pending"

    response = await post_form(client, _one(event, first, "approve"), {"back": "status=pending"})
    assert response.status_code == 200
    assert "the registration is confirmed" in response.text
    assert str(response.url).endswith("?status=pending&done=confirmed")
    assert await _status(first) == "confirmed"

    response = await post_form(client, _one(event, second, "approve"))
    assert "no seat is free" in response.text
    assert await _status(second) == "waitlisted"
    assert len(await _mails("registration_confirmed")) == 1
    assert len(await _mails("registration_waitlisted")) == 1
    actions = await AuditEntry.select(AuditEntry.action).where(
        AuditEntry.action == "registration.approve"
    )
    assert len(actions) == 2


async def test_approving_twice_says_why_and_changes_nothing(client) -> None:
    await _admin(client)
    event = await make_event(capacity=5, approval_required=True)
    registration_id = await _register(event, "Dana")
    await post_form(client, _one(event, registration_id, "approve"))
    response = await post_form(client, _one(event, registration_id, "approve"))
    assert response.status_code == 400
    assert "Only registrations waiting for approval can be approved." in response.text
    assert await _status(registration_id) == "confirmed"
    seats = await Event.select(Event.general_taken).where(Event.id == event["id"]).first()
    assert seats["general_taken"] == 1


async def test_rejecting_needs_a_reason_and_mails_it_to_the_registrant(client) -> None:
    await _admin(client)
    event = await make_event(approval_required=True)
    registration_id = await _register(event, "Erlan", language="kk")

    form = await client.get(_one(event, registration_id, "reject"))
    assert form.status_code == 200
    assert 'name="reason"' in form.text and "Қазақша" in form.text

    refused = await post_form(client, _one(event, registration_id, "reject"), {"reason": "  "})
    assert refused.status_code == 400
    assert "Give the registrant a reason." in refused.text
    assert await _status(registration_id) == "pending"
    assert await _mails("registration_rejected") == []

    reason = "The forum is for partner-city delegations only."
    done = await post_form(client, _one(event, registration_id, "reject"), {"reason": reason})
    assert "Rejected. The reason is sent to the person by e-mail" in done.text
    row = await Registration.select().where(Registration.id == registration_id).first()
    assert row["status"] == "rejected" and row["reason"] == reason
    [mail] = await _mails("registration_rejected")
    assert mail["recipient"] == "erlan@example.org" and mail["language"] == "kk"
    detail = (await client.get(_one(event, registration_id))).text
    assert html.escape(reason) in detail


async def test_cancelling_asks_first_then_frees_the_seat_for_the_next_in_line(client) -> None:
    await _admin(client)
    event = await make_event(capacity=1)
    holder = await _register(event, "Holder")
    waiting = await _register(event, "Waiting")

    confirm = await client.get(_one(event, holder, "cancel"))
    assert "Cancel this registration?" in confirm.text
    assert await _status(holder) == "confirmed"  # asking changes nothing

    done = await post_form(client, _one(event, holder, "cancel"))
    assert "Cancelled. A freed seat is offered" in done.text
    assert await _status(holder) == "cancelled"
    assert await _status(waiting) == "offered"
    [offer] = await _mails("registration_offered")
    assert offer["recipient"] == "waiting@example.org"


async def test_moving_to_the_top_makes_the_next_freed_seat_theirs(client) -> None:
    await _admin(client)
    event = await make_event(capacity=1)
    holder = await _register(event, "Holder")
    early = await _register(event, "Early")
    late = await _register(event, "Late")

    page = _rows((await client.get(_board(event))).text)
    assert (
        'action="/en/manage/events/{}/registrations/{}/move-to-top"'.format(event["slug"], late)
        in page
    )

    await post_form(client, _one(event, late, "move-to-top"))
    detail = (await client.get(_one(event, late))).text
    assert "No. 1 in line" in detail
    await registrations.cancel(holder)
    assert await _status(late) == "offered"
    assert await _status(early) == "waitlisted"
    entry = await AuditEntry.select().where(AuditEntry.action == "registration.move_to_top").first()
    assert entry is not None and entry["object_id"] == str(late)


async def test_offering_a_seat_now_works_only_when_one_is_free(client) -> None:
    await _admin(client)
    event = await make_event(capacity=1)
    await _register(event, "Holder")
    waiting = await _register(event, "Waiting")

    refused = await post_form(client, _one(event, waiting, "offer"))
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("text/html")
    assert "No seat is free for this person, so no offer was made." in refused.text
    assert await _status(waiting) == "waitlisted"

    await Event.update({Event.capacity: 2}).where(Event.id == event["id"])  # a larger hall
    done = await post_form(client, _one(event, waiting, "offer"))
    assert "A seat is offered." in done.text
    assert await _status(waiting) == "offered"
    fresh = await Event.select(Event.general_taken).where(Event.id == event["id"]).first()
    assert fresh["general_taken"] == 2
    assert len(await _mails("registration_offered")) == 1


async def test_offering_a_seat_never_goes_over_capacity_when_clicked_at_once() -> None:
    import asyncio

    from core.access import Viewer

    event = await make_event(capacity=1)
    await _register(event, "Holder")
    waiting = [await _register(event, f"Waiting {n}") for n in range(4)]
    await Event.update({Event.capacity: 2}).where(Event.id == event["id"])  # one more seat
    organizer = Viewer(id=None, role="admin")

    async def offer(registration_id: int) -> None:
        await registrations.offer_seat_now(registration_id, organizer)

    results = await asyncio.gather(*(offer(r) for r in waiting), return_exceptions=True)
    assert [r for r in results if r is not None and not isinstance(r, ValidationFailed)] == []
    assert sum(1 for r in results if r is None) == 1
    statuses = [await _status(r) for r in waiting]
    assert statuses.count("offered") == 1 and statuses.count("waitlisted") == 3
    fresh = await Event.select(Event.general_taken).where(Event.id == event["id"]).first()
    assert fresh["general_taken"] == 2


async def test_detail_page_shows_answers_with_labels_in_the_page_language(client) -> None:
    await _admin(client)
    event = await make_event()
    question = RegistrationQuestion(
        event=event["id"],
        position=1,
        kind="single",
        label=Translated.of("en", en="Dietary needs", ru="Питание", zh="饮食要求").dump(),
        options=[
            {"value": "halal", "label": Translated.of("en", en="Halal", ru="Халяль").dump()},
            {"value": "none", "label": Translated.of("en", en="None", ru="Нет").dump()},
        ],
        required=True,
    )
    await question.save()
    registration_id = (
        await registrations.register(
            event["id"],
            [
                Person(
                    name="Dilnoza",
                    email="dilnoza@example.org",
                    answers={f"q{question.id}": "halal"},
                )
            ],
        )
    )[0]
    ru = (await client.get(_one(event, registration_id).replace("/en/", "/ru/"))).text
    assert "Питание" in ru and "Халяль" in ru
    zh = (await client.get(_one(event, registration_id).replace("/en/", "/zh/"))).text
    assert "饮食要求" in zh
