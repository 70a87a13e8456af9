"""The invitee's side: accepting from the mail straight into a prefilled registration,
declining in their own language, links that answer only for their own recipient, expiry, a
coordinator sent on to register the delegation, and accepted organizations taking part."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from core.tables import AuditEntry
from events.invitations.services import tokens
from events.invitations.tables import Invitation
from events.services import participation
from events.tables import Event, Registration
from tests.events.factories import make_event
from tests.events.invitations.factories import draft, organizer, send_draft
from tests.events.invitations.mailbox import in_language, links, mails
from tests.support.factories import make_organization, make_user, post_form


async def _invite_one(
    client: httpx.AsyncClient, run_jobs: Any, mail_dir: Path, line: str, **event_fields: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    await organizer(client)
    event = await make_event(**event_fields)
    await draft(client, event, {"people": line})
    await send_draft(client, event)
    await run_jobs()
    email = line.split(",")[1].strip().lower()
    [message] = mails(mail_dir)[email]
    client.cookies.clear()  # the recipient is somebody else, not signed in
    return event, links(message)


async def test_accepting_from_the_mail_leads_straight_into_a_prefilled_registration(
    client, run_jobs, mail_dir
) -> None:
    _event, found = await _invite_one(
        client, run_jobs, mail_dir, "Иван Петров, ivan@example.ru, ru", self_registration=False
    )

    landing = await client.get(found["accept"])
    assert landing.status_code == 200
    assert set(landing.headers["cache-control"].split(", ")) == {"private", "no-store"}
    assert '<html lang="ru">' in landing.text
    # Following the link answers nothing by itself (mail scanners open links too).
    assert (await Invitation.select().first())["answer"] == "pending"

    registered = await post_form(client, found["accept"])

    assert registered.status_code == 200
    assert str(registered.url).endswith("/register?accepted=1")
    form = registered.text
    assert 'value="Иван Петров"' in form
    assert 'value="ivan@example.ru"' in form and "readonly" in form
    assert '<option value="ru" selected>' in form
    invitation = await Invitation.select().first()
    assert invitation["answer"] == "accepted" and invitation["answered_at"] is not None

    done = await post_form(
        client,
        found["page"] + "register",
        {"name": "Иван Петров", "language": "ru", "email": "someone@else.org"},
    )

    assert done.status_code == 200
    assert "/ru/registrations/" in str(done.url)
    [registration] = await Registration.select()
    assert (registration["email"], registration["language"], registration["status"]) == (
        "ivan@example.ru",
        "ru",
        "confirmed",
    )
    assert (await Invitation.select().first())["registration"] == registration["id"]
    # Back on the invitation, the registration is there instead of the form.
    again = await client.get(found["page"] + "register")
    assert f"/ru/registrations/{registration['code']}/" in str(again.url)


async def test_declining_shows_a_confirmation_in_the_recipients_language(
    client, run_jobs, mail_dir
) -> None:
    _event, found = await _invite_one(
        client, run_jobs, mail_dir, "Dana Kasymova, dana@example.kz, kk"
    )

    page = await client.get(found["decline"])
    assert '<html lang="kk">' in page.text
    answered = await post_form(client, found["decline"])

    assert answered.status_code == 200
    assert answered.url.path == found["page"]
    expected = in_language("kk", "Thank you for letting us know: you have declined the invitation.")
    assert expected in answered.text
    invitation = await Invitation.select().first()
    assert invitation["answer"] == "declined"
    assert await AuditEntry.count().where(AuditEntry.action == "invitation.declined") == 1


async def test_a_link_answers_only_for_its_own_recipient_and_forged_tokens_are_refused(
    client, run_jobs, mail_dir
) -> None:
    await organizer(client)
    event = await make_event()
    await draft(
        client, event, {"people": "Sara Ali, sara@example.org, en\nLi Na, li.na@example.cn, zh"}
    )
    await send_draft(client, event)
    await run_jobs()
    received = mails(mail_dir)
    sara = links(received["sara@example.org"][0])
    client.cookies.clear()

    await post_form(client, sara["decline"])

    answers = {row["email"]: row["answer"] for row in await Invitation.select()}
    assert answers == {"sara@example.org": "declined", "li.na@example.cn": "pending"}
    token = sara["accept"].split("/")[3]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (
        f"/en/invitations/{forged}/",
        f"/en/invitations/{forged}/accept",
        "/en/invitations/1/",
    ):
        assert (await client.get(path)).status_code == 404
    assert (await post_form(client, f"/en/invitations/{forged}/accept")).status_code == 404
    # A row whose stored hash was copied onto another invitation is not found through it.
    li = await Invitation.select().where(Invitation.email == "li.na@example.cn").first()
    await Invitation.update({Invitation.token_hash: "0" * 64}).where(
        Invitation.email == "sara@example.org"
    )
    await Invitation.update({Invitation.token_hash: tokens.token_hash(token)}).where(
        Invitation.id == li["id"]
    )
    assert (await client.get(sara["accept"])).status_code == 404


async def test_an_expired_invitation_can_no_longer_be_answered(client, run_jobs, mail_dir) -> None:
    _event, found = await _invite_one(client, run_jobs, mail_dir, "Sara Ali, sara@example.org, en")
    await Invitation.update(
        {Invitation.expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Invitation.id > 0)

    page = await client.get(found["accept"])
    assert "This invitation could be answered until" in page.text
    refused = await post_form(client, found["accept"])

    assert refused.status_code == 400
    assert "This invitation has expired." in refused.text
    assert (await Invitation.select().first())["answer"] == "pending"


async def events_taking_part(organization_id: int) -> set[int]:
    """The events an organization takes part in, as the event core's features tell it."""
    found: set[int] = set()
    for source in participation.sources():
        rows = await Event.select(Event.id).where(Event.id.is_in(source(organization_id)))
        found |= {row["id"] for row in rows}
    return found


async def test_a_coordinator_accepting_is_sent_on_to_register_the_delegation(
    client, run_jobs, mail_dir
) -> None:
    await organizer(client)
    event = await make_event()
    almaty = await make_organization("almaty")
    await make_user(
        "coordinator", email="aigul@almaty.example", organization_id=almaty["id"], language="en"
    )
    await draft(client, event, {"organizations": ["almaty"]})
    await send_draft(client, event)
    await run_jobs()
    found = links(mails(mail_dir)["aigul@almaty.example"][0])
    client.cookies.clear()
    assert await events_taking_part(almaty["id"]) == set()

    answered = await post_form(client, found["accept"])

    assert answered.url.path == found["page"]
    assert "Thank you: you have accepted the invitation." in answered.text
    assert f'href="/en/events/{event["slug"]}/register/group"' in answered.text
    assert "Register your delegation" in answered.text
    # Having accepted, Almaty takes part in the event (and may open its delegation to it).
    assert await events_taking_part(almaty["id"]) == {event["id"]}
