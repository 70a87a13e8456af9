"""A project's team: leads add people by e-mail (existing accounts or new invitations), change
roles and take people off; a project always keeps a lead."""

from __future__ import annotations

from core.tables import AccountToken, OutboxMessage, User
from projects.tables import TeamMember
from tests.projects.factories import make_member, make_project
from tests.support.factories import audit, make_user, post_form, sign_in


async def members(project_id: int) -> dict[str, str]:
    rows = await TeamMember.select(TeamMember.role, TeamMember.user.email.as_alias("email")).where(
        TeamMember.project == project_id
    )
    return {row["email"]: row["role"] for row in rows}


async def test_a_lead_adds_an_existing_account_who_is_told_in_their_language(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    colleague = await make_user("member", email="colleague@example.org", language="kk")
    await sign_in(client, lead)

    response = await post_form(
        client,
        f"/en/account/projects/{project['slug']}/team",
        {"email": "Colleague@Example.org", "role": "member", "language": "ru"},
    )
    assert response.status_code == 200
    assert "colleague@example.org" in response.text
    assert (await members(project["id"]))["colleague@example.org"] == "member"
    mail = await OutboxMessage.select().where(OutboxMessage.template == "project_team_added")
    assert [m["recipient"] for m in mail] == ["colleague@example.org"]
    assert mail[0]["language"] == "kk"
    assert await AccountToken.count() == 0  # no second account, no invitation link
    assert (await audit("project.team_add"))[0]["after"]["user"] == colleague["id"]


async def test_a_new_address_gets_an_account_invitation_and_a_place_on_the_team(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    await sign_in(client, lead)

    await post_form(
        client,
        f"/en/account/projects/{project['slug']}/team",
        {
            "email": "new.scientist@example.tj",
            "name": "Нилуфар",
            "role": "member",
            "language": "ru",
        },
    )
    user = await User.select().where(User.email == "new.scientist@example.tj").first()
    assert user["role"] == "member" and user["password_hash"] == ""
    assert (await members(project["id"]))["new.scientist@example.tj"] == "member"
    templates = {
        m["template"]
        for m in await OutboxMessage.select().where(
            OutboxMessage.recipient == "new.scientist@example.tj"
        )
    }
    assert templates == {"account_invite", "project_team_added"}


async def test_someone_already_on_the_team_is_not_added_twice(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    await sign_in(client, lead)
    response = await post_form(
        client,
        f"/en/account/projects/{project['slug']}/team",
        {"email": lead["email"], "role": "member", "language": "en"},
    )
    assert response.status_code == 400
    assert "already on the team" in response.text
    assert await TeamMember.count() == 1


async def test_the_last_lead_cannot_leave_but_can_after_naming_another(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    other = await make_member(project, "member")
    await sign_in(client, lead)
    base = f"/en/account/projects/{project['slug']}/team"

    refused = await post_form(client, f"{base}/{lead['member_id']}/remove")
    assert refused.status_code == 409
    assert "at least one lead" in refused.text
    assert len(await members(project["id"])) == 2

    await post_form(client, f"{base}/{other['member_id']}/role", {"role": "lead"})
    assert (await members(project["id"]))[other["email"]] == "lead"
    left = await post_form(client, f"{base}/{lead['member_id']}/remove")
    assert left.status_code == 200
    assert str(left.url).endswith("/en/account/projects/?left=1")
    assert lead["email"] not in await members(project["id"])
    assert await audit("project.team_remove")


async def test_removing_someone_asks_first(client) -> None:
    project = await make_project()
    lead = await make_member(project, "lead")
    other = await make_member(project, "member", name="Farida")
    await sign_in(client, lead)
    url = f"/en/account/projects/{project['slug']}/team/{other['member_id']}/remove"
    confirm = await client.get(url)
    assert confirm.status_code == 200
    assert "Farida" in confirm.text
    assert other["email"] in await members(project["id"])
    await post_form(client, url)
    assert other["email"] not in await members(project["id"])


async def test_a_member_sees_the_team_but_cannot_change_it(client) -> None:
    project = await make_project()
    await make_member(project, "lead", name="Lead Person")
    member = await make_member(project, "member")
    await sign_in(client, member)
    page = await client.get(f"/en/account/projects/{project['slug']}/team")
    assert page.status_code == 200
    assert "Lead Person" in page.text
    assert "Add someone to the team" not in page.text
