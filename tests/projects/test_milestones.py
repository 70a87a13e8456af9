"""Milestones as the team keeps them: titles in several languages, progress, evidence, the
overdue flag, and two people editing the same milestone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from projects.services import projects
from projects.tables import Attachment, Milestone
from tests.projects.factories import PDF, make_member, make_milestone, make_project, make_report
from tests.support.factories import audit, post_form, sign_in


def milestone_form(**overrides: str) -> dict[str, str]:
    form = {
        "source_language": "ru",
        "title_zh": "帕米尔种质考察",
        "title_ru": "Экспедиция за семенами на Памир",
        "title_kk": "Памирге тұқым экспедициясы",
        "title_en": "Seed expedition to the Pamirs",
        "due_on": "2031-06-30",
        "status": "in_progress",
        "percent": "40",
        "evidence_links": "https://example.org/pamir\nhttps://example.org/photos",
    }
    form.update(overrides)
    return form


async def test_a_member_adds_a_milestone_titled_in_four_languages(client) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    await sign_in(client, member)

    response = await post_form(
        client,
        f"/zh/account/projects/{project['slug']}/milestones/new",
        milestone_form(),
        files={"files": ("照片.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 200
    assert "帕米尔种质考察" in response.text
    row = await Milestone.select().where(Milestone.project == project["id"]).first()
    assert row["percent"] == 40 and row["version"] == 1
    attachment = await Attachment.select().where(Attachment.milestone == row["id"]).first()
    assert attachment["original_name"] == "照片.pdf"
    assert (await audit("milestone.create"))[0]["actor"] == member["id"]

    page = await client.get(f"/ru/account/projects/{project['slug']}/")
    assert "Экспедиция за семенами на Памир" in page.text


async def test_bad_input_is_shown_again_with_the_reasons(client) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    await sign_in(client, member)

    response = await post_form(
        client,
        f"/en/account/projects/{project['slug']}/milestones/new",
        milestone_form(title_ru="", percent="140", evidence_links="not a link"),
    )
    assert response.status_code == 400
    assert "Seed expedition to the Pamirs" in response.text  # kept
    assert "Enter a whole number from 0 to 100." in response.text
    assert "Enter one web address per line" in response.text
    assert "Enter the text in the language it is written first in." in response.text
    assert await Milestone.count() == 0


async def test_an_overdue_milestone_is_highlighted(client) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    # The bureau's day (Beijing/Urumqi), not the machine's: they differ for hours each day.
    today = projects.today()
    await make_milestone(project, due_on=today - timedelta(days=10))
    await make_milestone(project, due_on=today - timedelta(days=10), status="done")
    await sign_in(client, member)

    page = await client.get(f"/en/account/projects/{project['slug']}/")
    table = page.text.split('id="milestones"')[1].split('id="reports"')[0]
    assert table.count('class="overdue"') == 1
    assert table.count("Overdue by 10 days") == 1
    mine = await client.get("/en/account/projects/")
    assert "1 overdue milestone" in mine.text


async def test_marking_a_milestone_done_records_the_day_and_full_progress(client) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    milestone = await make_milestone(project)
    await sign_in(client, member)

    response = await post_form(
        client,
        f"/en/account/projects/{project['slug']}/milestones/{milestone['id']}/edit",
        milestone_form(status="done", percent="70", version="1"),
    )
    assert response.status_code == 200
    row = await Milestone.select().where(Milestone.id == milestone["id"]).first()
    assert row["status"] == "done" and row["percent"] == 100
    assert row["completed_on"] is not None and row["version"] == 2
    entry = (await audit("milestone.update"))[0]
    assert entry["before"]["status"] == "in_progress" and entry["after"]["status"] == "done"


async def test_the_second_of_two_editors_gets_a_conflict_with_their_input_kept(client) -> None:
    project = await make_project()
    first = await make_member(project, "member")
    milestone = await make_milestone(project)
    await sign_in(client, first)
    url = f"/en/account/projects/{project['slug']}/milestones/{milestone['id']}/edit"
    form = await client.get(url)
    assert 'name="version" value="1"' in form.text

    saved = await post_form(client, url, milestone_form(percent="60", version="1"))
    assert saved.status_code == 200
    late = await post_form(
        client,
        url,
        milestone_form(title_en="My own wording of the title", percent="55", version="1"),
    )
    assert late.status_code == 409
    assert "Someone else saved this milestone" in late.text
    assert "My own wording of the title" in late.text
    assert 'name="version" value="2"' in late.text
    row = await Milestone.select().where(Milestone.id == milestone["id"]).first()
    assert row["percent"] == 60 and row["version"] == 2

    again = await post_form(
        client, url, milestone_form(title_en="My own wording of the title", version="2")
    )
    assert again.status_code == 200
    row = await Milestone.select().where(Milestone.id == milestone["id"]).first()
    assert row["version"] == 3


async def test_an_evidence_file_is_removed_only_after_confirming(client) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    milestone = await make_milestone(project)
    await sign_in(client, member)
    base = f"/en/account/projects/{project['slug']}/milestones/{milestone['id']}"
    await post_form(
        client,
        base + "/edit",
        milestone_form(version="1"),
        files={"files": ("scan.pdf", PDF, "application/pdf")},
    )
    attachment = await Attachment.select().first()

    confirm = await client.get(f"{base}/files/{attachment['id']}/remove")
    assert confirm.status_code == 200
    assert "scan.pdf" in confirm.text
    assert await Attachment.count() == 1
    removed = await post_form(client, f"{base}/files/{attachment['id']}/remove")
    assert removed.status_code == 200
    assert await Attachment.count() == 0
    assert await audit("milestone.file_remove")


async def test_two_milestone_saves_at_the_same_moment_keep_one_and_refuse_the_other() -> None:
    import asyncio

    from core.auth import load_viewer
    from projects.services import milestones
    from projects.services.forms import EditConflict
    from projects.services.projects import ProjectScope

    project = await make_project()
    member = await make_member(project, "member")
    milestone = await make_milestone(project)
    viewer, scope = await load_viewer(member["id"]), ProjectScope(project, "member")
    outcomes = await asyncio.gather(
        milestones.update(
            viewer, scope, milestone["id"], milestone_form(percent="10", version="1")
        ),
        milestones.update(
            viewer, scope, milestone["id"], milestone_form(percent="90", version="1")
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(o, EditConflict) for o in outcomes) == 1
    row = await Milestone.select().where(Milestone.id == milestone["id"]).first()
    assert row["version"] == 2 and row["percent"] in (10, 90)


async def test_a_milestone_no_sent_report_covers_is_deleted_only_after_confirming(
    client,
) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    milestone = await make_milestone(project, due_on=date(2031, 5, 20))
    await make_report(project, "2031-Q2")  # a draft: the bureau has seen nothing yet
    await sign_in(client, member)
    base = f"/en/account/projects/{project['slug']}/milestones/{milestone['id']}"
    await post_form(
        client,
        base + "/edit",
        milestone_form(version="1", due_on="2031-05-20"),
        files={"files": ("scan.pdf", PDF, "application/pdf")},
    )
    assert 'href="' + base + '/delete"' in (await client.get(base + "/edit")).text

    confirm = await client.get(base + "/delete")
    assert confirm.status_code == 200
    assert "Delete the milestone?" in confirm.text and "1 attached file" in confirm.text
    assert await Milestone.count() == 1

    deleted = await post_form(client, base + "/delete")

    assert deleted.status_code == 200
    assert deleted.url.path == f"/en/account/projects/{project['slug']}/"
    assert "The milestone was deleted." in deleted.text
    assert await Milestone.count() == 0 and await Attachment.count() == 0
    assert (await audit("milestone.delete"))[0]["before"]["due_on"] == "2031-05-20"
    assert (await client.get(base + "/delete")).status_code == 404


async def test_a_milestone_covered_by_a_submitted_report_cannot_be_deleted(client) -> None:
    project = await make_project()
    member = await make_member(project, "member")
    milestone = await make_milestone(project, due_on=date(2031, 5, 20))
    await make_report(
        project, "2031-Q2", status="submitted", submitted_at=datetime(2031, 7, 2, tzinfo=UTC)
    )
    await sign_in(client, member)
    base = f"/en/account/projects/{project['slug']}/milestones/{milestone['id']}"

    confirm = await client.get(base + "/delete")
    assert "cannot be deleted" in confirm.text and "Quarter 2 of 2031" in confirm.text
    assert "<button" not in confirm.text.split("confirm-heading", 1)[1]
    refused = await post_form(client, base + "/delete")

    assert refused.status_code == 400
    assert "Cancel it instead" in refused.text
    assert await Milestone.count() == 1


async def test_people_outside_the_team_cannot_delete_a_milestone(client) -> None:
    project = await make_project()
    milestone = await make_milestone(project)
    outsider = await make_member(await make_project(), "lead")
    await sign_in(client, outsider)
    base = f"/en/account/projects/{project['slug']}/milestones/{milestone['id']}"
    assert (await client.get(base + "/delete")).status_code == 404
    assert (await post_form(client, base + "/delete")).status_code == 404
    assert await Milestone.count() == 1
