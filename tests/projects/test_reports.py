"""Progress reports as the team and the bureau use them: drafts kept as versions, two
people saving at once, refused uploads, submitting, the bureau's review, and the changes
between two versions."""

from __future__ import annotations

from datetime import date

from core.tables import OutboxMessage
from projects.services import reports
from projects.tables import Attachment, ProgressReport, ReportComment, ReportVersion
from tests.projects.factories import (
    PDF,
    audit,
    make_member,
    make_project,
    make_report,
    report_form,
)
from tests.support.factories import make_user, post_form, sign_in

REPORT = "/ru/account/projects/{slug}/reports/2026-Q1/"


async def report_row(report_id: int) -> dict:
    return await ProgressReport.select().where(ProgressReport.id == report_id).first()


async def test_saving_a_report_twice_keeps_both_versions(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    report = await make_report(project)
    await sign_in(client, lead)
    url = REPORT.format(slug=project["slug"])

    first = await post_form(client, url + "edit", report_form(0))
    assert first.status_code == 200
    assert "Сохранено как версия 1" in first.text or "version 1" in first.text
    second = await post_form(
        client, url + "edit", report_form(1, narrative_ru="Собрали 150 образцов семян.")
    )
    assert second.status_code == 200

    versions = await ReportVersion.select().where(ReportVersion.report == report["id"])
    assert sorted(v["number"] for v in versions) == [1, 2]
    assert (await report_row(report["id"]))["current_version"] == 2
    page = await client.get(url + "versions/")
    assert page.status_code == 200
    assert "/versions/1" in page.text and "/versions/2" in page.text
    assert len(await audit("report.save")) == 2


async def test_a_second_editor_sees_a_conflict_and_keeps_their_text(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    report = await make_report(project)
    await reports.save(
        await _viewer(lead), await _scope(project, lead), report, report_form(0)
    )  # someone else saved version 1 while this form (opened at version 0) was open
    await sign_in(client, lead)

    mine = "Мой текст, который нельзя потерять."
    response = await post_form(
        client,
        REPORT.format(slug=project["slug"]) + "edit",
        report_form(0, narrative_ru=mine),
    )
    assert response.status_code == 409
    assert mine in response.text
    assert 'name="version" value="1"' in response.text
    assert (await report_row(report["id"]))["current_version"] == 1

    again = await post_form(
        client,
        REPORT.format(slug=project["slug"]) + "edit",
        report_form(1, narrative_ru=mine),
    )
    assert again.status_code == 200
    latest = await reports.version(report["id"], 2)
    assert latest["narrative"]["text"]["ru"] == mine


async def test_a_refused_upload_saves_nothing_and_says_why(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    report = await make_report(project)
    await sign_in(client, lead)
    url = REPORT.format(slug=project["slug"]) + "edit"
    await post_form(client, url, report_form(0))

    response = await post_form(
        client,
        url,
        report_form(1, narrative_ru="Новая версия"),
        files={"files": ("payload.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert response.status_code == 400
    assert "payload.pdf" in response.text
    assert "Новая версия" in response.text  # the text is kept in the form
    assert (await report_row(report["id"]))["current_version"] == 1
    assert await Attachment.count() == 0


async def test_the_review_cycle_from_draft_to_accepted(client, run_jobs) -> None:
    project = await make_project()
    lead = await make_member(project, "lead", language="ru")
    report = await make_report(project)
    admin = await make_user("admin", email="bureau@example.org")
    await sign_in(client, lead)
    team_url = REPORT.format(slug=project["slug"])

    saved = await post_form(
        client,
        team_url + "edit",
        report_form(0),
        files={"files": ("итоги.pdf", PDF, "application/pdf")},
    )
    assert saved.status_code == 200
    submitted = await post_form(client, team_url + "submit", {"version": "1"})
    assert submitted.status_code == 200
    assert (await report_row(report["id"]))["status"] == "submitted"
    locked = await post_form(client, team_url + "edit", report_form(1))
    assert locked.status_code == 400
    assert (await report_row(report["id"]))["current_version"] == 1

    await client.post("/en/account/logout", data={"_csrf_token": client.cookies["hongshan_csrf"]})
    await sign_in(client, admin)
    review_url = f"/en/manage/projects/{project['slug']}/reports/2026-Q1/"
    page = await client.get(review_url)
    assert page.status_code == 200
    assert "итоги.pdf" in page.text
    asked = await post_form(
        client,
        review_url + "review",
        {"action": "request_changes", "body": "Добавьте фотографии.", "version": "1"},
    )
    assert asked.status_code == 200
    assert (await report_row(report["id"]))["status"] == "changes_requested"

    await client.post("/en/account/logout", data={"_csrf_token": client.cookies["hongshan_csrf"]})
    await sign_in(client, lead)
    page = await client.get(team_url)
    assert "Добавьте фотографии." in page.text
    await post_form(
        client, team_url + "edit", report_form(1, narrative_ru="Собрали 150 образцов семян.")
    )
    await post_form(client, team_url + "submit", {"version": "2"})

    await client.post("/en/account/logout", data={"_csrf_token": client.cookies["hongshan_csrf"]})
    await sign_in(client, admin)
    page = await client.get(review_url)
    assert "<del>120</del>" in page.text and "<ins>150</ins>" in page.text
    accepted = await post_form(client, review_url + "review", {"action": "accept", "version": "2"})
    assert accepted.status_code == 200
    row = await report_row(report["id"])
    assert row["status"] == "accepted" and row["accepted_at"] is not None
    history = await reports.accepted(project["id"])
    assert history[0]["version"]["number"] == 2
    assert [c["action"] for c in await ReportComment.select()] == ["request_changes", "accept"]
    mails = await OutboxMessage.select().where(OutboxMessage.template == "project_report_reviewed")
    assert {m["recipient"] for m in mails} == {lead["email"]}
    assert len(mails) == 2
    await run_jobs()
    sent = await OutboxMessage.select(OutboxMessage.subject).where(
        OutboxMessage.template == "project_report_reviewed"
    )
    assert all(m["subject"] for m in sent)


async def test_the_diff_shows_word_changes_and_indicator_changes(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    await make_report(project)
    await sign_in(client, lead)
    url = REPORT.format(slug=project["slug"])
    await post_form(client, url + "edit", report_form(0))
    await post_form(
        client,
        url + "edit",
        report_form(1, narrative_ru="Собрали 150 образцов семян в Памире.", ind_papers="3"),
    )
    page = await client.get(url + "compare?from=1&to=2")
    assert page.status_code == 200
    assert "<del>120</del><ins>150</ins>" in page.text
    assert "+1" in page.text


def test_periods_follow_the_reporting_frequency() -> None:
    found = reports.periods("quarterly", date(2026, 2, 10), None, date(2026, 8, 1))
    assert [p.key for p in found] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert found[0].due_on == date(2026, 4, 15)
    yearly = reports.periods("annual", date(2025, 6, 1), date(2026, 3, 1), date(2030, 1, 1))
    assert [p.key for p in yearly] == ["2025", "2026"]


def test_chinese_text_is_compared_character_by_character() -> None:
    segments = reports.word_diff("收集了一百份样本", "收集了两百份样本")
    assert [(s.kind, s.text) for s in segments] == [
        ("equal", "收集了"),
        ("delete", "一"),
        ("insert", "两"),
        ("equal", "百份样本"),
    ]


async def _viewer(user):
    from core.auth import load_viewer

    return await load_viewer(user["id"])


async def _scope(project, user):
    from projects.services.projects import ProjectScope

    return ProjectScope(project, "lead")


async def test_two_saves_at_the_same_moment_never_overwrite_each_other() -> None:
    import asyncio

    from projects.services.forms import EditConflict

    project = await make_project()
    lead = await make_member(project, "lead")
    report = await make_report(project)
    viewer, scope = await _viewer(lead), await _scope(project, lead)

    outcomes = await asyncio.gather(
        reports.save(viewer, scope, report, report_form(0, narrative_ru="Первый автор")),
        reports.save(viewer, scope, report, report_form(0, narrative_ru="Второй автор")),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["EditConflict", "int"]
    assert any(isinstance(o, EditConflict) for o in outcomes)
    versions = await ReportVersion.select().where(ReportVersion.report == report["id"])
    assert [v["number"] for v in versions] == [1]
    assert (await report_row(report["id"]))["current_version"] == 1


async def test_the_bureaus_reviewers_hear_of_each_submitted_version_once_in_their_language(
    client, run_jobs
) -> None:
    project = await make_project()
    lead = await make_member(project, "lead", language="ru", name="Айгуль Сейткали")
    report = await make_report(project)
    chinese = await make_user("admin", email="bureau-zh@example.org", language="zh")
    kazakh = await make_user("admin", email="bureau-kk@example.org", language="kk")
    await make_user("coordinator", email="not-a-reviewer@example.org")
    await sign_in(client, lead)
    team_url = REPORT.format(slug=project["slug"])
    await post_form(client, team_url + "edit", report_form(0))

    await post_form(client, team_url + "submit", {"version": "1"})
    await post_form(client, team_url + "submit", {"version": "1"})  # a second click
    await run_jobs()

    mails = await OutboxMessage.select().where(OutboxMessage.template == "project_report_submitted")
    assert sorted((m["recipient"], m["language"]) for m in mails) == [
        (kazakh["email"], "kk"),
        (chinese["email"], "zh"),
    ]
    assert all(m["status"] == "sent" for m in mails)
    subjects = {m["recipient"]: m["subject"] for m in mails}
    assert "进展报告" in subjects[chinese["email"]]
    assert "есеп" in subjects[kazakh["email"]]
    body = str(
        (await OutboxMessage.select().where(OutboxMessage.recipient == chinese["email"]).first())[
            "context"
        ]
    )
    assert f"/zh/manage/projects/{project['slug']}/reports/2026-Q1/" in body

    await ProgressReport.update({ProgressReport.status: "changes_requested"}).where(
        ProgressReport.id == report["id"]
    )
    await post_form(client, team_url + "edit", report_form(1, narrative_ru="Исправлено."))
    await post_form(client, team_url + "submit", {"version": "2"})
    assert (
        await OutboxMessage.count().where(OutboxMessage.template == "project_report_submitted") == 4
    )
