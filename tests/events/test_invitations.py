"""Invitations: choosing recipients (organizations, accounts, pasted and uploaded lists with a
validation report), the text in four languages with previews, sending in the background with
progress from the outbox, the recipients' personal links (accept, decline, a prefilled
registration), reminders once per round, and the organizers' tracking table with exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
from aiosmtpd.controller import Controller
from openpyxl import Workbook, load_workbook

from core import i18n, mail
from core.content import Translated, json_value
from core.moments import local_input
from core.tables import AuditEntry, OutboxMessage
from events.invitations.tables import Invitation, InvitationCampaign
from events.services import invitations
from events.tables import Registration
from tests.core.test_outbox import Mailbox, _free_port
from tests.events.factories import make_event
from tests.factories import make_organization, make_user, post_form, sign_in

TEXTS = {
    "zh": ("邀请：创新论坛", "诚挚邀请您参加本届论坛。"),
    "ru": ("Приглашение на форум", "Приглашаем вас принять участие в форуме."),
    "kk": ("Форумға шақыру", "Сізді форумға қатысуға шақырамыз."),
    "en": ("Invitation to the forum", "We are pleased to invite you to the forum."),
}
LINK = re.compile(
    r"http://testserver\.local(/(zh|ru|kk|en)/invitations/([A-Za-z0-9_-]+)/(accept|decline)?)"
)


@pytest.fixture(autouse=True)
def empty_mail_folder(mail_dir: Path) -> None:
    """The file transport's folder is shared by the whole run: start each test without mail."""
    for path in mail_dir.glob("*.eml"):
        path.unlink()


@pytest.fixture
def start_smtp(monkeypatch):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), with the app's mail pointed at it."""
    controllers: list[Controller] = []

    def start() -> Mailbox:
        mailbox = Mailbox()
        port = _free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        url = f"smtp://127.0.0.1:{port}"
        monkeypatch.setattr(mail, "configured_transport", lambda: mail.transport_for(url))
        return mailbox

    yield start
    for controller in controllers:
        controller.stop()


def texts(**overrides: str) -> dict[str, str]:
    data = {"source_language": "en"}
    for lang, (subject, message) in TEXTS.items():
        data[f"subject_{lang}"] = subject
        data[f"message_{lang}"] = message
    data.update(overrides)
    return data


async def organizer(client: httpx.AsyncClient) -> dict[str, Any]:
    user = await make_user("admin", name="Li Wei")
    await sign_in(client, user)
    return user


def base(event: dict[str, Any]) -> str:
    return f"/en/manage/events/{event['slug']}/invitations/"


async def draft(
    client: httpx.AsyncClient, event: dict[str, Any], data: dict[str, Any], **kwargs: Any
) -> httpx.Response:
    return await post_form(client, base(event) + "new", {**texts(), **data}, **kwargs)


async def send_draft(client: httpx.AsyncClient, event: dict[str, Any]) -> int:
    campaign = (
        await InvitationCampaign.select().order_by(InvitationCampaign.id, ascending=False).first()
    )
    assert campaign is not None and campaign["status"] == "draft"
    response = await post_form(client, base(event) + f"campaigns/{campaign['id']}/send")
    assert response.status_code == 200, response.text[:400]
    return campaign["id"]


def mails(mail_dir: Path, prefix: str = "invitation_") -> dict[str, list[EmailMessage]]:
    """The mails written so far, by recipient."""
    found: dict[str, list[EmailMessage]] = {}
    for path in sorted(mail_dir.glob(f"{prefix}*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.setdefault(str(message["To"]), []).append(message)
    return found


def plain(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def links(message: EmailMessage) -> dict[str, str]:
    """The personal links of a mail: {"page", "accept", "decline"} → path."""
    found = {}
    for match in LINK.finditer(plain(message)):
        found[match.group(4) or "page"] = match.group(1)
    if "accept" in found:
        found["page"] = found["accept"].removesuffix("accept")
    return found


def in_language(lang: str, msgid: str, **variables: object) -> str:
    with i18n.language(lang):
        return i18n.gettext(msgid, **variables)


# --- choosing recipients and the validation report --------------------------------------------


async def test_a_pasted_list_with_bad_rows_is_refused_with_a_report_and_nothing_is_saved(
    client,
) -> None:
    await organizer(client)
    event = await make_event()
    pasted = "\n".join(
        [
            "Aigerim Nurlanovna, aigerim@example.kz, kk",
            "Bad Address, not-an-address, ru",
            "No Language, nolang@example.kz",
            "Odd Language, odd@example.kz, fr",
            "Aigerim Again; AIGERIM@example.kz; ru",
            ", nameless@example.kz, en",
        ]
    )

    response = await draft(client, event, {"people": pasted})

    assert response.status_code == 400
    page = response.text
    assert "Rows with problems" in page
    assert "“not-an-address” is not a valid e-mail address." in page
    assert "No language: write zh, ru, kk or en." in page
    assert "Unknown language “fr”: write zh, ru, kk or en." in page
    assert "This address is listed twice (also in Pasted list, line 1)." in page
    assert "No name." in page
    assert "5 rows of the lists have problems" in page
    # What was typed stays in the form.
    assert "Aigerim Nurlanovna, aigerim@example.kz, kk" in page
    assert await InvitationCampaign.count() == 0
    assert await Invitation.count() == 0


async def test_an_uploaded_csv_or_xlsx_is_read_by_its_header_and_checked_row_by_row(
    client,
) -> None:
    await organizer(client)
    event = await make_event()
    book = Workbook()
    sheet = book.active
    sheet.append(["E-mail", "Language", "Name"])
    sheet.append(["dana@example.kz", "Қазақша", "Dana Kasymova"])
    sheet.append(["wang@example.cn", "中文", "王芳"])
    sheet.append([None, None, None])
    sheet.append(["ivan@example.ru", "Русский", "Ivan Petrov"])
    buffer = io.BytesIO()
    book.save(buffer)

    response = await draft(
        client,
        event,
        {},
        files={"people_file": ("guests.xlsx", buffer.getvalue(), "application/octet-stream")},
    )

    assert response.status_code == 200, response.text[:500]
    [campaign] = await InvitationCampaign.select()
    people = {row["email"]: row for row in json_value(campaign["recipients"], [])}
    assert {email: row["language"] for email, row in people.items()} == {
        "dana@example.kz": "kk",
        "wang@example.cn": "zh",
        "ivan@example.ru": "ru",
    }
    assert people["wang@example.cn"]["name"] == "王芳"

    csv_text = "Имя;Почта;Язык\nОльга Смирнова;olga@example.ru;ru\nБез почты;;ru\n"
    response = await draft(
        client,
        event,
        {},
        files={"people_file": ("список.csv", ("\ufeff" + csv_text).encode(), "text/csv")},
    )
    assert response.status_code == 400
    assert "File список.csv" in response.text and "No e-mail address." in response.text
    assert await InvitationCampaign.count() == 1  # the refused list added nothing


def test_lists_are_read_whatever_the_separator_and_order_of_columns() -> None:
    rows = invitations.pasted_rows(
        "Name\tE-mail\tLanguage\n"
        "Li Na\tli.na@example.cn\tzh\n"
        "sara@example.org, Sara Ali, English\n"
        "Tomiris Bek tomiris@example.kz kk\n"
    )
    people, problems = invitations.check_lists([rows])

    assert problems == []
    assert [(p.name, p.email, p.language) for p in people] == [
        ("Li Na", "li.na@example.cn", "zh"),
        ("Sara Ali", "sara@example.org", "en"),
        ("Tomiris Bek", "tomiris@example.kz", "kk"),
    ]


async def test_an_unreadable_file_is_refused_with_a_reason(client) -> None:
    await organizer(client)
    event = await make_event()

    response = await draft(
        client,
        event,
        {"people": "Li Na, li.na@example.cn, zh"},
        files={"people_file": ("list.csv", "Имя;почта".encode("cp1251"), "text/csv")},
    )

    assert response.status_code == 400
    assert "This file is not UTF-8 text" in response.text
    assert await InvitationCampaign.count() == 0


async def test_organizations_are_invited_through_their_coordinators(client) -> None:
    await organizer(client)
    event = await make_event()
    almaty = await make_organization("almaty")
    tashkent = await make_organization("tashkent")
    empty = await make_organization("bishkek")
    await make_user(
        "coordinator", email="aigul@almaty.example", organization_id=almaty["id"], language="ru"
    )
    await make_user(
        "coordinator", email="dana@almaty.example", organization_id=almaty["id"], language="kk"
    )
    await make_user(
        "coordinator", email="bobur@tashkent.example", organization_id=tashkent["id"], language="en"
    )
    await make_user(
        "member", email="not-a-coordinator@almaty.example", organization_id=almaty["id"]
    )

    refused = await draft(client, event, {"organizations": ["almaty", "bishkek"]})
    assert refused.status_code == 400
    assert "No coordinator account acts for Organization" in refused.text
    assert empty["slug"] == "bishkek"

    response = await draft(client, event, {"organizations": ["almaty", "tashkent"]})

    assert response.status_code == 200, response.text[:500]
    [campaign] = await InvitationCampaign.select()
    people = json_value(campaign["recipients"], [])
    assert sorted((p["email"], p["language"], p["kind"]) for p in people) == [
        ("aigul@almaty.example", "ru", "organization"),
        ("bobur@tashkent.example", "en", "organization"),
        ("dana@almaty.example", "kk", "organization"),
    ]
    assert "3 people will be invited." in response.text


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


# --- sending --------------------------------------------------------------------------------


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
    assert await invitations.run_campaign(campaign_id) == 30
    assert await invitations.run_campaign(campaign_id) == 0
    await invitations.resume_stalled()
    await run_jobs()
    # A worker that died after queueing half of it: the job is run again from the start.
    await InvitationCampaign.update({InvitationCampaign.status: "sending"}).where(
        InvitationCampaign.id == campaign_id
    )
    await Invitation.update({Invitation.message: None}).where(Invitation.id > 0)
    await invitations.run_campaign(campaign_id)
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


# --- the recipient's side -------------------------------------------------------------------


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
    assert landing.headers["cache-control"] == "private, no-store"
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
    await Invitation.update({Invitation.token_hash: invitations.token_hash(token)}).where(
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

    answered = await post_form(client, found["accept"])

    assert answered.url.path == found["page"]
    assert "Thank you: you have accepted the invitation." in answered.text
    assert f'href="/en/events/{event["slug"]}/register/group"' in answered.text
    assert "Register your delegation" in answered.text


# --- reminders ------------------------------------------------------------------------------


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

    assert await invitations.send_due_reminders(now + timedelta(days=1)) == 0
    first_round = now + timedelta(days=2, minutes=1)
    assert await invitations.send_due_reminders(first_round) == 2
    # The cron job runs every minute; a round that went out does not go again.
    assert await invitations.send_due_reminders(first_round + timedelta(minutes=1)) == 0
    await run_jobs()

    reminders = mails(mail_dir, "invitation_")
    li = [m for m in reminders["li.na@example.cn"] if m["Subject"] != TEXTS["zh"][0]]
    assert [m["Subject"] for m in li] == [
        in_language("zh", "Reminder: %(subject)s", subject=TEXTS["zh"][0])
    ]
    assert links(li[0])["accept"] == links(reminders["li.na@example.cn"][0])["accept"]
    assert len(reminders["sara@example.org"]) == 1  # she answered: no reminder

    # Li answers; by the second round only Ivan is left.
    await post_form(client, links(li[0])["accept"])
    assert await invitations.send_due_reminders(now + timedelta(days=5, minutes=1)) == 1
    # Queueing the same round again (a crashed cron run) stores no second message.
    await InvitationCampaign.update({InvitationCampaign.reminders_done: 1}).where(
        InvitationCampaign.id > 0
    )
    await invitations.send_due_reminders(now + timedelta(days=5, minutes=2))
    await run_jobs()

    assert len(mails(mail_dir)["ivan@example.ru"]) == 3
    assert len(mails(mail_dir)["li.na@example.cn"]) == 2
    ivan = await Invitation.select().where(Invitation.email == "ivan@example.ru").first()
    assert ivan["reminders_sent"] == 2


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


# --- tracking -------------------------------------------------------------------------------


async def test_the_tracking_table_filters_and_exports_what_it_shows(
    client, run_jobs, mail_dir
) -> None:
    await organizer(client)
    event = await make_event()
    await draft(
        client,
        event,
        {
            "people": "Sara Ali, sara@example.org, en\nLi Na, li.na@example.cn, zh\n"
            "Иван Петров, ivan@example.ru, ru"
        },
    )
    await send_draft(client, event)
    await run_jobs()
    li = links(mails(mail_dir)["li.na@example.cn"][0])
    await post_form(client, li["decline"])

    table = (await client.get(base(event))).text
    assert all(name in table for name in ("Sara Ali", "Li Na", "Иван Петров"))
    assert "Declined: 1" in table and "No answer yet: 2" in table
    declined = (await client.get(base(event) + "?answer=declined")).text
    assert "Li Na" in declined and "Sara Ali" not in declined
    russian = (await client.get(base(event) + "?language=ru&delivery=sent")).text
    assert "Иван Петров" in russian and "Li Na" not in russian

    exported = await client.get(
        f"/en/manage/events/{event['slug']}/invitations.csv?answer=declined"
    )
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "E-mail address", "Language"]
    assert [row[1] for row in rows[1:]] == ["li.na@example.cn"]
    assert rows[1][6] == "Sent" and rows[1][9] == "Declined"

    workbook = await client.get(f"/en/manage/events/{event['slug']}/invitations.xlsx?sort=name")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Li Na",
        "Sara Ali",
        "Иван Петров",
    ]
    assert isinstance(sheet.cell(row=2, column=6).value, datetime)
    assert await AuditEntry.count().where(AuditEntry.action == "invitation.export") == 2


@pytest.mark.parametrize("role", ["coordinator", "fao", "member"])
async def test_only_organizers_reach_the_invitation_pages(client, role) -> None:
    event = await make_event()
    organization = await make_organization()
    user = await make_user(
        role, organization_id=organization["id"] if role == "coordinator" else None
    )
    await sign_in(client, user)

    for path in (
        base(event),
        base(event) + "new",
        f"/en/manage/events/{event['slug']}/invitations.csv",
    ):
        assert (await client.get(path)).status_code == 403
    refused = await draft(client, event, {"people": "Sara Ali, sara@example.org, en"})
    assert refused.status_code == 403
    assert await InvitationCampaign.count() == 0


async def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    event = await make_event()
    response = await client.get(base(event), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/en/account/login")
