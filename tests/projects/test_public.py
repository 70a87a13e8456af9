"""What the public sees of projects: public ones grouped by their partners' countries, a
project's page with partners, pictures and a timeline of accepted highlights and milestones
reached (with untranslated texts marked), internal projects as if they did not exist, partner
pages that list their projects, and the demo projects loaded once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.content import Translated
from core.demo import load_core_demo
from projects import demo
from projects.services import public
from projects.tables import Milestone, ProgressReport, Project, ProjectPartner, ReportVersion
from tests.projects.factories import (
    add_to_team,
    make_member,
    make_milestone,
    make_project,
    received_report,
)
from tests.support.factories import make_organization, make_user, sign_in


async def partner(project: dict, organization: dict, side: str = "partner") -> None:
    await ProjectPartner(project=project["id"], organization=organization["id"], side=side).save()


async def test_public_projects_are_grouped_by_their_partners_countries(client) -> None:
    xaas = await make_organization("xaas", country="CN", is_public=True)
    almaty = await make_organization("almaty", country="KZ", is_public=True)
    tashkent = await make_organization("tashkent", country="UZ", is_public=True)
    base = await make_project(
        slug="kz-uz-base",
        name=Translated.of("en", en="Steppe livestock base").dump(),
        summary=Translated.of("en", en="Breeding and forage.").dump(),
        kind="research_base",
        field="animal_husbandry",
    )
    for organization, side in ((xaas, "china"), (almaty, "partner"), (tashkent, "partner")):
        await partner(base, organization, side)
    await make_project(
        slug="hidden-lab", name=Translated.of("en", en="Quiet lab").dump(), is_public=False
    )

    page = await client.get("/en/projects/")
    assert page.status_code == 200
    kazakhstan = page.text.split('id="country-KZ"')[1].split("</section>")[0]
    uzbekistan = page.text.split('id="country-UZ"')[1].split("</section>")[0]
    for section in (kazakhstan, uzbekistan):  # listed under both partner countries
        assert "Steppe livestock base" in section
        assert "Research base" in section and "Animal husbandry" in section
        assert "Breeding and forage." in section
        assert "Organization" in section  # the partners' names
    assert page.text.index('id="country-KZ"') < page.text.index('id="country-UZ"')
    assert "Quiet lab" not in page.text and "hidden-lab" not in page.text
    assert 'href="/en/projects/"' in page.text  # the menu entry


async def test_a_project_page_shows_partners_pictures_and_what_it_achieved(client) -> None:
    egi = await make_organization("egi", country="CN", is_public=True)
    private = await make_organization("private-org", country="TJ", is_public=False)
    lab = await make_project(
        slug="pamir-lab",
        name=Translated.of("en", en="Pamir seed lab").dump(),
        description=Translated.of("en", en="Seeds of the Western Pamirs.").dump(),
    )
    await partner(lab, egi, "china")
    await partner(lab, private)
    await received_report(
        lab, "2025-Q4", {"papers": 1}, highlight=Translated.of("en", en="512 seeds banked.")
    )
    await received_report(
        lab,
        "2026-Q1",
        {"papers": 9},
        status="submitted",
        highlight=Translated.of("en", en="Awaiting the bureau."),
    )
    await received_report(
        lab,
        "2026-Q2",
        {},
        status="changes_requested",
        highlight=Translated.of("en", en="Sent back."),
    )
    await make_milestone(
        lab,
        title=Translated.of("en", en="Seed bank opened").dump(),
        status="done",
        percent=100,
        due_on=date(2026, 3, 1),
        completed_on=date(2026, 2, 20),
    )
    await make_milestone(lab, title=Translated.of("en", en="Still working").dump())

    page = await client.get("/en/projects/pamir-lab/")
    assert page.status_code == 200
    text = page.text
    assert "Seeds of the Western Pamirs." in text
    assert 'href="/en/partners/egi/"' in text
    assert 'href="/en/partners/private-org/"' not in text  # no link to a page that is a 404
    assert "512 seeds banked." in text and "Quarter 4 of 2025" in text
    assert "Seed bank opened" in text
    assert "Awaiting the bureau." not in text and "Sent back." not in text
    assert "Still working" not in text
    assert text.index("Seed bank opened") < text.index("512 seeds banked.")  # latest first


async def test_untranslated_highlights_are_shown_with_a_fallback_mark(client) -> None:
    lab = await make_project(slug="pamir-lab")
    await received_report(
        lab,
        "2025-Q4",
        {"papers": 1},
        highlight=Translated.of("ru", ru="Собрано 120 образцов.", en="120 samples collected."),
    )
    russian = await client.get("/ru/projects/pamir-lab/")
    assert "Собрано 120 образцов." in russian.text
    assert 'lang="ru" class="fallback"' not in russian.text
    english = await client.get("/en/projects/pamir-lab/")
    assert "120 samples collected." in english.text
    for lang in ("zh", "kk"):
        page = await client.get(f"/{lang}/projects/pamir-lab/")
        highlight = page.text.split('class="project-highlight"')[1].split("</p>")[0]
        assert '<span lang="ru" class="fallback"' in highlight, lang
        assert "Собрано 120 образцов." in highlight


async def test_an_internal_project_is_a_404_for_everyone_outside_it(client) -> None:
    await make_project(
        slug="quiet-lab", is_public=False, name=Translated.of("en", en="Quiet lab").dump()
    )
    anonymous = await client.get("/en/projects/quiet-lab/")
    assert anonymous.status_code == 404 and "Quiet lab" not in anonymous.text

    outsider = await make_member(await make_project(slug="other-lab"), "lead")
    await sign_in(client, outsider)
    refused = await client.get("/en/projects/quiet-lab/")
    assert refused.status_code == 404 and "Quiet lab" not in refused.text

    coordinator = await make_user("coordinator")
    await sign_in(client, coordinator)
    assert (await client.get("/en/projects/quiet-lab/")).status_code == 404
    assert (await client.get("/en/projects/no-such-lab/")).status_code == 404


@pytest.mark.parametrize("role", ["team", "admin"])
async def test_the_team_and_the_bureau_preview_an_internal_projects_page(client, role) -> None:
    lab = await make_project(
        slug="quiet-lab", is_public=False, name=Translated.of("en", en="Quiet lab").dump()
    )
    person = await make_user("admin" if role == "admin" else "member")
    if role == "team":
        await add_to_team(lab, person, "member")
    await sign_in(client, person)
    page = await client.get("/en/projects/quiet-lab/")
    assert page.status_code == 200
    assert "Quiet lab" in page.text
    assert "This project is internal" in page.text
    listing = await client.get("/en/projects/")
    assert "Quiet lab" not in listing.text  # the public list stays public


async def test_partner_pages_list_the_public_projects_they_take_part_in() -> None:
    almaty = await make_organization("almaty", country="KZ", is_public=True)
    shown = await make_project(slug="kz-base", name=Translated.of("en", en="Steppe base").dump())
    hidden = await make_project(slug="quiet-lab", is_public=False)
    await make_project(slug="unrelated-lab")
    await partner(shown, almaty)
    await partner(hidden, almaty)
    found = await public.for_organization(almaty)
    assert [p["slug"] for p in found["partner_projects"]] == ["kz-base"]


async def test_a_partner_page_links_its_projects(client) -> None:
    almaty = await make_organization("almaty", country="KZ", is_public=True)
    shown = await make_project(slug="kz-base", name=Translated.of("en", en="Steppe base").dump())
    await partner(shown, almaty)
    page = await client.get("/en/partners/almaty/")
    assert 'href="/en/projects/kz-base/"' in page.text and "Steppe base" in page.text


async def test_the_demo_projects_load_once_with_teams_milestones_and_accepted_reports(
    client,
) -> None:
    await load_core_demo()
    await demo.load_projects_demo()
    counts = (
        await Project.count(),
        await Milestone.count(),
        await ProgressReport.count(),
        await ReportVersion.count(),
    )
    await demo.load_projects_demo()  # a second start adds nothing
    assert (
        await Project.count(),
        await Milestone.count(),
        await ProgressReport.count(),
        await ReportVersion.count(),
    ) == counts
    assert counts[0] == 2

    today = date.today()
    late = await Milestone.select().where(
        (Milestone.status != "done") & (Milestone.due_on < today - timedelta(days=1))
    )
    assert len(late) >= 2  # some milestones are late
    accepted = await ProgressReport.select().where(ProgressReport.status == "accepted")
    assert len(accepted) == 3
    assert max(row["current_version"] for row in accepted) == 2  # one went back and forth

    for lang in ("zh", "ru", "kk", "en"):
        page = await client.get(f"/{lang}/projects/{demo.BIO_LAB}/")
        assert page.status_code == 200
        assert page.text.count('class="project-highlight"') >= 4
    listing = await client.get("/ru/projects/")
    assert "Китайско-казахстанская база" in listing.text
    assert "Китайско-таджикская совместная лаборатория" in listing.text
