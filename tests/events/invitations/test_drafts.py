"""Drafts of a sending: the text in every language the recipients read, previews of the mail
in each language before anything is sent, a schedule whose reminders come before answers are
due, and drafts changed or discarded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.moments import local_input
from core.tables import OutboxMessage
from events.invitations.tables import Invitation, InvitationCampaign
from tests.events.factories import make_event
from tests.events.invitations.factories import TEXTS, base, draft, organizer, texts
from tests.events.invitations.mailbox import in_language
from tests.support.factories import post_form


async def test_text_is_required_in_every_language_the_recipients_read(client) -> None:
    await organizer(client)
    event = await make_event()

    response = await draft(
        client,
        event,
        {"people": "Ivan Petrov, ivan@example.ru, ru", "subject_ru": "", "message_ru": ""},
    )

    assert response.status_code == 400
    assert "1 recipient reads Русский: write this in it too." in response.text
    assert await InvitationCampaign.count() == 0


async def test_the_draft_previews_the_mail_in_each_language_before_sending(client) -> None:
    await organizer(client)
    event = await make_event()

    response = await draft(
        client,
        event,
        {
            "people": "Ivan Petrov, ivan@example.ru, ru\nWang Fang, wang@example.cn, zh",
            "reminder_1": local_input(datetime.now(UTC) + timedelta(days=3), event["timezone"]),
        },
    )

    assert response.status_code == 200
    page = response.text
    assert "2 people will be invited." in page
    for lang, (subject, message) in TEXTS.items():
        assert f'lang="{lang}"' in page
        assert subject in page and message in page
    assert (
        "Hello Ivan Petrov," in page
        or in_language("ru", "Hello %(name)s,", name="Ivan Petrov") in page
    )
    assert "Send 2 invitations" in page
    assert await Invitation.count() == 0  # nothing is sent before the organizer says so
    assert await OutboxMessage.count() == 0


async def test_a_draft_can_be_changed_and_discarded(client) -> None:
    await organizer(client)
    event = await make_event()
    await draft(client, event, {"people": "Ivan Petrov, ivan@example.ru, ru"})
    [campaign] = await InvitationCampaign.select()
    edit = base(event) + f"campaigns/{campaign['id']}/edit"

    form = await client.get(edit)
    assert "Ivan Petrov, ivan@example.ru, ru" in form.text
    changed = await post_form(
        client,
        edit,
        {**texts(), "people": "Ivan Petrov, ivan@example.ru, ru\nLi Na, li@example.cn, zh"},
    )
    assert "2 people will be invited." in changed.text

    confirm = await client.get(base(event) + f"campaigns/{campaign['id']}/discard")
    assert "Discard this draft invitation?" in confirm.text
    await post_form(client, base(event) + f"campaigns/{campaign['id']}/discard")
    assert await InvitationCampaign.count() == 0


async def test_reminders_must_come_before_answers_are_due(client) -> None:
    await organizer(client)
    event = await make_event()
    zone = event["timezone"]

    response = await draft(
        client,
        event,
        {
            "people": "Sara Ali, sara@example.org, en",
            "expires_at": local_input(event["starts_at"] - timedelta(days=10), zone),
            "reminder_1": local_input(event["starts_at"] - timedelta(days=5), zone),
            "reminder_2": local_input(datetime.now(UTC) - timedelta(days=1), zone),
        },
    )

    assert response.status_code == 400
    assert "Reminders go before answers are due." in response.text
    assert "Choose a moment in the future." in response.text
