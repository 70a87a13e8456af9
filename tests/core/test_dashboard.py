"""Each role's desk counts what waits for them, and only theirs, in a mixed fixture: two
partner cities, an event with registrations, offers, invitations and delegations, a
joint-lab project with milestones and reports, failed mail and failing feeds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import httpx
import pytest

from core.access import Viewer
from core.auth import load_viewer
from core.content import Translated
from core.dashboard import panels_for
from core.i18n import language
from core.tables import FeedSource, OutboxMessage
from events.delegations.tables import Delegate, Delegation, VisaLetter
from events.invitations.tables import Invitation, InvitationCampaign
from events.tables import Registration, WaitlistOffer
from tests.events.factories import make_event
from tests.projects.factories import add_to_team, make_milestone, make_project, make_report
from tests.support.factories import make_organization, make_user, sign_in

NOW = datetime.now(UTC)  # counts are relative: every moment below is hours or days away
_numbers = count(1)


async def _registration(event: dict, status: str, organization: dict | None = None) -> int:
    number = next(_numbers)
    row = Registration(
        event=event["id"],
        code=f"code-{number}",
        status=status,
        organization=organization["id"] if organization else None,
        name=f"Guest {number}",
        email=f"guest{number}@example.org",
        answers={},
    )
    await row.save()
    return int(row.id)


async def _offer(registration_id: int, expires_in: timedelta, status: str = "open") -> None:
    await WaitlistOffer(
        registration=registration_id, status=status, expires_at=NOW + expires_in
    ).save()


async def _invitation(event: dict, organization: dict, answer: str, expires_in: timedelta) -> None:
    number = next(_numbers)
    campaign = InvitationCampaign(
        event=event["id"],
        status="sent",
        subject=Translated.of("en", en="Invitation").dump(),
        message=Translated.of("en", en="Come.").dump(),
        recipients=[],
        expires_at=NOW + expires_in,
        reminders=[],
    )
    await campaign.save()
    await Invitation(
        event=event["id"],
        campaign=campaign.id,
        event_email=f"{event['id']}:invitee{number}@example.org",
        kind="organization",
        organization=organization["id"],
        name=f"Invitee {number}",
        email=f"invitee{number}@example.org",
        token_hash=f"hash-{number}",
        token_nonce=f"nonce-{number}",
        expires_at=NOW + expires_in,
        answer=answer,
    ).save()


async def _delegation(event: dict, organization: dict, status: str, **fields: Any) -> int:
    row = Delegation(
        event=event["id"],
        organization=organization["id"],
        event_organization=f"{event['id']}:{organization['id']}",
        status=status,
        **fields,
    )
    await row.save()
    return int(row.id)


async def _delegate(delegation_id: int, event: dict, **fields: Any) -> int:
    row = Delegate(delegation=delegation_id, event=event["id"], name_latin="Delegate", **fields)
    await row.save()
    return int(row.id)


async def _letter(delegate_id: int, delegation_id: int, event: dict, status: str) -> None:
    number = next(_numbers)
    await VisaLetter(
        delegate=delegate_id,
        delegation=delegation_id,
        event=event["id"],
        sequence=number,
        reference=f"URC-{number}",
        status=status,
        issued_on=date(2027, 5, 1),
    ).save()


@pytest.fixture
async def world() -> dict[str, Any]:
    almaty = await make_organization("almaty")
    bishkek = await make_organization("bishkek", country="KG")
    forum = await make_event(
        slug="forum",
        approval_required=True,
        title=Translated.of("en", en="Forum").dump(),
        starts_at=NOW + timedelta(days=20),
    )
    expo = await make_event(
        slug="expo", title=Translated.of("en", en="Expo").dump(), starts_at=NOW + timedelta(days=40)
    )
    await _registration(forum, "pending", almaty)
    await _registration(forum, "pending", bishkek)
    await _registration(expo, "pending")
    await _registration(forum, "confirmed", almaty)
    await _registration(forum, "rejected", almaty)
    await _offer(await _registration(forum, "offered", almaty), timedelta(hours=3))
    await _offer(await _registration(forum, "offered", bishkek), timedelta(days=3))
    await _offer(await _registration(expo, "offered", bishkek), timedelta(hours=-2))

    await _invitation(forum, almaty, "pending", timedelta(days=5))
    await _invitation(expo, almaty, "pending", timedelta(days=5))
    await _invitation(expo, almaty, "accepted", timedelta(days=5))
    await _invitation(forum, bishkek, "pending", timedelta(days=5))

    own = await _delegation(forum, almaty, "returned")
    await _delegate(own, forum)  # no passport, no arrival: two missing items
    arriving = await _delegate(
        own, forum, passport_number="sealed", arrival_at=NOW + timedelta(hours=30)
    )
    theirs = await _delegation(expo, bishkek, "submitted", purge_notice_at=NOW - timedelta(days=1))
    late = await _delegate(
        theirs, expo, passport_number="sealed", arrival_at=NOW + timedelta(days=5)
    )
    await _letter(arriving, own, forum, "failed")
    await _letter(late, theirs, expo, "pending")
    await _letter(late, theirs, expo, "ready")

    for status in ("failed", "failed", "sent"):
        number = next(_numbers)
        await OutboxMessage(
            idempotency_key=f"mail-{number}",
            recipient="someone@example.org",
            language="en",
            template="password_reset",
            context={},
            status=status,
        ).save()
    await FeedSource(
        organization=almaty["id"], url="https://a.example/rss", consecutive_errors=2
    ).save()
    await FeedSource(
        organization=bishkek["id"], url="https://b.example/rss", enabled=False, paused_reason="gone"
    ).save()
    await FeedSource(organization=bishkek["id"], url="https://c.example/rss").save()

    lab = await make_project(slug="lab")
    other = await make_project(slug="other-lab")
    await make_milestone(lab, due_on=date.today() - timedelta(days=20))
    await make_milestone(lab, due_on=date.today() - timedelta(days=20), status="done")
    await make_milestone(lab, due_on=date.today() + timedelta(days=20))
    await make_milestone(other, due_on=date.today() - timedelta(days=20))
    await make_report(lab, "2026-Q1", status="changes_requested")
    await make_report(lab, "2026-Q2", status="draft")
    await make_report(other, "2026-Q1", status="submitted")

    people = {
        "admin": await make_user("admin"),
        "fao": await make_user("fao"),
        "coordinator": await make_user("coordinator", organization_id=almaty["id"]),
        "lead": await make_user("member"),
        "reviewer": await make_user("reviewer"),
    }
    await add_to_team(lab, people["lead"], role="lead")
    return people


async def _desk(user: dict[str, Any]) -> dict[str, dict[str, int | None]]:
    viewer: Viewer = await load_viewer(user["id"])
    with language("en"):
        return {
            panel.title: {item.label: item.count for item in panel.items}
            for panel in await panels_for(viewer)
        }


async def test_the_organizers_desk_counts_approvals_expiring_offers_reports_mail_and_feeds(
    world: dict[str, Any],
) -> None:
    desk = await _desk(world["admin"])

    assert desk["Registrations awaiting approval"] == {"Forum": 2, "Expo": 1}
    assert desk["Waiting-list offers expiring within a day"] == {"Forum": 1}
    assert desk["Joint-lab projects"] == {
        "Progress reports awaiting review": 1,
        "Overdue milestones": 2,
    }
    assert desk["Mail and feeds"] == {
        "E-mails that could not be sent": 2,
        "Partner feeds in error": 2,
    }


async def test_the_foreign_affairs_office_desk_counts_reviews_letters_arrivals_and_purges(
    world: dict[str, Any],
) -> None:
    desk = await _desk(world["fao"])

    assert desk == {
        "Delegations": {
            "Submitted for review": 1,
            "Visa letters that failed": 1,
            "Visa letters not yet generated": 1,
            "Arrivals in the next 72 hours": 1,
            "Passport data due for removal": 1,
        }
    }


async def test_a_coordinators_desk_counts_only_their_organizations_work(
    world: dict[str, Any],
) -> None:
    desk = await _desk(world["coordinator"])

    assert desk["Invitations awaiting your answer"] == {"Forum": 1, "Expo": 1}
    assert desk["Your delegations"] == {"Forum: returned by the office; details missing": 2}
    assert desk["Your organization's registrations"] == {
        "Registrations": 3,
        "Awaiting the organizers' approval": 1,
        "Seats offered from the waiting list": 1,
    }
    assert desk["Mail and feeds"] == {"Partner feeds in error": 1}


async def test_a_project_teams_desk_shows_the_next_report_and_what_is_late(
    world: dict[str, Any],
) -> None:
    desk = await _desk(world["lead"])

    ((title, lines),) = desk.items()
    assert title.startswith("Joint lab")  # only the project they are on
    assert lines.pop("Overdue milestones") == 1
    assert lines.pop("Reports sent back with review comments") == 1
    ((next_report, no_count),) = lines.items()
    assert next_report.startswith("Next report: ") and no_count is None


async def test_a_reviewer_without_assignments_is_told_nothing_waits(
    world: dict[str, Any], client: httpx.AsyncClient
) -> None:
    assert await _desk(world["reviewer"]) == {}

    page = await sign_in(client, world["reviewer"])

    assert page.url.path == "/en/manage/"
    assert "Nothing waits for you at the moment." in page.text


async def test_signing_in_lands_on_the_desk_with_the_counts(
    world: dict[str, Any], client: httpx.AsyncClient
) -> None:
    page = await sign_in(client, world["fao"])

    assert page.url.path == "/en/manage/"
    assert (
        '<a href="/en/manage/delegations/?status=submitted">Submitted for review</a>' in page.text
    )
    assert (
        '<a href="/en/manage/delegations/retention">Passport data due for removal</a>' in page.text
    )
