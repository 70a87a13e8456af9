"""Reminders: once per round, only to those who have not answered, with the same links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.moments import local_input
from events.invitations.services import reminders
from events.invitations.tables import Invitation, InvitationCampaign
from tests.events.factories import make_event
from tests.events.invitations.factories import TEXTS, draft, organizer, send_draft
from tests.events.invitations.mailbox import in_language, links, mails
from tests.support.factories import post_form


async def test_reminders_go_once_per_round_to_those_who_have_not_answered(
    client, run_jobs, mail_dir
) -> None:
    await organizer(client)
    event = await make_event()
    now = datetime.now(UTC)
    zone = event["timezone"]
    await draft(
        client,
        event,
        {
            "people": "Sara Ali, sara@example.org, en\nLi Na, li.na@example.cn, zh\n"
            "Ivan Petrov, ivan@example.ru, ru",
            "reminder_1": local_input(now + timedelta(days=2), zone),
            "reminder_2": local_input(now + timedelta(days=5), zone),
        },
    )
    await send_draft(client, event)
    await run_jobs()
    sara = links(mails(mail_dir)["sara@example.org"][0])
    client.cookies.clear()
    await post_form(client, sara["decline"])

    assert await reminders.send_due_reminders(now + timedelta(days=1)) == 0
    first_round = now + timedelta(days=2, minutes=1)
    assert await reminders.send_due_reminders(first_round) == 2
    # The cron job runs every minute; a round that went out does not go again.
    assert await reminders.send_due_reminders(first_round + timedelta(minutes=1)) == 0
    await run_jobs()

    received = mails(mail_dir, "invitation_")
    li = [m for m in received["li.na@example.cn"] if m["Subject"] != TEXTS["zh"][0]]
    assert [m["Subject"] for m in li] == [
        in_language("zh", "Reminder: %(subject)s", subject=TEXTS["zh"][0])
    ]
    assert links(li[0])["accept"] == links(received["li.na@example.cn"][0])["accept"]
    assert len(received["sara@example.org"]) == 1  # she answered: no reminder

    # Li answers; by the second round only Ivan is left.
    await post_form(client, links(li[0])["accept"])
    assert await reminders.send_due_reminders(now + timedelta(days=5, minutes=1)) == 1
    # Queueing the same round again (a crashed cron run) stores no second message.
    await InvitationCampaign.update({InvitationCampaign.reminders_done: 1}).where(
        InvitationCampaign.id > 0
    )
    await reminders.send_due_reminders(now + timedelta(days=5, minutes=2))
    await run_jobs()

    assert len(mails(mail_dir)["ivan@example.ru"]) == 3
    assert len(mails(mail_dir)["li.na@example.cn"]) == 2
    ivan = await Invitation.select().where(Invitation.email == "ivan@example.ru").first()
    assert ivan["reminders_sent"] == 2
