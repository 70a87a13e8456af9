"""Applicants submit projects to an open call: drafts, submitting with a deck checked by its
content, clear errors in the applicant's language, nothing half-saved, and nothing that
changes once the call has closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.settings import get_settings
from events.roadshows.tables import Submission
from tests.events.roadshows.factories import PDF, make_roadshow, make_submission, pptx
from tests.support.factories import make_organization, make_user, post_form, sign_in

FORM = {
    "source_language": "ru",
    "title_ru": "Засухоустойчивая пшеница",
    "summary_ru": "Сорт пшеницы для засушливых степей.",
    "field": "agriculture",
    "trl": "6",
    "ip_status": "patent",
    "ip_numbers": "KZ 34567",
    "stage": "pilot",
    "sought": ["investment", "licence"],
    "amount": "2500000",
    "currency": "KZT",
    "licence_terms": "use_first_pay_later",
    "team": "Айгерим Султанова, руководитель\nБолат Ахметов, агроном",
    "action": "submit",
}


async def _applicant(client, language: str = "ru"):
    organization = await make_organization("kaznu", kind="university")
    user = await make_user("member", organization_id=organization["id"], language=language)
    await sign_in(client, user)
    return organization, user


def _deck_files() -> list[Path]:
    folder = get_settings().data_dir / "uploads" / "roadshows"
    return sorted(folder.glob("*")) if folder.exists() else []


async def test_an_applicant_submits_a_project_in_russian_with_a_pdf_deck(client) -> None:
    event, _call = await make_roadshow()
    organization, _user = await _applicant(client)

    response = await post_form(
        client,
        f"/ru/account/roadshows/{event['slug']}/apply",
        FORM,
        files={"deck": ("Наша презентация.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 200
    assert "Засухоустойчивая пшеница" in response.text
    row = await Submission.select().output(load_json=True).first()
    assert row["status"] == "submitted" and row["organization"] == organization["id"]
    assert row["team"][1] == {"name": "Болат Ахметов", "role": "агроном"}
    assert str(row["amount"]) in ("2500000.00", "2500000")
    deck = await client.get(f"/ru/account/roadshows/submissions/{row['id']}/deck")
    assert deck.content == PDF
    assert row["code"] in deck.headers["content-disposition"]


async def test_a_pptx_deck_is_accepted_and_a_fake_one_refused_in_the_applicants_language(
    client,
) -> None:
    event, _call = await make_roadshow()
    await _applicant(client)
    url = f"/ru/account/roadshows/{event['slug']}/apply"
    files_before = _deck_files()

    refused = await post_form(
        client, url, FORM, files={"deck": ("deck.pdf", b"MZ\x90\x00 not a deck", "application/pdf")}
    )
    assert refused.status_code == 400
    assert "PDF" in refused.text and "PPTX" in refused.text
    assert await Submission.count() == 0
    assert _deck_files() == files_before

    accepted = await post_form(
        client, url, FORM, files={"deck": ("deck.pptx", pptx(), "application/octet-stream")}
    )
    assert accepted.status_code == 200
    assert (await Submission.select().output(load_json=True).first())["deck_kind"] == "pptx"


async def test_every_bad_field_gets_its_own_message_and_nothing_is_saved(client) -> None:
    event, _call = await make_roadshow()
    await _applicant(client)
    files_before = _deck_files()
    bad = {
        **FORM,
        "title_ru": "",
        "field": "water",
        "trl": "12",
        "ip_numbers": "",
        "amount": "много",
        "licence_terms": "",
        "video_url": "javascript:alert(1)",
    }

    response = await post_form(
        client,
        f"/ru/account/roadshows/{event['slug']}/apply",
        bad,
        files={"deck": ("deck.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 400
    for message in (
        "Заполните это поле хотя бы на одном языке.",
        "Выберите одну из областей, которые принимает этот конкурс.",
        "Введите целое число от 1 до 9.",
        "Укажите номера патентов или заявок.",
        "Введите сумму больше нуля, например 1500000.",
        "Выберите условия лицензии, которые вы предлагаете.",
        "Введите веб-адрес, начинающийся с https://.",
    ):
        assert message in response.text
    assert await Submission.count() == 0
    assert _deck_files() == files_before


async def test_a_draft_needs_no_deck_but_submitting_does(client) -> None:
    event, _call = await make_roadshow()
    await _applicant(client, language="en")
    url = f"/en/account/roadshows/{event['slug']}/apply"

    draft = await post_form(client, url, {**FORM, "action": "draft"})
    assert draft.status_code == 200
    row = await Submission.select().output(load_json=True).first()
    assert row["status"] == "draft"

    refused = await post_form(client, f"/en/account/roadshows/submissions/{row['id']}/edit", FORM)
    assert refused.status_code == 400
    assert "Attach the pitch deck before submitting." in refused.text
    assert (await Submission.select().output(load_json=True).first())["status"] == "draft"


async def test_after_the_call_closes_nothing_changes(client) -> None:
    event, call = await make_roadshow()
    organization, _user = await _applicant(client, language="en")
    submission = await make_submission(call, organization["id"])
    await Submission.update({Submission.status: "submitted"}).where(
        Submission.id == submission["id"]
    )
    from events.roadshows.tables import RoadshowCall

    await RoadshowCall.update(
        {RoadshowCall.closes_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(RoadshowCall.id == call["id"])
    base = f"/en/account/roadshows/submissions/{submission['id']}"

    edit = await post_form(client, f"{base}/edit", {**FORM, "title_ru": "Другое"})
    withdraw = await post_form(client, f"{base}/withdraw")
    new = await post_form(client, f"/en/account/roadshows/{event['slug']}/apply", FORM)

    for response in (edit, withdraw, new):
        assert response.status_code == 400
        assert "submissions can no longer change" in response.text
    after = (
        await Submission.select()
        .output(load_json=True)
        .where(Submission.id == submission["id"])
        .first()
    )
    assert after["status"] == "submitted" and after["title"] == submission["title"]
    assert await Submission.count() == 1


async def test_an_applicant_withdraws_while_the_call_is_open(client) -> None:
    _event, call = await make_roadshow()
    organization, _user = await _applicant(client, language="en")
    submission = await make_submission(call, organization["id"])

    page = await client.get(f"/en/account/roadshows/submissions/{submission['id']}/withdraw")
    assert "This cannot be undone." in page.text
    response = await post_form(
        client, f"/en/account/roadshows/submissions/{submission['id']}/withdraw"
    )

    assert "The submission was withdrawn." in response.text
    assert (await Submission.select().output(load_json=True).first())["status"] == "withdrawn"


async def test_another_organizations_submission_is_not_found(client) -> None:
    _event, call = await make_roadshow()
    other = await make_organization("other-uni")
    submission = await make_submission(call, other["id"])
    await _applicant(client, language="en")

    for path in ("", "/edit", "/deck", "/withdraw"):
        response = await client.get(f"/en/account/roadshows/submissions/{submission['id']}{path}")
        assert response.status_code == 404
