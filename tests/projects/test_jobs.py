"""The daily reminders: overdue milestones to the leads once a week, reports before they are
due and when late once each, every mail in its recipient's language."""

from __future__ import annotations

from datetime import date, timedelta

from core.tables import OutboxMessage
from projects.jobs import remind_all
from projects.tables import ProgressReport
from tests.projects.factories import make_member, make_milestone, make_project, make_report

TODAY = date(2026, 5, 20)  # a Wednesday


async def mails(template: str) -> list[dict]:
    return (
        await OutboxMessage.select()
        .where(OutboxMessage.template == template)
        .order_by(OutboxMessage.id)
    )


async def test_an_overdue_milestone_mails_each_lead_once_a_week(run_jobs) -> None:
    project = await make_project(starts_on=TODAY)
    lead = await make_member(project, "lead", language="ru")
    await make_member(project, "member", language="zh")
    await make_milestone(project, due_on=TODAY - timedelta(days=3))
    await make_milestone(project, due_on=TODAY - timedelta(days=3), status="done")
    await make_milestone(project, due_on=TODAY + timedelta(days=30))

    await remind_all(TODAY)
    await remind_all(TODAY)
    await remind_all(TODAY + timedelta(days=3))
    sent = await mails("project_milestone_overdue")
    assert [(m["recipient"], m["language"]) for m in sent] == [(lead["email"], "ru")]

    await remind_all(TODAY + timedelta(days=7))
    assert len(await mails("project_milestone_overdue")) == 2

    await run_jobs()
    first = (await mails("project_milestone_overdue"))[0]
    assert first["status"] == "sent"
    assert "Просроченный" in first["subject"] or "Overdue milestone" in first["subject"]


async def test_a_suspended_project_sends_no_reminders() -> None:
    project = await make_project(status="suspended", starts_on=TODAY)
    await make_member(project, "lead")
    await make_milestone(project, due_on=TODAY - timedelta(days=30))
    await remind_all(TODAY)
    assert await mails("project_milestone_overdue") == []


async def test_report_reminders_go_before_the_due_date_and_when_late_once_each() -> None:
    project = await make_project(starts_on=date(2026, 1, 1))
    lead = await make_member(project, "lead", language="kk")
    member = await make_member(project, "member", language="zh")
    # Q1 2026 is due on 15 April: five days before, then late.
    await remind_all(date(2026, 4, 10))
    await remind_all(date(2026, 4, 11))
    due = await mails("project_report_due")
    assert {(m["recipient"], m["language"]) for m in due} == {
        (lead["email"], "kk"),
        (member["email"], "zh"),
    }

    await remind_all(date(2026, 4, 16))
    await remind_all(date(2026, 4, 20))
    assert len(await mails("project_report_late")) == 2
    assert len(await mails("project_report_due")) == 2


async def test_a_submitted_report_is_not_chased() -> None:
    project = await make_project(starts_on=date(2026, 1, 1))
    await make_member(project, "lead")
    await make_report(project, "2026-Q1", status="submitted")
    await remind_all(date(2026, 4, 20))
    assert await mails("project_report_late") == []
    created = await ProgressReport.select(ProgressReport.period).where(
        ProgressReport.project == project["id"]
    )
    assert {row["period"] for row in created} == {"2026-Q1", "2026-Q2"}
