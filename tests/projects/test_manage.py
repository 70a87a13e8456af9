"""The bureau's project pages: creating and editing a project with its partners, images,
the team, and the indicators reports count."""

from __future__ import annotations

from projects.services import indicators
from projects.tables import Indicator, Project, ProjectImage, ProjectPartner
from tests.projects.factories import PNG, make_member, make_project
from tests.support.factories import audit, make_organization, make_user, post_form, sign_in


def project_form(**overrides) -> dict:
    form = {
        "slug": "cn-kz-livestock",
        "source_language": "zh",
        "name_zh": "中哈牧业技术交流合作基地",
        "name_ru": "Китайско-казахстанская база обмена технологиями животноводства",
        "summary_zh": "畜牧技术交流与培训。",
        "kind": "research_base",
        "field": "animal_husbandry",
        "countries": ["CN", "KZ"],
        "starts_on": "2025-03-01",
        "ends_on": "2028-12-31",
        "status": "active",
        "report_frequency": "annual",
        "is_public": "on",
        "partners_china": ["xaas"],
        "partners_partner": ["astana"],
    }
    form.update(overrides)
    return form


async def signed_in_admin(client) -> dict:
    admin = await make_user("admin", email="bureau@example.org")
    await sign_in(client, admin)
    return admin


async def test_an_organizer_creates_a_project_with_partners_on_both_sides(client) -> None:
    await make_organization("xaas", country="CN")
    await make_organization("astana", country="KZ")
    await signed_in_admin(client)

    response = await post_form(client, "/ru/manage/projects/new", project_form())
    assert response.status_code == 200
    assert str(response.url).endswith("/ru/manage/projects/cn-kz-livestock/?saved=1")
    assert "Китайско-казахстанская база" in response.text
    project = await Project.select().where(Project.slug == "cn-kz-livestock").first()
    assert project["report_frequency"] == "annual" and project["is_public"]
    sides = await ProjectPartner.select(
        ProjectPartner.side, ProjectPartner.organization.slug.as_alias("slug")
    )
    assert {(row["side"], row["slug"]) for row in sides} == {
        ("china", "xaas"),
        ("partner", "astana"),
    }
    created = (await audit("project.create"))[0]
    assert created["after"]["slug"] == "cn-kz-livestock"


async def test_mistakes_are_shown_with_the_input_kept(client) -> None:
    await make_organization("xaas", country="CN")
    await signed_in_admin(client)
    response = await post_form(
        client,
        "/en/manage/projects/new",
        project_form(
            slug="new",
            name_zh="",
            countries=[],
            ends_on="2020-01-01",
            partners_china=["xaas"],
            partners_partner=["xaas"],
        ),
    )
    assert response.status_code == 400
    assert "This short name is reserved" in response.text
    assert "Choose at least one country." in response.text
    assert "The end cannot be before the start." in response.text
    assert "Choose each organization on one side only." in response.text
    assert "Китайско-казахстанская база" in response.text
    assert await Project.count() == 0


async def test_editing_a_project_is_audited_with_what_changed(client) -> None:
    project = await make_project(slug="alpha-lab")
    await signed_in_admin(client)
    form = await client.get("/en/manage/projects/alpha-lab/edit")
    assert form.status_code == 200
    response = await post_form(
        client,
        "/en/manage/projects/alpha-lab/edit",
        project_form(slug="alpha-lab", status="suspended", partners_china=[], partners_partner=[]),
    )
    assert response.status_code == 200
    entry = (await audit("project.update"))[0]
    assert entry["before"]["status"] == "active" and entry["after"]["status"] == "suspended"
    assert (await Project.select().where(Project.id == project["id"]).first())[
        "status"
    ] == "suspended"


async def test_the_overview_shows_the_team_milestones_and_reports(client) -> None:
    project = await make_project(slug="alpha-lab")
    await make_member(project, "lead", name="Farhod Rahimov")
    await signed_in_admin(client)
    page = await client.get("/en/manage/projects/alpha-lab/")
    assert page.status_code == 200
    assert "Farhod Rahimov" in page.text
    assert "Quarter" in page.text  # the report rows of the periods begun so far
    listing = await client.get("/en/manage/projects/")
    assert "alpha-lab" in listing.text


async def test_images_are_added_and_removed_after_confirming(client) -> None:
    await make_project(slug="alpha-lab", is_public=False)
    await signed_in_admin(client)
    added = await post_form(
        client,
        "/en/manage/projects/alpha-lab/images",
        {"source_language": "en", "caption_en": "The seed bank"},
        files={"image": ("bank.png", PNG, "image/png")},
    )
    assert added.status_code == 200
    image = await ProjectImage.select().first()
    shown = await client.get(f"/media/project-images/{image['file']}")
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"

    await client.post("/en/account/logout", data={"_csrf_token": client.cookies["hongshan_csrf"]})
    hidden = await client.get(f"/media/project-images/{image['file']}")
    assert hidden.status_code == 404  # an internal project's images stay internal
    await signed_in_admin_again(client)
    confirm = await client.get(f"/en/manage/projects/alpha-lab/images/{image['id']}/remove")
    assert "The image will be deleted" in confirm.text
    await post_form(client, f"/en/manage/projects/alpha-lab/images/{image['id']}/remove")
    assert await ProjectImage.count() == 0


async def signed_in_admin_again(client) -> None:
    from tests.support.factories import PASSWORD

    await sign_in(client, {"email": "bureau@example.org", "password": PASSWORD})


async def test_the_bureau_adds_a_custom_indicator_and_switches_a_builtin_off(client) -> None:
    await signed_in_admin(client)
    created = await post_form(
        client,
        "/en/manage/projects/indicators/new",
        {
            "key": "seed_banks",
            "source_language": "en",
            "label_en": "Seed bank accessions",
            "label_ru": "Образцы в семенном банке",
            "unit_en": "accessions",
            "position": "1",
            "active": "on",
        },
    )
    assert created.status_code == 200
    assert "Seed bank accessions" in created.text
    await post_form(client, "/en/manage/projects/indicators/patents_granted/edit", {"active": ""})
    keys = [entry.key for entry in await indicators.catalog()]
    assert "seed_banks" in keys and "patents_granted" not in keys
    row = await Indicator.select().where(Indicator.key == "patents_granted").first()
    assert row["active"] is False
    assert await audit("indicator.create") and await audit("indicator.update")
