"""Cooperation guides (versions kept, listed by city and year; a coordinator publishes only
their own city's) and the read API with its documented examples."""

from __future__ import annotations

from cooperation import schemas
from cooperation.tables import GuideVersion
from tests.cooperation.factories import PDF, make_poster, make_profile
from tests.support.factories import make_organization, make_user, post_form, sign_in

GUIDE = {
    "city": "almaty",
    "year": "2026",
    "source_language": "ru",
    "title_ru": "Руководство по сотрудничеству: Алматы, 2026",
    "priorities_ru": "Водосбережение, ветеринария, солнечная энергия.",
    "contacts_ru": "Отдел науки акимата",
}


async def test_a_new_version_keeps_the_earlier_one_and_its_pdf(client) -> None:
    await sign_in(client, await make_user("admin"))
    token = client.cookies["hongshan_csrf"]
    first = await client.post(
        "/ru/manage/cooperation/guides/",
        data={**GUIDE, "_csrf_token": token},
        files={"pdf": ("guide.pdf", PDF, "application/pdf")},
    )
    assert first.status_code == 200
    assert "Водосбережение" in first.text
    second = await post_form(
        client,
        "/ru/manage/cooperation/guides/",
        {**GUIDE, "priorities_ru": "Водосбережение и опреснение.", "note": "Добавлено опреснение"},
    )
    assert "опреснение" in second.text
    versions = await GuideVersion.select().order_by(GuideVersion.number)
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["pdf"] == versions[0]["pdf"] != ""

    older = await client.get("/en/cooperation/guides/almaty/2026/versions/1")
    assert "Водосбережение, ветеринария" in older.text
    listing = await client.get("/kk/cooperation/guides/")
    assert "Руководство по сотрудничеству" in listing.text
    assert (await client.get(f"/media/cooperation/{versions[0]['pdf']}")).status_code == 200


async def test_a_coordinator_publishes_only_their_own_citys_guide(client) -> None:
    almaty = await make_organization(
        "almaty-office", city={"source": "en", "text": {"en": "Almaty"}}
    )
    coordinator = await make_user("coordinator", organization_id=almaty["id"])
    await sign_in(client, coordinator)
    refused = await post_form(
        client, "/en/manage/cooperation/guides/", {**GUIDE, "city": "tashkent"}
    )
    assert refused.status_code == 403
    assert await GuideVersion.count() == 0
    allowed = await post_form(client, "/en/manage/cooperation/guides/", GUIDE)
    assert allowed.status_code == 200 and await GuideVersion.count() == 1


async def test_the_api_lists_published_profiles_in_the_asked_language(client) -> None:
    company = await make_poster()
    demand = await make_profile(
        company, title={"ru": "Опреснение", "en": "Desalination"}, source="ru"
    )
    await make_profile(company, title={"en": "Draft"}, status="draft")

    listing = (await client.get("/api/v1/cooperation/profiles?lang=en")).json()
    assert [item["title"]["text"] for item in listing["items"]] == ["Desalination"]
    detail = (await client.get(f"/api/v1/cooperation/profiles/{demand['id']}?lang=kk")).json()
    assert detail["title"] == {"text": "Опреснение", "lang": "ru", "fallback": True}
    assert "contact_email" not in detail
    assert (await client.get("/api/v1/cooperation/profiles/999999")).status_code == 404


async def test_the_openapi_document_describes_the_board_with_valid_examples(client) -> None:
    schemas.check_examples()
    document = (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/cooperation/profiles" in document["paths"]
    assert "/api/v1/cooperation/guides" in document["paths"]
