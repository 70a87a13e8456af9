"""The organizers' oversight pages: the audit log and the mail outbox (with resending)."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

import pytest

from core import audit, jobqueue
from core.access import Viewer
from core.outbox import SEND_JOB
from core.tables import AuditEntry, OutboxMessage, User
from tests.support.factories import make_organization, make_user, post_form, sign_in

AUDIT = "/en/manage/audit/"
OUTBOX = "/en/manage/outbox/"


async def _signed_in_admin(client, **fields: Any) -> dict[str, Any]:
    admin = await make_user("admin", email="boss@example.org", name="Ada Admin")
    if fields:
        await User.update(fields).where(User.id == admin["id"])
    await sign_in(client, admin)
    return admin


async def _entry_at(moment: datetime, action: str, object_type: str, **kwargs: Any) -> None:
    """Record an audit entry, then date it (record() always stamps "now")."""
    await audit.record(kwargs.pop("actor", None), action, object_type, **kwargs)
    latest = await AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id, ascending=False).first()
    assert latest is not None
    await AuditEntry.update({AuditEntry.at: moment}).where(AuditEntry.id == latest["id"])


async def _message(status: str = "sent", **fields: Any) -> int:
    values: dict[str, Any] = {
        "idempotency_key": f"test:{status}:{fields.get('recipient', '')}:{datetime.now(UTC)}",
        "recipient": "someone@example.org",
        "language": "ru",
        "template": "account_invite",
        "context": {},
        "subject": "Welcome",
        "status": status,
        "attempts": 1,
    }
    values.update(fields)
    message = OutboxMessage(**values)
    await message.save()
    return message.id


async def _status_of(message_id: int) -> dict[str, Any]:
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row is not None
    return row


async def _queued_job_ids() -> list[int]:
    jobs = await jobqueue.redis().queued_jobs()
    return [job.args[0] for job in jobs if job.function == SEND_JOB]


def _rows(page: str) -> str:
    """The table body of a list page, so filters are judged by rows, not by the filter form."""
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


# --- Who may look ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "fao", "member"])
async def test_only_organizers_may_open_the_oversight_pages(client, role: str) -> None:
    organization = await make_organization()
    user = await make_user(role, organization_id=organization["id"])
    message_id = await _message("failed", last_error="SMTP said no")
    await sign_in(client, user)
    for path in (AUDIT, OUTBOX):
        assert (await client.get(path)).status_code == 403
    refused = await post_form(client, f"{OUTBOX}{message_id}/resend")
    assert refused.status_code == 403
    assert (await _status_of(message_id))["status"] == "failed"


async def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    for path in (AUDIT, OUTBOX):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/en/account/login?next=")


# --- The audit log ---------------------------------------------------------------------------


async def test_admin_sees_who_did_what_newest_first_in_their_own_time_zone(client) -> None:
    admin = await _signed_in_admin(client, timezone="Asia/Tashkent")
    actor = Viewer(id=admin["id"])
    await _entry_at(
        datetime(2026, 9, 1, 2, 0, tzinfo=UTC),
        "organization.update",
        "organization",
        object_id=7,
        actor=actor,
        client="198.51.100.4",
        before={"website": "http://old.example", "name": {"text": {"ru": "Старое"}}},
        after={"website": "https://new.example", "name": {"text": {"ru": "Новое"}}},
    )
    await _entry_at(datetime(2026, 9, 2, 2, 0, tzinfo=UTC), "outbox.sweep", "outbox_message")

    page = _rows((await client.get(AUDIT)).text)

    assert page.index("outbox.sweep") < page.index("organization.update")
    assert "Sep 1, 2026, 7:00 AM (Tashkent, UTC+05:00)" in " ".join(page.split())
    assert "Ada Admin" in page and "boss@example.org" in page
    assert "System" in page
    assert "198.51.100.4" in page
    assert "#7" in page
    assert "http://old.example" in page and "https://new.example" in page
    assert "name.text.ru" in page and "Старое" in page and "Новое" in page


async def test_deleting_an_account_keeps_its_audit_entries_with_its_name_and_address(
    client,
) -> None:
    await _signed_in_admin(client)
    leaver = await make_user("fao", email="leaver@example.org", name="Lena Leaver")
    await audit.record(Viewer(id=leaver["id"]), "delegation.update", "delegation", 12)

    await User.delete().where(User.id == leaver["id"])

    entries = await AuditEntry.select().where(AuditEntry.action == "delegation.update")
    assert len(entries) == 1 and entries[0]["actor"] is None
    page = _rows((await client.get(AUDIT)).text)
    assert "Lena Leaver" in page and "leaver@example.org" in page
    assert "account deleted" in page
    filtered = _rows((await client.get(AUDIT, params={"actor": "leaver"})).text)
    assert "delegation.update" in filtered


async def test_audit_log_shows_only_the_keys_that_changed_and_escapes_their_values(
    client,
) -> None:
    await _signed_in_admin(client)
    await audit.record(
        None,
        "organization.update",
        "organization",
        1,
        before={"city": "Almaty", "website": "<script>alert(1)</script>"},
        after={"city": "Almaty", "website": "<b>bold</b>"},
    )
    page = (await client.get(AUDIT)).text
    rows = _rows(page)
    assert "<script>alert(1)</script>" not in page
    assert "<b>bold</b>" not in page
    assert html.escape("<script>alert(1)</script>", quote=False) in rows
    assert "city" not in rows


async def test_audit_log_filters_by_type_action_person_and_dates(client) -> None:
    admin = await _signed_in_admin(client)
    other = await make_user("fao", email="fao-person@example.org")
    await _entry_at(
        datetime(2026, 3, 1, 12, tzinfo=UTC),
        "organization.create",
        "organization",
        object_id="old-org",
        actor=Viewer(id=admin["id"]),
    )
    await _entry_at(
        datetime(2026, 3, 10, 12, tzinfo=UTC),
        "account.preferences",
        "user",
        object_id="prefs-row",
        actor=Viewer(id=other["id"]),
    )
    await _entry_at(
        datetime(2026, 3, 20, 12, tzinfo=UTC),
        "organization.update",
        "organization",
        object_id="new-org",
        actor=Viewer(id=admin["id"]),
    )

    async def shown(query: str) -> set[str]:
        rows = _rows((await client.get(f"{AUDIT}?{query}")).text)
        return {name for name in ("old-org", "prefs-row", "new-org") if name in rows}

    assert await shown("") == {"old-org", "prefs-row", "new-org"}
    assert await shown("object_type=organization") == {"old-org", "new-org"}
    assert await shown("action=organization.update") == {"new-org"}
    assert await shown("actor=FAO-PERSON") == {"prefs-row"}
    assert await shown("from=2026-03-05") == {"prefs-row", "new-org"}
    assert await shown("to=2026-03-10") == {"old-org", "prefs-row"}
    assert await shown("from=2026-03-05&to=2026-03-15") == {"prefs-row"}
    assert await shown("object_type=user&actor=boss") == set()


async def test_audit_log_refuses_a_date_range_that_ends_before_it_starts(client) -> None:
    await _signed_in_admin(client)
    response = await client.get(f"{AUDIT}?from=2026-03-10&to=2026-03-01")
    assert response.status_code == 200
    assert "The end date is before the start date." in response.text


async def test_audit_log_is_paged_25_at_a_time(client) -> None:
    await _signed_in_admin(client)
    for number in range(30):
        await audit.record(None, "demo.step", "thing", f"item-{number:02d}")
    first = (await client.get(AUDIT)).text
    second = (await client.get(f"{AUDIT}?page=2")).text
    assert "Page 1 of 2" in first and "item-29" in first and "item-04" not in first
    assert "Page 2 of 2" in second and "item-04" in second and "item-05" not in second


async def test_audit_log_says_so_when_nothing_was_recorded(client) -> None:
    await _signed_in_admin(client)
    assert "Nothing has been recorded yet." in (await client.get(AUDIT)).text


# --- The mail outbox -------------------------------------------------------------------------


async def test_outbox_shows_a_failed_message_with_its_error_and_the_counts(client) -> None:
    await _signed_in_admin(client)
    error = "SMTPRecipientsRefused: mailbox unavailable " + "x" * 200
    await _message("failed", recipient="bounced@example.org", last_error=error, attempts=6)
    await _message("sent", recipient="fine@example.org", sent_at=datetime.now(UTC))
    await _message("sent", recipient="fine2@example.org", sent_at=datetime.now(UTC))

    page = (await client.get(OUTBOX)).text

    assert "bounced@example.org" in page
    assert error in page  # the whole text, behind its short form
    assert "1 message failed" in page
    assert "2 messages sent" in page
    assert "0 messages waiting" in page
    assert "Resend" in _rows(page).split("bounced@example.org", 1)[1].split("</tr>", 1)[0]
    assert "Resend" not in _rows(page).split("fine@example.org", 1)[1].split("</tr>", 1)[0]


async def test_outbox_filters_by_status_and_recipient(client) -> None:
    await _signed_in_admin(client)
    await _message("failed", recipient="alpha@example.org")
    await _message("sent", recipient="beta@example.org")
    await _message("queued", recipient="alphabet@example.org")

    failed = _rows((await client.get(f"{OUTBOX}?status=failed")).text)
    alpha = _rows((await client.get(f"{OUTBOX}?recipient=ALPHA")).text)

    assert "alpha@example.org" in failed and "beta@" not in failed and "alphabet@" not in failed
    assert "alpha@example.org" in alpha and "alphabet@example.org" in alpha
    assert "beta@" not in alpha


async def test_outbox_lists_newest_first_and_can_be_sorted_oldest_first(client) -> None:
    await _signed_in_admin(client)
    await _message(recipient="early@example.org", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    await _message(recipient="late@example.org", created_at=datetime(2026, 2, 1, tzinfo=UTC))

    newest = _rows((await client.get(OUTBOX)).text)
    oldest = _rows((await client.get(f"{OUTBOX}?sort=created")).text)

    assert newest.index("late@") < newest.index("early@")
    assert oldest.index("early@") < oldest.index("late@")


async def test_outbox_says_so_when_no_mail_was_sent(client) -> None:
    await _signed_in_admin(client)
    assert "No e-mail has been sent yet." in (await client.get(OUTBOX)).text


async def test_resend_queues_a_failed_message_again_and_triggers_a_job(client) -> None:
    await _signed_in_admin(client)
    message_id = await _message("failed", last_error="boom", attempts=6)

    response = await post_form(
        client, f"{OUTBOX}{message_id}/resend", {"back": "status=failed&sort=created&x=evil"}
    )

    assert response.status_code == 200
    assert response.url.path == OUTBOX
    assert response.url.params["status"] == "failed"
    assert "x" not in response.url.params
    assert "The message is queued to be sent again." in response.text
    row = await _status_of(message_id)
    assert (row["status"], row["attempts"]) == ("queued", 0)
    assert await _queued_job_ids() == [message_id]


async def test_resend_is_recorded_in_the_audit_log(client) -> None:
    admin = await _signed_in_admin(client)
    message_id = await _message("failed", last_error="boom")

    await post_form(client, f"{OUTBOX}{message_id}/resend")

    entries = await AuditEntry.select().where(AuditEntry.action == "outbox.resend")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["actor"] == admin["id"]
    assert (entry["object_type"], entry["object_id"]) == ("outbox_message", str(message_id))
    assert entry["client"] == "203.0.113.7"
    log = (await client.get(f"{AUDIT}?action=outbox.resend")).text
    assert "outbox.resend" in _rows(log) and "boss@example.org" in _rows(log)


@pytest.mark.parametrize("status", ["sent", "queued", "sending"])
async def test_resend_of_a_message_that_has_not_failed_changes_nothing(client, status: str) -> None:
    await _signed_in_admin(client)
    message_id = await _message(status, attempts=2)

    response = await post_form(client, f"{OUTBOX}{message_id}/resend")

    assert "That message has not failed, so it was not sent again." in response.text
    row = await _status_of(message_id)
    assert (row["status"], row["attempts"]) == (status, 2)
    assert await _queued_job_ids() == []
    assert not await AuditEntry.exists().where(AuditEntry.action == "outbox.resend")


async def test_resend_of_an_unknown_message_is_not_found(client) -> None:
    await _signed_in_admin(client)
    response = await post_form(client, f"{OUTBOX}999999/resend")
    assert response.status_code == 404


async def test_resend_without_the_csrf_token_is_refused(client) -> None:
    await _signed_in_admin(client)
    message_id = await _message("failed")
    response = await client.post(f"{OUTBOX}{message_id}/resend")
    assert response.status_code == 403
    assert (await _status_of(message_id))["status"] == "failed"
