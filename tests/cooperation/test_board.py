"""The board as people use it: posting a demand, the bureau's moderation (publish, return
with a reason mailed in the poster's language, archive on deadline), the public list with
filters and its Atom feed, and offers' files checked by content."""

from __future__ import annotations

import email
from datetime import date
from email import policy

from cooperation.services import moderation
from cooperation.tables import Profile
from core.tables import OutboxMessage
from tests.cooperation.factories import PDF, PNG, make_poster, make_profile
from tests.support.factories import make_user, post_form, sign_in

DEMAND_FORM = {
    "kind": "demand",
    "source_language": "kk",
    "title_kk": "Мақта алқаптарына арналған тамшылатып суару жүйелері",
    "description_kk": "Құрғақшылық жағдайында суды үнемдейтін технология керек.",
    "field": "water",
    "city": "almaty",
    "budget_min": "1000000",
    "budget_max": "5000000",
    "currency": "KZT",
    "deadline": "2031-06-30",
    "contact_name": "Айгерім Сейітова",
    "contact_email": "aigerim@agro.example.kz",
    "contact_phone": "+7 701 555 1234",
    "action": "submit",
}


async def test_a_company_submits_a_demand_and_the_bureau_publishes_it(client) -> None:
    company = await make_poster(language="kk")
    await sign_in(client, company)
    posted = await post_form(client, "/kk/account/cooperation/new", DEMAND_FORM)
    assert posted.status_code == 200
    assert "Мақта алқаптарына" in posted.text
    [row] = await Profile.select().where(Profile.kind == "demand")
    assert row["status"] == "submitted"
    assert row["country"] == "KZ"

    board = await client.get("/en/cooperation/")
    assert "Мақта алқаптарына" not in board.text

    admin = await make_user("admin")
    await client.post("/en/account/logout", data={"_csrf_token": client.cookies["hongshan_csrf"]})
    await sign_in(client, admin)
    queue = await client.get("/en/manage/cooperation/")
    assert "Мақта алқаптарына" in queue.text
    published = await post_form(client, f"/en/manage/cooperation/{row['id']}/publish")
    assert published.status_code == 200

    board = await client.get("/ru/cooperation/")
    assert "Мақта алқаптарына" in board.text


async def test_a_form_with_mistakes_is_refused_in_the_readers_language_and_saves_nothing(
    client,
) -> None:
    company = await make_poster(language="ru")
    await sign_in(client, company)
    form = {**DEMAND_FORM, "title_kk": "", "budget_min": "9", "budget_max": "1", "city": "paris"}
    response = await post_form(client, "/ru/account/cooperation/new", form)
    assert response.status_code == 400
    assert "Выберите город." in response.text
    assert await Profile.count() == 0


async def test_the_bureau_returns_a_profile_and_the_poster_is_mailed_in_their_language(
    client,
) -> None:
    company = await make_poster(language="ru")
    demand = await make_profile(company, title={"ru": "Опреснение воды"}, status="submitted")
    admin = await make_user("admin")
    await sign_in(client, admin)

    refused = await post_form(
        client, f"/en/manage/cooperation/{demand['id']}/return", {"reason": ""}
    )
    assert refused.status_code == 400
    returned = await post_form(
        client,
        f"/en/manage/cooperation/{demand['id']}/return",
        {"reason": "Укажите объём воды в сутки."},
    )
    assert returned.status_code == 200

    row = await Profile.select().where(Profile.id == demand["id"]).first()
    assert row["status"] == "returned"
    [mail] = await OutboxMessage.select().where(OutboxMessage.template == "cooperation_returned")
    assert mail["recipient"] == company["email"]
    assert mail["language"] == "ru"
    await client.post("/en/account/logout", data={"_csrf_token": client.cookies["hongshan_csrf"]})
    await sign_in(client, company)
    mine = await client.get("/ru/account/cooperation/")
    assert "Укажите объём воды в сутки." in mine.text


async def test_the_returned_mail_reads_in_the_posters_language(run_jobs, mail_dir) -> None:
    company = await make_poster(language="ru")
    demand = await make_profile(company, title={"ru": "Опреснение воды"}, status="submitted")
    admin = await make_user("admin")
    from core.access import Viewer

    await moderation.return_to_poster(
        Viewer(id=admin["id"], role="admin"), demand["id"], "Нужны цифры."
    )
    await run_jobs()

    [sent] = list(mail_dir.glob("cooperation-returned*.eml"))
    message = email.message_from_bytes(sent.read_bytes(), policy=policy.default)
    assert (
        message["Subject"]
        == "Пожалуйста, доработайте вашу запись на доске сотрудничества: Опреснение воды"
    )
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Нужны цифры." in body
    assert "Управление вернуло вам «Опреснение воды» до публикации" in body


async def test_profiles_past_their_deadline_are_archived() -> None:
    company = await make_poster()
    late = await make_profile(company, deadline=date(2026, 3, 1))
    open_ = await make_profile(company, deadline=date(2026, 5, 1))

    assert await moderation.archive_expired(date(2026, 4, 1)) == 1
    statuses = {r["id"]: r["status"] for r in await Profile.select(Profile.id, Profile.status)}
    assert statuses == {late["id"]: "archived", open_["id"]: "published"}


async def test_the_board_filters_by_kind_country_readiness_and_licensing(client) -> None:
    company = await make_poster()
    institute = await make_poster("institute", country="CN", city_en="Urumqi")
    await make_profile(company, title={"en": "Need solar pumps"})
    await make_profile(
        institute,
        "offer",
        title={"en": "Ready seed bank"},
        trl=8,
        country="CN",
        city="urumqi",
        licensing=["use_first_pay_later"],
        licensing_keys="|use_first_pay_later|",
    )
    await make_profile(institute, "offer", title={"en": "Early sensor"}, trl=3, country="CN")

    offers = await client.get("/en/cooperation/?kind=offer&trl=5")
    assert "Ready seed bank" in offers.text
    assert "Early sensor" not in offers.text
    assert "Need solar pumps" not in offers.text
    later = await client.get("/en/cooperation/?licensing=use_first_pay_later")
    assert "Ready seed bank" in later.text and "Early sensor" not in later.text
    kazakh = await client.get("/en/cooperation/?country=KZ")
    assert "Need solar pumps" in kazakh.text and "Ready seed bank" not in kazakh.text
    nonsense = await client.get("/en/cooperation/?kind=x&trl=99&country=ZZ")
    assert nonsense.status_code == 200 and "Ready seed bank" in nonsense.text


async def test_the_atom_feed_lists_published_profiles_in_the_readers_language(client) -> None:
    company = await make_poster()
    await make_profile(company, title={"ru": "Опреснение", "zh": "海水淡化"}, source="ru")
    await make_profile(company, title={"en": "Hidden draft"}, status="draft")

    feed = await client.get("/zh/cooperation.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "海水淡化" in feed.text
    assert "Hidden draft" not in feed.text


async def test_an_offer_takes_a_picture_and_a_pdf_but_refuses_a_disguised_file(client) -> None:
    institute = await make_poster("institute", country="CN", city_en="Urumqi", language="zh")
    await sign_in(client, institute)
    form = {
        "kind": "offer",
        "source_language": "zh",
        "title_zh": "棉田膜下滴灌节水技术",
        "description_zh": "节水40%。",
        "field": "water",
        "city": "urumqi",
        "trl": "8",
        "licensing": "use_first_pay_later",
        "contact_name": "王老师",
        "contact_email": "wang@xjau.example.cn",
        "action": "submit",
    }
    token = client.cookies["hongshan_csrf"]
    refused = await client.post(
        "/zh/account/cooperation/new",
        data={**form, "_csrf_token": token},
        files={"brochure": ("brochure.pdf", b"MZ\x90\x00not a pdf", "application/pdf")},
    )
    assert refused.status_code == 400
    assert await Profile.count() == 0

    saved = await client.post(
        "/zh/account/cooperation/new",
        data={**form, "_csrf_token": token},
        files=[
            ("images", ("field.png", PNG, "image/png")),
            ("brochure", ("b.pdf", PDF, "application/pdf")),
        ],
    )
    assert saved.status_code == 200
    row = await Profile.select().output(load_json=True).first()
    assert len(row["images"]) == 1 and row["brochure"].endswith(".pdf")
    # Not published yet: only the poster's organization gets the files.
    assert (await client.get(f"/media/cooperation/{row['brochure']}")).status_code == 200
    await client.post("/en/account/logout", data={"_csrf_token": token})
    assert (await client.get(f"/media/cooperation/{row['brochure']}")).status_code == 404
