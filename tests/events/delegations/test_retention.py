"""Passport data is purged a set time after the event ends (90 days), and never before a
dry-run report has told the foreign-affairs office what will go."""

from __future__ import annotations

import email
import json
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy

import pytest

from core.errors import ValidationFailed
from core.tables import AuditEntry
from events.delegations.services import letters, members, records, retention, workflow
from events.delegations.tables import Delegate, VisaLetter
from events.tables import Event
from tests.events.delegations.factories import city, conference, fresh, member, office, submitted
from tests.support.factories import sign_in

SIGNATORY = {"signatory_name": "李娜", "signatory_title": "主任"}


async def _past_delegation_with_letters(run_jobs):
    event = await conference()
    almaty = await city("almaty")
    fao = await office()
    delegation = await submitted(event, almaty, member(event, is_head="yes"), member(event))
    await workflow.approve(fao["viewer"], delegation)
    await letters.issue_letters(fao["viewer"], await fresh(delegation), SIGNATORY)
    await run_jobs()
    # The event is then moved into the past: it ended on `ended`.
    ended = datetime.now(UTC) - timedelta(days=1)
    await Event.update({Event.starts_at: ended - timedelta(hours=8), Event.ends_at: ended}).where(
        Event.id == event["id"]
    )
    return fao, await fresh(delegation), ended


async def test_dry_run_report_comes_first_and_the_purge_a_week_later(run_jobs, mail_dir) -> None:
    fao, delegation, ended = await _past_delegation_with_letters(run_jobs)
    sealed = [row["passport_number"] for row in await Delegate.select()]

    # 80 days after the event: nothing due within the week.
    assert await retention.run_retention(ended + timedelta(days=80)) == {
        "reported": 0,
        "purged": 0,
    }
    # 84 days after: due in six days, so reported (mailed to the office), nothing removed.
    first = ended + timedelta(days=84)
    assert await retention.run_retention(first) == {"reported": 1, "purged": 0}
    assert [row["passport_number"] for row in await Delegate.select()] == sealed
    await run_jobs()
    [report] = [
        email.message_from_bytes(path.read_bytes(), policy=default_policy)
        for path in mail_dir.glob("delegation_purge_report*.eml")
    ]
    assert report["To"] == fao["user"]["email"]
    body = report.get_body(("plain",)).get_content()
    assert "Akimat of Almaty" in body or "阿拉木图市政府" in body
    dry = await AuditEntry.select().where(AuditEntry.action == "delegation.purge_dry_run")
    assert len(dry) == 1
    # The next day's run reports nothing new and removes nothing.
    assert await retention.run_retention(first + timedelta(days=1)) == {
        "reported": 0,
        "purged": 0,
    }

    # 91 days after the event, a week after the report: removed.
    assert await retention.run_retention(ended + timedelta(days=91)) == {
        "reported": 0,
        "purged": 1,
    }
    rows = await Delegate.select()
    assert all(row["passport_number"] == "" and row["date_of_birth"] == "" for row in rows)
    assert all(row["passport_index"] is None and row["passport_expires"] is None for row in rows)
    assert all(row["name_native"] for row in rows)  # who came stays on record
    letters = await VisaLetter.select()
    assert letters and all(r["content"] is None and r["status"] == "purged" for r in letters)
    assert (await fresh(delegation))["purged_at"] is not None
    [purge] = await AuditEntry.select().where(AuditEntry.action == "delegation.purge")
    after = json.loads(purge["after"]) if isinstance(purge["after"], str) else purge["after"]
    assert after == {"members": 2, "letters": 2}


async def test_an_overdue_delegation_is_reported_before_it_is_purged(run_jobs) -> None:
    _fao, _delegation, ended = await _past_delegation_with_letters(run_jobs)
    late = ended + timedelta(days=200)
    assert await retention.run_retention(late) == {"reported": 1, "purged": 0}
    assert await retention.run_retention(late + timedelta(days=3)) == {
        "reported": 0,
        "purged": 0,
    }
    assert await retention.run_retention(late + timedelta(days=7)) == {
        "reported": 0,
        "purged": 1,
    }


async def test_a_purged_delegation_can_no_longer_take_passport_data(run_jobs) -> None:
    fao, delegation, _ended = await _past_delegation_with_letters(run_jobs)
    await retention.purge_delegation(delegation["id"])
    delegation = await fresh(delegation)
    with pytest.raises(ValidationFailed):
        await members.save_member(fao["viewer"], delegation, member(await _event(delegation)))
    with pytest.raises(ValidationFailed):
        await letters.issue_letters(fao["viewer"], delegation, SIGNATORY)


async def _event(delegation):
    return await records.event_of(delegation)


async def test_retention_page_shows_the_dry_run_any_time(client, run_jobs) -> None:
    fao, _delegation, _ended = await _past_delegation_with_letters(run_jobs)
    await sign_in(client, fao["user"])
    page = await client.get("/en/manage/delegations/retention")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    assert "Akimat of Almaty" in page.text
    assert "Not yet" in page.text
