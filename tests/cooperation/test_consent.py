"""The consent rule: no contact detail of either side reaches anyone before both consented —
not on pages, not through the API, not in exports, not in mail. After the poster accepts,
both sides (and only they, with the bureau) see both contacts."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from core.tables import OutboxMessage
from tests.cooperation.factories import make_poster, make_profile
from tests.support.factories import make_user, post_form, sign_in

REQUESTER_CONTACT = {
    "contact_name": "Ерлан Жақсыбеков",
    "contact_email": "erlan@steppe-agro.example.kz",
    "contact_phone": "+7 777 123 4567",
}


def secrets_of(profile: dict) -> list[str]:
    return [profile["contact_name"], profile["contact_email"], profile["contact_phone"]]


async def _logout(client) -> None:
    await client.post("/en/account/logout", data={"_csrf_token": client.cookies["hongshan_csrf"]})


async def _world(client) -> dict:
    institute = await make_poster("institute", country="CN", city_en="Urumqi", language="zh")
    offer = await make_profile(
        institute, "offer", title={"zh": "棉田膜下滴灌节水技术"}, city="urumqi", country="CN"
    )
    company = await make_poster(language="kk")
    await sign_in(client, company)
    sent = await post_form(
        client,
        f"/kk/cooperation/{offer['id']}/interest/",
        {**REQUESTER_CONTACT, "message": "Бізге қызықты.", "consent": "on"},
    )
    assert sent.status_code == 200
    request_url = str(sent.url).split("?")[0].removeprefix("http://testserver.local")
    return {"institute": institute, "offer": offer, "company": company, "url": request_url}


def assert_hidden(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text, secret


async def test_nothing_is_shared_before_the_poster_accepts(client) -> None:
    world = await _world(client)
    offer_secrets = secrets_of(world["offer"])
    mine = list(REQUESTER_CONTACT.values())

    # the requester: the offer's page, the request's page
    for url in (f"/kk/cooperation/{world['offer']['id']}/", world["url"]):
        page = await client.get(url)
        assert page.status_code == 200
        assert_hidden(page.text, offer_secrets)
    # the poster: the request's page does not show the requester's contacts yet
    await _logout(client)
    await sign_in(client, world["institute"])
    page = await client.get(world["url"].replace("/kk/", "/zh/"))
    assert "Бізге қызықты." in page.text
    assert_hidden(page.text, mine)
    # the public and the API
    await _logout(client)
    for url in (
        f"/en/cooperation/{world['offer']['id']}/",
        "/en/cooperation/",
        "/zh/cooperation.atom",
        "/api/v1/cooperation/profiles",
        f"/api/v1/cooperation/profiles/{world['offer']['id']}",
    ):
        assert_hidden((await client.get(url)).text, offer_secrets + mine)
    # the mail to the poster
    [mail] = await OutboxMessage.select().where(OutboxMessage.template == "cooperation_interest")
    assert_hidden(json.dumps(mail["context"], ensure_ascii=False), mine)


async def test_the_bureau_export_leaves_contacts_out_until_both_consented(client) -> None:
    world = await _world(client)
    await _logout(client)
    await sign_in(client, await make_user("admin"))

    export = await client.get("/en/manage/cooperation/requests/export.csv")
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert "Organization" in text
    assert_hidden(text, secrets_of(world["offer"]) + list(REQUESTER_CONTACT.values()))
    overview = await client.get("/en/manage/cooperation/requests/")
    assert_hidden(overview.text, secrets_of(world["offer"]) + list(REQUESTER_CONTACT.values()))


async def test_after_acceptance_both_sides_see_both_contacts_and_no_one_else_does(
    client,
) -> None:
    world = await _world(client)
    both = secrets_of(world["offer"]) + list(REQUESTER_CONTACT.values())
    await _logout(client)
    await sign_in(client, world["institute"])
    accepted = await post_form(client, world["url"].replace("/kk/", "/zh/") + "/accept")
    assert accepted.status_code == 200
    for secret in both:
        assert secret in accepted.text

    await _logout(client)
    await sign_in(client, world["company"])
    for secret in both:
        assert secret in (await client.get(world["url"])).text

    # a third organization, and the public API, still see nothing
    await _logout(client)
    await sign_in(client, await make_poster())
    assert (await client.get(world["url"])).status_code == 404
    assert_hidden((await client.get(f"/en/cooperation/{world['offer']['id']}/")).text, both)
    assert_hidden(
        (await client.get(f"/api/v1/cooperation/profiles/{world['offer']['id']}")).text, both
    )

    # the answer mail says where to look, without the contacts themselves
    [mail] = await OutboxMessage.select().where(OutboxMessage.template == "cooperation_answer")
    assert_hidden(json.dumps(mail["context"], ensure_ascii=False), secrets_of(world["offer"]))

    # and the bureau's export now has them
    await _logout(client)
    await sign_in(client, await make_user("admin"))
    export = await client.get("/en/manage/cooperation/requests/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert world["offer"]["contact_email"] in cells
    assert REQUESTER_CONTACT["contact_email"] in cells


async def test_a_declined_request_shares_nothing(client) -> None:
    world = await _world(client)
    await _logout(client)
    await sign_in(client, world["institute"])
    declined = await post_form(client, world["url"].replace("/kk/", "/zh/") + "/decline")
    assert_hidden(declined.text, list(REQUESTER_CONTACT.values()))
    await _logout(client)
    await sign_in(client, world["company"])
    assert_hidden((await client.get(world["url"])).text, secrets_of(world["offer"]))


async def test_interest_without_consent_is_refused_and_nothing_is_sent(client) -> None:
    institute = await make_poster("institute", country="CN", city_en="Urumqi")
    offer = await make_profile(institute, "offer", title={"zh": "滴灌"})
    await sign_in(client, await make_poster())
    refused = await post_form(client, f"/en/cooperation/{offer['id']}/interest/", REQUESTER_CONTACT)
    assert refused.status_code == 400
    assert await OutboxMessage.count() == 0


async def test_the_requester_cannot_accept_their_own_request(client) -> None:
    world = await _world(client)
    answer = await post_form(client, world["url"] + "/accept", follow_redirects=False)
    assert answer.status_code == 404
    page = await client.get(world["url"])
    assert_hidden(page.text, secrets_of(world["offer"]))
