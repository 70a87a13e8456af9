"""Registration mails: what each message says, in the registrant's language and the event's
time zone, and the confirmation's attachments (the event's calendar file and the QR code)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import icalendar
import pytest

from core import mail
from core.access import Viewer
from core.content import Translated
from core.i18n import LANGUAGES
from core.tables import OutboxMessage
from events.services import mail_context, qrcodes, registrations
from events.services.registrations import Person
from events.tables import Event, Registration, RegistrationQuestion
from tests.events.factories import make_event
from tests.support.factories import make_organization, post_form

KINDS = (
    "registration_confirmed",
    "registration_waitlisted",
    "registration_pending",
    "registration_offered",
    "registration_cancelled",
    "registration_rejected",
    "registration_offer_expired",
)
ORGANIZER = Viewer(id=None, role="admin")


def _eml(mail_dir: Path, template: str, registration_id: int) -> EmailMessage:
    raw = (mail_dir / f"{template}_{registration_id}.eml").read_bytes()
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _plain(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


async def _register(event: dict[str, Any], name: str, language: str = "en", **fields: Any) -> int:
    person = Person(name=name, email=f"{name.lower()}@example.org", language=language)
    return (await registrations.register(event["id"], [person], **fields))[0]


async def _code(registration_id: int) -> str:
    row = (
        await Registration.select(Registration.code)
        .where(Registration.id == registration_id)
        .first()
    )
    return row["code"]


async def _summer_event(**fields: Any) -> dict[str, Any]:
    return await make_event(
        title=Translated.of("en", en="Innovation Forum", ru="Инновационный форум").dump(),
        starts_at=datetime(2027, 9, 10, 3, 0, tzinfo=UTC),
        ends_at=datetime(2027, 9, 10, 11, 0, tzinfo=UTC),
        **fields,
    )


async def test_a_registration_through_the_page_mails_the_calendar_and_the_qr_code(
    client, run_jobs, mail_dir
) -> None:
    event = await _summer_event()
    response = await post_form(
        client,
        f"/ru/events/{event['slug']}/register",
        {"name": "Айгерим", "email": "aigerim@example.org", "language": "ru"},
    )
    assert response.status_code == 200
    registration = await Registration.select().first()
    await run_jobs()

    message = _eml(mail_dir, "registration_confirmed", registration["id"])
    assert message["To"] == "aigerim@example.org"
    attachments = {part.get_content_type(): part for part in message.iter_attachments()}
    assert set(attachments) == {"text/calendar", "image/png"}

    calendar = icalendar.Calendar.from_ical(attachments["text/calendar"].get_content())
    [entry] = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Инновационный форум"
    assert entry.decoded("DTSTART").astimezone(UTC) == datetime(2027, 9, 10, 3, 0, tzinfo=UTC)
    assert attachments["text/calendar"].get_filename() == f"{event['slug']}.ics"

    png = attachments["image/png"].get_content()
    assert png == qrcodes.qr_png(registration["code"])

    text = _plain(message)
    assert "Айгерим" in text
    assert "Инновационный форум" in text
    # In Russian, in the event's zone (Urumqi, UTC+6), the zone named:
    assert "10 сент. 2027 г., 09:00–17:00 (Урумчи, UTC+06:00)" in " ".join(text.split())
    assert registration["code"] in text
    assert f"http://testserver.local/ru/registrations/{registration['code']}/" in text
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    assert f"/ru/registrations/{registration['code']}/" in html_part.get_content()


async def test_only_the_confirmation_carries_attachments(run_jobs, mail_dir) -> None:
    event = await make_event(capacity=1)
    await _register(event, "First")
    second = await _register(event, "Second")
    await run_jobs()
    message = _eml(mail_dir, "registration_waitlisted", second)
    assert list(message.iter_attachments()) == []


async def test_the_waiting_list_mail_says_how_many_are_ahead(run_jobs, mail_dir) -> None:
    event = await make_event(capacity=1, offer_hours=24)
    await _register(event, "First")
    second = await _register(event, "Second")
    third = await _register(event, "Third")
    await run_jobs()
    assert "You are next in line." in _plain(_eml(mail_dir, "registration_waitlisted", second))
    text = _plain(_eml(mail_dir, "registration_waitlisted", third))
    assert "There is 1 person ahead of you." in text
    assert "The offer is held for 24 hours" in text


async def test_the_offer_mail_names_the_deadline_in_the_event_zone(run_jobs, mail_dir) -> None:
    event = await make_event(capacity=1, offer_hours=48, timezone="Asia/Almaty")
    first = await _register(event, "First")
    second = await _register(event, "Second")
    await registrations.cancel(first)
    await run_jobs()

    row = (
        await Registration.select(Registration.offer_expires_at)
        .where(Registration.id == second)
        .first()
    )
    with mail_context.i18n.language("en"):
        deadline = mail_context.i18n.format_datetime(row["offer_expires_at"], "Asia/Almaty")
    text = _plain(_eml(mail_dir, "registration_offered", second))
    assert f"Please accept it by {deadline}." in text
    assert "(Almaty, UTC+" in deadline
    assert f"/en/registrations/{await _code(second)}/" in text
    cancelled = _plain(_eml(mail_dir, "registration_cancelled", first))
    assert "has been cancelled" in cancelled


async def test_the_rejection_mail_gives_the_organizers_reason(run_jobs, mail_dir) -> None:
    event = await make_event(approval_required=True)
    pending = await _register(event, "Pending")
    await registrations.reject(pending, ORGANIZER, "The hall is for invited delegations only.")
    await run_jobs()
    assert "The organizers review every registration" in _plain(
        _eml(mail_dir, "registration_pending", pending)
    )
    text = _plain(_eml(mail_dir, "registration_rejected", pending))
    assert "could not accept your registration" in text
    assert "The hall is for invited delegations only." in text


async def test_an_offer_nobody_answers_expires_with_a_mail(run_jobs, mail_dir) -> None:
    event = await make_event(capacity=1)
    first = await _register(event, "First")
    second = await _register(event, "Second")
    await registrations.cancel(first)
    await registrations.expire_offers(datetime.now(UTC) + timedelta(days=3))
    await run_jobs()
    text = _plain(_eml(mail_dir, "registration_offer_expired", second))
    assert "was not accepted in time" in text
    assert f"/en/events/{event['slug']}/" in text


async def test_a_coordinators_registration_mail_names_the_organization(run_jobs, mail_dir) -> None:
    almaty = await make_organization("almaty")
    event = await make_event()
    registration = await _register(event, "Aidos", organization_id=almaty["id"])
    await run_jobs()
    text = _plain(_eml(mail_dir, "registration_confirmed", registration))
    assert "Registered by: Organization" in text


async def test_answers_appear_readably_in_the_confirmation(run_jobs, mail_dir) -> None:
    event = await make_event()
    question = RegistrationQuestion(
        event=event["id"],
        kind="country",
        label=Translated.of("en", en="Country of residence").dump(),
        options=[],
        required=True,
    )
    await question.save()
    person = Person(
        name="Aidos", email="aidos@example.org", language="en", answers={f"q{question.id}": "kz"}
    )
    [registration] = await registrations.register(event["id"], [person])
    await run_jobs()
    text = _plain(_eml(mail_dir, "registration_confirmed", registration))
    assert "- Country of residence: Kazakhstan" in text


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_registration_mail_renders_in_every_language(lang: str) -> None:
    event = await make_event(map_url="https://maps.example.org/forum")
    registration_id = await _register(event, "Aigerim", language=lang)
    registration = await Registration.select().where(Registration.id == registration_id).first()
    event = await Event.select().where(Event.id == event["id"]).first()
    for kind in KINDS:
        context = await mail_context.build(registration, event, kind, position=3)
        context["reason"] = "A reason"
        rendered = mail.render(kind, lang, context)
        assert rendered.subject and ("Forum" in rendered.subject or "Форум" in rendered.subject)
        assert "Aigerim" in rendered.text and "Aigerim" in rendered.html
        assert "{{" not in rendered.text and "%(" not in rendered.text


async def test_queued_mail_context_holds_no_table_objects_and_round_trips_as_json() -> None:
    event = await make_event()
    registration_id = await _register(event, "Aigerim")
    row = (
        await OutboxMessage.select(OutboxMessage.context)
        .where(OutboxMessage.template == "registration_confirmed")
        .first()
    )
    context = row["context"]
    if isinstance(context, str):
        context = json.loads(context)
    assert context["registration_id"] == registration_id
    assert context["name"] == "Aigerim"
    assert [a["content_type"].split(";")[0] for a in context["attachments"]] == [
        "text/calendar",
        "image/png",
    ]
