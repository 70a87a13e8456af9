"""Choosing recipients: partner organizations through their coordinators, and pasted or
uploaded lists (CSV, XLSX) read whatever their layout, with a report of every bad row and
nothing saved while any row is wrong."""

from __future__ import annotations

import io

from openpyxl import Workbook

from core.content import json_value
from events.invitations.services import lists
from events.invitations.tables import Invitation, InvitationCampaign
from tests.events.factories import make_event
from tests.events.invitations.factories import draft, organizer
from tests.support.factories import make_organization, make_user


async def test_a_pasted_list_with_bad_rows_is_refused_with_a_report_and_nothing_is_saved(
    client,
) -> None:
    await organizer(client)
    event = await make_event()
    pasted = "\n".join(
        [
            "Aigerim Nurlanovna, aigerim@example.kz, kk",
            "Bad Address, not-an-address, ru",
            "No Language, nolang@example.kz",
            "Odd Language, odd@example.kz, fr",
            "Aigerim Again; AIGERIM@example.kz; ru",
            ", nameless@example.kz, en",
        ]
    )

    response = await draft(client, event, {"people": pasted})

    assert response.status_code == 400
    page = response.text
    assert "Rows with problems" in page
    assert "“not-an-address” is not a valid e-mail address." in page
    assert "No language: write zh, ru, kk or en." in page
    assert "Unknown language “fr”: write zh, ru, kk or en." in page
    assert "This address is listed twice (also in Pasted list, line 1)." in page
    assert "No name." in page
    assert "5 rows of the lists have problems" in page
    # What was typed stays in the form.
    assert "Aigerim Nurlanovna, aigerim@example.kz, kk" in page
    assert await InvitationCampaign.count() == 0
    assert await Invitation.count() == 0


async def test_an_uploaded_csv_or_xlsx_is_read_by_its_header_and_checked_row_by_row(
    client,
) -> None:
    await organizer(client)
    event = await make_event()
    book = Workbook()
    sheet = book.active
    sheet.append(["E-mail", "Language", "Name"])
    sheet.append(["dana@example.kz", "Қазақша", "Dana Kasymova"])
    sheet.append(["wang@example.cn", "中文", "王芳"])
    sheet.append([None, None, None])
    sheet.append(["ivan@example.ru", "Русский", "Ivan Petrov"])
    buffer = io.BytesIO()
    book.save(buffer)

    response = await draft(
        client,
        event,
        {},
        files={"people_file": ("guests.xlsx", buffer.getvalue(), "application/octet-stream")},
    )

    assert response.status_code == 200, response.text[:500]
    [campaign] = await InvitationCampaign.select()
    people = {row["email"]: row for row in json_value(campaign["recipients"], [])}
    assert {email: row["language"] for email, row in people.items()} == {
        "dana@example.kz": "kk",
        "wang@example.cn": "zh",
        "ivan@example.ru": "ru",
    }
    assert people["wang@example.cn"]["name"] == "王芳"

    csv_text = "Имя;Почта;Язык\nОльга Смирнова;olga@example.ru;ru\nБез почты;;ru\n"
    response = await draft(
        client,
        event,
        {},
        files={"people_file": ("список.csv", ("\ufeff" + csv_text).encode(), "text/csv")},
    )
    assert response.status_code == 400
    assert "File список.csv" in response.text and "No e-mail address." in response.text
    assert await InvitationCampaign.count() == 1  # the refused list added nothing


def test_lists_are_read_whatever_the_separator_and_order_of_columns() -> None:
    rows = lists.pasted_rows(
        "Name\tE-mail\tLanguage\n"
        "Li Na\tli.na@example.cn\tzh\n"
        "sara@example.org, Sara Ali, English\n"
        "Tomiris Bek tomiris@example.kz kk\n"
    )
    people, problems = lists.check_lists([rows])

    assert problems == []
    assert [(p.name, p.email, p.language) for p in people] == [
        ("Li Na", "li.na@example.cn", "zh"),
        ("Sara Ali", "sara@example.org", "en"),
        ("Tomiris Bek", "tomiris@example.kz", "kk"),
    ]


async def test_an_unreadable_file_is_refused_with_a_reason(client) -> None:
    await organizer(client)
    event = await make_event()

    response = await draft(
        client,
        event,
        {"people": "Li Na, li.na@example.cn, zh"},
        files={"people_file": ("list.csv", "Имя;почта".encode("cp1251"), "text/csv")},
    )

    assert response.status_code == 400
    assert "This file is not UTF-8 text" in response.text
    assert await InvitationCampaign.count() == 0


async def test_organizations_are_invited_through_their_coordinators(client) -> None:
    await organizer(client)
    event = await make_event()
    almaty = await make_organization("almaty")
    tashkent = await make_organization("tashkent")
    empty = await make_organization("bishkek")
    await make_user(
        "coordinator", email="aigul@almaty.example", organization_id=almaty["id"], language="ru"
    )
    await make_user(
        "coordinator", email="dana@almaty.example", organization_id=almaty["id"], language="kk"
    )
    await make_user(
        "coordinator", email="bobur@tashkent.example", organization_id=tashkent["id"], language="en"
    )
    await make_user(
        "member", email="not-a-coordinator@almaty.example", organization_id=almaty["id"]
    )

    refused = await draft(client, event, {"organizations": ["almaty", "bishkek"]})
    assert refused.status_code == 400
    assert "No coordinator account acts for Organization" in refused.text
    assert empty["slug"] == "bishkek"

    response = await draft(client, event, {"organizations": ["almaty", "tashkent"]})

    assert response.status_code == 200, response.text[:500]
    [campaign] = await InvitationCampaign.select()
    people = json_value(campaign["recipients"], [])
    assert sorted((p["email"], p["language"], p["kind"]) for p in people) == [
        ("aigul@almaty.example", "ru", "organization"),
        ("bobur@tashkent.example", "en", "organization"),
        ("dana@almaty.example", "kk", "organization"),
    ]
    assert "3 people will be invited." in response.text
