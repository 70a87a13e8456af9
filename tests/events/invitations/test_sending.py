"""Sending in the background: one mail per recipient in their language with the calendar and
personal links, one invitation per person and event unless resent on purpose, no second mail
from a repeated job, and progress and failures read from the outbox (through a real SMTP
server)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from core.content import Translated
from core.tables import OutboxMessage
from events.invitations.services import sending
from events.invitations.tables import Invitation, InvitationCampaign
from tests.events.factories import make_event
from tests.events.invitations.factories import TEXTS, base, draft, organizer, send_draft
from tests.events.invitations.mailbox import links, mails, plain
from tests.support.factories import make_organization, make_user, post_form


async def test_each_recipient_gets_one_mail_in_their_language_with_the_calendar_and_links(
    client, run_jobs, mail_dir
) -> None:
    await organizer(client)
    event = await make_event(
        title=Translated.of(
            "en", en="Innovation Forum", ru="Инновационный форум", zh="创新论坛"
        ).dump(),
        starts_at=datetime(2031, 9, 10, 3, 0, tzinfo=UTC),
        ends_at=datetime(2031, 9, 10, 11, 0, tzinfo=UTC),
    )
    almaty = await make_organization("almaty")
    await make_user(
        "coordinator",
        email="aigul@almaty.example",
        organization_id=almaty["id"],
        language="ru",
        name="Айгуль",
    )
    member = await make_user("member", email="li.wei@example.cn", language="zh", name="李伟")
    await draft(
        client,
        event,
        {
            "organizations": ["almaty"],
            "users": [str(member["id"])],
            "people": "Sara Ali, sara@example.org, en\nDana Kasymova, dana@example.kz, kk",
        },
    )
    await send_draft(client, event)

    await run_jobs()

    received = mails(mail_dir)
    assert sorted(received) == [
        "aigul@almaty.example",
        "dana@example.kz",
        "li.wei@example.cn",
        "sara@example.org",
    ]
    assert all(len(copies) == 1 for copies in received.values())
    for email, lang in [
        ("aigul@almaty.example", "ru"),
        ("dana@example.kz", "kk"),
        ("li.wei@example.cn", "zh"),
        ("sara@example.org", "en"),
    ]:
        [message] = received[email]
        assert message["Subject"] == TEXTS[lang][0]
        body = plain(message)
        assert TEXTS[lang][1] in body
        html = message.get_body(preferencelist=("html",)).get_content()
        assert f'<html lang="{lang}">' in html
        found = links(message)
        assert set(found) == {"page", "accept", "decline"}
        assert all(path.startswith(f"/{lang}/invitations/") for path in found.values())
        # The only thing in the address is the opaque token: no name, address or id.
        token = found["accept"].split("/")[3]
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
        assert email.split("@")[0] not in found["accept"]
        [calendar_part] = [
            p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"
        ]
        calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
        [vevent] = calendar.walk("VEVENT")
        assert vevent["dtstart"].dt == datetime(2031, 9, 10, 9, 0, tzinfo=ZoneInfo("Asia/Urumqi"))
    russian = plain(received["aigul@almaty.example"][0])
    assert "Инновационный форум" in russian
    assert f"/ru/events/{event['slug']}/register/group" in russian  # on to the delegation
    assert "/register/group" not in plain(received["sara@example.org"][0])
    rows = await Invitation.select().order_by(Invitation.email)
    assert {row["kind"] for row in rows} == {"organization", "account", "list"}
    assert all(row["token_hash"] and len(row["token_hash"]) == 64 for row in rows)
    assert all(row["token_hash"] not in plain(received[row["email"]][0]) for row in rows)


async def test_one_invitation_per_person_and_event_unless_sent_again_on_purpose(
    client, run_jobs, mail_dir
) -> None:
    await organizer(client)
    event = await make_event()
    await draft(client, event, {"people": "Sara Ali, sara@example.org, en"})
    await send_draft(client, event)
    await run_jobs()

    second = await draft(
        client, event, {"people": "Sara Ali, SARA@example.org, en\nLi Na, li.na@example.cn, zh"}
    )
    assert "1 person will be invited." in second.text
    assert (
        "1 person on this list already has an invitation to this event and is skipped."
        in second.text
    )
    await send_draft(client, event)
    await run_jobs()

    assert await Invitation.count() == 2
    assert len(mails(mail_dir)["sara@example.org"]) == 1

    sara = await Invitation.select().where(Invitation.email == "sara@example.org").first()
    confirm = await client.get(base(event) + f"{sara['id']}/resend")
    assert "Send the invitation to Sara Ali (sara@example.org) again?" in confirm.text
    await post_form(client, base(event) + f"{sara['id']}/resend")
    await post_form(client, base(event) + f"{sara['id']}/resend")  # a second click: no third mail
    await run_jobs()

    copies = mails(mail_dir)["sara@example.org"]
    assert len(copies) == 3  # the first, and one per purposeful resend
    assert len({links(copy)["accept"] for copy in copies}) == 1  # the same personal links
    assert (await Invitation.select().where(Invitation.id == sara["id"]).first())["sends"] == 3


async def test_a_repeated_or_restarted_sending_job_never_mails_anyone_twice(
    client, run_jobs, mail_dir
) -> None:
    await organizer(client)
    event = await make_event()
    people = "\n".join(
        f"Guest {n}, guest{n}@example.org, {('zh', 'ru', 'kk', 'en')[n % 4]}" for n in range(30)
    )
    await draft(client, event, {"people": people})
    campaign_id = await send_draft(client, event)

    # Two workers picking up the same sending, and the minute's upkeep triggering it again.
    assert await sending.run_campaign(campaign_id) == 30
    assert await sending.run_campaign(campaign_id) == 0
    await sending.resume_stalled()
    await run_jobs()
    # A worker that died after queueing half of it: the job is run again from the start.
    await InvitationCampaign.update({InvitationCampaign.status: "sending"}).where(
        InvitationCampaign.id == campaign_id
    )
    await Invitation.update({Invitation.message: None}).where(Invitation.id > 0)
    await sending.run_campaign(campaign_id)
    await run_jobs()

    received = mails(mail_dir)
    assert len(received) == 30
    assert all(len(copies) == 1 for copies in received.values())
    assert await OutboxMessage.count() == 30


async def test_the_progress_counts_the_outbox_and_failed_sends_show_their_reason_and_retry(
    client, run_jobs, start_smtp
) -> None:
    smtp = start_smtp()
    smtp.refuse("550 5.1.1 No such user here", recipient="gone@example.org")
    await organizer(client)
    event = await make_event()
    await draft(
        client, event, {"people": "Sara Ali, sara@example.org, en\nGone Away, gone@example.org, en"}
    )
    campaign_id = await send_draft(client, event)
    page = base(event) + f"campaigns/{campaign_id}/"

    before = (await client.get(page + "progress")).json()
    assert before == {"total": 2, "queued": 2, "sent": 0, "failed": 0, "done": False, "percent": 0}
    assert "data-invitation-progress" in (await client.get(page)).text

    await run_jobs()

    after = (await client.get(page + "progress")).json()
    assert after == {"total": 2, "queued": 0, "sent": 1, "failed": 1, "done": True, "percent": 100}
    shown = (await client.get(page)).text
    assert "Failed e-mails" in shown and "550 5.1.1 No such user here" in shown
    tracking = (await client.get(base(event) + "?delivery=failed")).text
    assert "gone@example.org" in tracking and "sara@example.org" not in tracking

    smtp.accept_all()
    retried = await post_form(client, page + "retry")
    assert "1 failed e-mail is queued to be sent again." in retried.text
    await run_jobs()

    assert (await client.get(page + "progress")).json()["sent"] == 2
    assert len(smtp.to("gone@example.org")) == 1
    assert len(smtp.to("sara@example.org")) == 1
