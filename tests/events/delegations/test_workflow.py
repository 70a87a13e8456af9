"""Delegations: members with their passport data kept safe, the coordinator's status page,
the review by the foreign-affairs office with mails in the coordinator's language, and the
doors a coordinator of another city must find closed."""

from __future__ import annotations

import email
import json
import re
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy

import pytest

from core import i18n
from core.errors import ValidationFailed
from core.tables import AuditEntry, OutboxMessage
from events.delegations.services import members, passports, workflow
from events.delegations.tables import Delegate, Delegation, VisaLetter
from events.tables import Event
from tests.events.delegations.factories import (
    city,
    conference,
    delegation_with,
    fresh,
    member,
    office,
    status_of,
    submitted,
    take_part,
)
from tests.support.factories import post_form, sign_in


def _text(message: email.message.EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def _mails(mail_dir, recipient: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        if message["To"] == recipient:
            found.append(message)
    return found


# --- passport data at rest ------------------------------------------------------------------


async def test_passport_number_and_birth_date_are_stored_encrypted() -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(
        event, almaty, member(event, passport_number="N 1234 5678", date_of_birth="1985-03-14")
    )
    row = (await Delegate.select().where(Delegate.delegation == delegation["id"]))[0]
    stored = json.dumps(row, default=str)
    assert "N12345678" not in stored and "12345678" not in stored
    assert "1985-03-14" not in stored
    assert passports.unseal(row["passport_number"], "passport_number") == "N12345678"
    assert passports.unseal(row["date_of_birth"], "date_of_birth") == "1985-03-14"
    # A sealed value does not open as another field's.
    with pytest.raises(passports.UnreadableData):
        passports.unseal(row["passport_number"], "date_of_birth")


async def test_coordinator_sees_masked_passport_and_office_sees_it_in_clear(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    fao = await office()
    delegation = await delegation_with(event, almaty, member(event, passport_number="N7654321"))

    await sign_in(client, almaty["user"])
    page = await client.get(f"/en/account/delegations/{delegation['id']}/")
    assert page.status_code == 200
    assert "N7654321" not in page.text and "•••••321" in page.text
    assert "1985-03-14" not in page.text and "1985-••-••" in page.text
    assert "no-store" in page.headers["cache-control"]

    client.cookies.clear()
    await sign_in(client, fao["user"])
    page = await client.get(f"/en/manage/delegations/{delegation['id']}/")
    assert page.status_code == 200
    assert "N7654321" in page.text and "1985-03-14" in page.text
    assert "no-store" in page.headers["cache-control"]
    views = await AuditEntry.select().where(AuditEntry.action == "delegation.passport_view")
    assert len(views) == 1 and views[0]["actor"] == fao["user"]["id"]
    assert "N7654321" not in json.dumps(views, default=str)


async def test_organizers_see_passport_data_masked_too(client) -> None:
    from tests.support.factories import make_user

    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty, member(event, passport_number="N7654321"))
    admin = await make_user("admin")
    await sign_in(client, admin)
    page = await client.get(f"/en/manage/delegations/{delegation['id']}/")
    assert page.status_code == 200
    assert "N7654321" not in page.text and "•••••321" in page.text


async def test_audit_log_of_member_changes_never_holds_passport_data() -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty, member(event, passport_number="N5550001"))
    row = (await Delegate.select().where(Delegate.delegation == delegation["id"]))[0]
    changed = member(event, passport_number="N5550002", date_of_birth="1980-01-02")
    await members.save_member(almaty["viewer"], delegation, changed, row)
    entries = json.dumps(await AuditEntry.select(), default=str)
    for secret in ("N5550001", "N5550002", "1980-01-02", "1985-03-14"):
        assert secret not in entries
    assert "passport_changed" in entries


# --- bad input --------------------------------------------------------------------------------


async def test_departure_before_arrival_is_refused_and_nothing_is_saved(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    await sign_in(client, almaty["user"])
    data = member(
        event, arrival_at=member(event)["departure_at"], departure_at=member(event)["arrival_at"]
    )
    response = await post_form(
        client, f"/en/account/delegations/{delegation['id']}/members/new", data
    )
    assert response.status_code == 400
    assert "The departure must come after the arrival." in response.text
    # The typed values come back (passport too: the page is not cached), nothing is stored.
    assert data["passport_number"] in response.text
    assert "no-store" in response.headers["cache-control"]
    assert await Delegate.count() == 0


async def test_the_same_passport_twice_in_one_event_is_refused_even_across_delegations() -> None:
    event = await conference()
    almaty, tashkent = await city("almaty"), await city("tashkent", "UZ")
    await delegation_with(event, almaty, member(event, passport_number="AA1234567"))
    other = await delegation_with(event, tashkent)
    with pytest.raises(ValidationFailed) as refused, i18n.language("en"):
        await members.save_member(
            tashkent["viewer"], other, member(event, passport_number="aa 123-4567")
        )
    assert "already listed for this event" in refused.value.errors["passport_number"]
    assert await Delegate.count().where(Delegate.delegation == other["id"]) == 0


async def test_the_same_passport_at_another_event_is_fine() -> None:
    first, second = await conference(), await conference()
    almaty = await city("almaty")
    await delegation_with(first, almaty, member(first, passport_number="AA1234567"))
    await delegation_with(second, almaty, member(second, passport_number="AA1234567"))
    assert await Delegate.count() == 2


async def test_passport_expiring_within_six_months_of_the_end_is_flagged(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    soon = (event["ends_at"] + timedelta(days=100)).date().isoformat()
    delegation = await delegation_with(event, almaty)
    with i18n.language("en"):
        _id, warnings = await members.save_member(
            almaty["viewer"], delegation, member(event, passport_expires=soon)
        )
    assert "within six months" in warnings["passport_expires"]
    await sign_in(client, almaty["user"])
    page = await client.get(f"/en/account/delegations/{delegation['id']}/")
    assert "Expires within six months of the event's end" in page.text


async def test_passport_expiring_before_the_event_ends_is_refused() -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    expired = (event["ends_at"] - timedelta(days=2)).date().isoformat()
    with pytest.raises(ValidationFailed) as refused, i18n.language("en"):
        await members.save_member(
            almaty["viewer"], delegation, member(event, passport_expires=expired)
        )
    assert refused.value.errors["passport_expires"] == (
        "This passport expires before the event ends."
    )


async def test_errors_are_in_the_coordinators_language(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    await sign_in(client, almaty["user"])
    response = await post_form(
        client,
        f"/ru/account/delegations/{delegation['id']}/members/new",
        member(event, name_latin="Қасымова"),
    )
    assert response.status_code == 400
    assert 'lang="ru"' in response.text


# --- the status page and the workflow ---------------------------------------------------------


async def test_status_page_lists_what_each_member_still_lacks(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(
        event, almaty, member(event, passport_number="", arrival_number=""), rank=""
    )
    await sign_in(client, almaty["user"])
    page = await client.get(f"/en/account/delegations/{delegation['id']}/")
    assert "Passport number" in page.text and "Arrival flight or train number" in page.text
    assert "Name the head of the delegation." in page.text
    assert "Choose the rank of the head of the delegation." in page.text
    response = await post_form(client, f"/en/account/delegations/{delegation['id']}/submit")
    assert response.status_code == 400
    assert await status_of(delegation) == "draft"


async def test_review_round_trip_mails_the_coordinator_in_their_language(
    client, run_jobs, mail_dir
) -> None:
    event = await conference()
    almaty = await city("almaty", language="ru")
    fao = await office()
    delegation = await delegation_with(event, almaty, member(event, is_head="yes"))

    await sign_in(client, almaty["user"])
    response = await post_form(client, f"/en/account/delegations/{delegation['id']}/submit")
    assert response.status_code == 200 and "Submitted" in response.text
    assert await status_of(delegation) == "submitted"
    # Submitted: the coordinator can no longer change it.
    response = await post_form(
        client, f"/en/account/delegations/{delegation['id']}/members/new", member(event)
    )
    assert response.status_code == 400 and "has been submitted" in response.text

    client.cookies.clear()
    await sign_in(client, fao["user"])
    response = await post_form(
        client,
        f"/en/manage/delegations/{delegation['id']}/return",
        {"comment": "Укажите номер рейса вылета."},
    )
    assert response.status_code == 200
    assert await status_of(delegation) == "returned"
    await run_jobs()
    [returned] = [m for m in _mails(mail_dir, almaty["user"]["email"]) if "Укажите" in _text(m)]
    assert "Укажите номер рейса вылета." in _text(returned)
    assert f"/ru/account/delegations/{delegation['id']}/" in _text(returned)
    assert 'lang="ru"' in returned.get_body(("html",)).get_content()

    client.cookies.clear()
    await sign_in(client, almaty["user"])
    page = await client.get(f"/ru/account/delegations/{delegation['id']}/")
    assert "Укажите номер рейса вылета." in page.text
    row = (await Delegate.select().where(Delegate.delegation == delegation["id"]))[0]
    response = await post_form(
        client,
        f"/en/account/delegations/{delegation['id']}/members/{row['id']}/edit",
        member(
            event, passport_number="", date_of_birth="", is_head="yes", departure_number="KC856"
        ),
    )
    assert response.status_code == 200
    assert (await Delegate.select().where(Delegate.id == row["id"]))[0][
        "departure_number"
    ] == "KC856"
    # Blank passport fields kept what was stored.
    kept = (await Delegate.select().where(Delegate.id == row["id"]))[0]
    assert kept["passport_number"] == row["passport_number"]
    await post_form(client, f"/en/account/delegations/{delegation['id']}/submit")
    assert await status_of(delegation) == "submitted"

    client.cookies.clear()
    await sign_in(client, fao["user"])
    await post_form(client, f"/en/manage/delegations/{delegation['id']}/approve")
    assert await status_of(delegation) == "approved"
    await run_jobs()
    assert len(_mails(mail_dir, almaty["user"]["email"])) == 2  # returned, then approved
    to_office = _mails(mail_dir, fao["user"]["email"])
    assert len(to_office) == 2  # both submissions reached the office


async def test_coordinators_cannot_edit_after_the_freeze_date() -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    await Event.update(
        {Event.delegations_freeze_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Event.id == event["id"])
    with pytest.raises(ValidationFailed) as refused, i18n.language("en"):
        await members.save_member(almaty["viewer"], delegation, member(event))
    assert "frozen" in refused.value.errors[""]
    fao = await office()
    await members.save_member(fao["viewer"], delegation, member(event))  # the office may
    assert await Delegate.count() == 1


async def test_one_head_per_delegation() -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(
        event, almaty, member(event, is_head="yes"), member(event, is_head="yes", name_native="Б")
    )
    heads = await Delegate.select(Delegate.name_native).where(
        (Delegate.delegation == delegation["id"]) & (Delegate.is_head == True)
    )
    assert [row["name_native"] for row in heads] == ["Б"]


async def test_coordinator_opens_a_delegation_only_for_events_their_city_takes_part_in(
    client,
) -> None:
    event, elsewhere = await conference(), await conference()
    almaty = await city("almaty")
    await take_part(event, almaty)
    await sign_in(client, almaty["user"])
    page = await client.get("/en/account/delegations/")
    assert f"{almaty['organization']['id']}:{event['slug']}" in page.text
    assert elsewhere["slug"] not in page.text
    response = await post_form(
        client,
        "/en/account/delegations/open",
        {"choice": f"{almaty['organization']['id']}:{elsewhere['slug']}"},
    )
    assert response.status_code == 400
    response = await post_form(
        client,
        "/en/account/delegations/open",
        {"choice": f"{almaty['organization']['id']}:{event['slug']}"},
    )
    assert response.status_code == 200
    assert await Delegation.count() == 1


# --- every door another city's coordinator might try ---------------------------------------


async def test_coordinator_of_another_city_gets_404_at_every_door(client) -> None:
    event = await conference()
    almaty, tashkent = await city("almaty"), await city("tashkent", "UZ")
    delegation = await delegation_with(event, almaty, member(event))
    row = (await Delegate.select().where(Delegate.delegation == delegation["id"]))[0]
    base = f"/en/account/delegations/{delegation['id']}"
    await sign_in(client, tashkent["user"])
    for path in (
        f"{base}/",
        f"{base}/members/new",
        f"{base}/members/{row['id']}/edit",
        f"{base}/members/{row['id']}/delete",
        f"{base}/import",
        f"{base}/template.xlsx",
        f"{base}/members.xlsx",
        f"{base}/submit",
    ):
        assert (await client.get(path)).status_code == 404, path
    for path, data in (
        (f"{base}/members/new", member(event)),
        (f"{base}/members/{row['id']}/edit", member(event)),
        (f"{base}/members/{row['id']}/delete", {}),
        (f"{base}/submit", {}),
        (f"{base}/rank", {"protocol_rank": "official"}),
    ):
        assert (await post_form(client, path, data)).status_code == 404, path
    response = await client.post(
        f"{base}/import",
        files={"file": ("m.xlsx", b"x", "application/octet-stream")},
        data={"_csrf_token": client.cookies["hongshan_csrf"]},
    )
    assert response.status_code == 404
    # Nothing changed, and the list shows only their own.
    assert await Delegate.count() == 1 and await status_of(delegation) == "draft"
    page = await client.get("/en/account/delegations/")
    assert "Akimat of Almaty" not in page.text


async def test_a_member_of_another_delegation_is_404_even_inside_ones_own(client) -> None:
    event = await conference()
    almaty, tashkent = await city("almaty"), await city("tashkent", "UZ")
    theirs = await delegation_with(event, almaty, member(event))
    mine = await delegation_with(event, tashkent, member(event))
    their_member = (await Delegate.select().where(Delegate.delegation == theirs["id"]))[0]
    await sign_in(client, tashkent["user"])
    path = f"/en/account/delegations/{mine['id']}/members/{their_member['id']}/edit"
    assert (await client.get(path)).status_code == 404
    assert (await post_form(client, path, member(event))).status_code == 404


async def test_office_pages_exports_and_downloads_are_closed_to_coordinators(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty, member(event))
    await sign_in(client, almaty["user"])
    base = "/en/manage/delegations"
    for path in (
        f"{base}/",
        f"{base}/{delegation['id']}/",
        f"{base}/{delegation['id']}/members.xlsx",
        f"{base}/{delegation['id']}/letters.zip",
        f"{base}/{delegation['id']}/rooms",
        f"{base}/letters/1",
        f"{base}/arrivals?event={event['slug']}",
        f"{base}/arrivals.xlsx?event={event['slug']}",
        f"{base}/rooming.xlsx?event={event['slug']}",
        f"{base}/interpreters.xlsx?event={event['slug']}",
        f"{base}/dietary.xlsx?event={event['slug']}",
        f"{base}/protocol.xlsx?event={event['slug']}",
        f"{base}/members.xlsx?event={event['slug']}",
        f"{base}/badges.pdf?event={event['slug']}",
        f"{base}/letters.zip?event={event['slug']}",
        f"{base}/delegations.xlsx",
        f"{base}/retention",
    ):
        assert (await client.get(path)).status_code == 403, path
    for path in (f"{base}/{delegation['id']}/approve", f"{base}/{delegation['id']}/return"):
        assert (await post_form(client, path, {"comment": "x"})).status_code == 403, path


async def test_anonymous_readers_are_sent_to_sign_in(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty, member(event))
    response = await client.get(f"/en/account/delegations/{delegation['id']}/")
    assert "/account/login" in str(response.url)


async def test_passport_data_never_goes_into_a_url(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    fao = await office()
    delegation = await delegation_with(event, almaty, member(event, passport_number="N9990001"))
    await sign_in(client, fao["user"])
    page = await client.get(f"/en/manage/delegations/{delegation['id']}/")
    for link in re.findall(r'(?:href|action)="([^"]+)"', page.text):
        assert "N9990001" not in link and "1985-03-14" not in link


async def test_delegation_rows_hold_no_clear_passport_after_outbox_mails(run_jobs) -> None:
    event = await conference()
    almaty = await city("almaty")
    fao = await office()
    delegation = await submitted(
        event, almaty, member(event, is_head="yes", passport_number="N4440001")
    )
    await workflow.return_delegation(fao["viewer"], delegation, "Проверьте даты.")
    await run_jobs()
    rows = json.dumps(await OutboxMessage.select(), default=str)
    assert "N4440001" not in rows
    assert (await fresh(delegation))["fao_comment"] == "Проверьте даты."


# --- the demo ------------------------------------------------------------------------------


async def test_the_demo_has_delegations_from_three_cities_in_different_states() -> None:
    from core.demo import load_core_demo
    from events.delegations.demo import load_demo_delegations
    from events.demo import load_events_demo

    await load_core_demo()
    await load_events_demo()
    await load_demo_delegations()
    found = {
        row["slug"]: row["status"]
        for row in await Delegation.select(
            Delegation.organization.slug.as_alias("slug"), Delegation.status
        )
    }
    assert found == {"almaty": "draft", "tashkent": "submitted", "bishkek": "letters_issued"}
    assert await VisaLetter.count().where(VisaLetter.status == "ready") == 3
    assert await Delegate.count() == 10
    linked = await Delegate.count().where(Delegate.registration.is_not_null())
    assert linked == 3  # Bishkek's members carry check-in codes for their badges
