"""Importing members from the XLSX template: a per-row report, all or nothing, and headings
and choices understood in any of the site's languages."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from core import i18n
from events.delegations.services import member_import, members, records, vocabulary
from events.delegations.tables import Delegate
from tests.events.delegations.factories import city, conference, delegation_with
from tests.support.factories import csrf_token, sign_in

PEOPLE = [
    ("Айгүл Қасымова", "KASSYMOVA AIGUL", "艾古丽", "Женский", "KZ", "N1000001", "Да"),
    ("Ерлан Нұрланұлы", "NURLANULY ERLAN", "", "Мужской", "Казахстан", "N1000002", "Да"),
    ("Дана Серікова", "SERIKOVA DANA", "", "Женский", "kz", "N1000003", "Нет"),
    ("Тимур Ахметов", "AKHMETOV TIMUR", "", "Мужской", "KZ", "N1000004", "Да"),
    ("Асель Жумабаева", "ZHUMABAYEVA ASSEL", "阿塞丽", "Женский", "KZ", "N1000005", "Нет"),
]


async def _template(client, delegation, lang: str = "ru") -> bytes:
    response = await client.get(f"/{lang}/account/delegations/{delegation['id']}/template.xlsx")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return response.content


def _filled(template: bytes, event, *, bad_row: int | None = None) -> bytes:
    """The template with the five people in it; `bad_row` (0-based) departs before arriving."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    zone = ZoneInfo(event["timezone"])
    arrival = (event["starts_at"] - timedelta(days=1)).astimezone(zone).replace(tzinfo=None)
    departure = (event["ends_at"] + timedelta(days=1)).astimezone(zone).replace(tzinfo=None)
    expires = (event["ends_at"] + timedelta(days=900)).date()
    for index, (native, latin, zh, gender, country, passport, letter) in enumerate(PEOPLE):
        values = {
            "name_native": native,
            "name_latin": latin,
            "name_zh": zh,
            "gender": gender,
            "date_of_birth": datetime(1980 + index, 5, 17),
            "nationality": country,
            "passport_number": passport,
            "passport_expires": expires.strftime("%d.%m.%Y"),
            "job_title": "Специалист",
            "organization_name": "Акимат города Алматы",
            "languages": "Русский, казахский",
            "interpreter_language": "русский",
            "diet": "Халяль" if index % 2 else "",
            "arrival_at": arrival if index != bad_row else departure,
            "arrival_transport": "Самолёт",
            "arrival_number": "KC853",
            "arrival_place": "Аэропорт Урумчи",
            "departure_at": departure if index != bad_row else arrival,
            "departure_transport": "Поезд",
            "departure_number": "D8802",
            "departure_place": "Вокзал Урумчи",
            "needs_letter": letter,
            "is_head": "Да" if index == 0 else "",
        }
        labels = vocabulary.field_labels()
        row = index + 2
        for name, value in values.items():
            column = headings.index(_in_russian(labels, name)) + 1
            sheet.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _in_russian(_labels, name: str) -> str:
    with i18n.language("ru"):
        return vocabulary.field_labels()[name]


async def _upload(client, delegation, content: bytes, lang: str = "en"):
    return await client.post(
        f"/{lang}/account/delegations/{delegation['id']}/import",
        files={"file": ("members.xlsx", content, "application/octet-stream")},
        data={"_csrf_token": await csrf_token(client)},
    )


async def test_a_file_with_one_bad_row_imports_nothing_and_says_which_row(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    await sign_in(client, almaty["user"])
    template = await _template(client, delegation)
    response = await _upload(client, delegation, _filled(template, event, bad_row=3))
    assert response.status_code == 400
    assert "no-store" in response.headers["cache-control"]
    assert "Nothing was imported" in response.text
    assert '<th scope="row" rowspan="1">5</th>' in response.text  # spreadsheet row 5
    assert "The departure must come after the arrival." in response.text
    assert await Delegate.count() == 0

    response = await _upload(client, delegation, _filled(template, event))
    assert response.status_code == 200
    assert "Imported: 5 added, 0 updated." in response.text
    rows = await records.members(delegation["id"])
    assert len(rows) == 5
    head = rows[0]
    assert head["is_head"] and head["name_native"] == "Айгүл Қасымова"
    assert head["gender"] == "f" and head["nationality"] == "KZ"
    assert head["languages"] == "ru,kk" and head["interpreter_language"] == "ru"
    assert head["arrival_transport"] == "flight" and head["departure_transport"] == "train"
    assert head["needs_letter"] and not rows[2]["needs_letter"]
    assert rows[1]["diet"] == "halal" and rows[1]["nationality"] == "KZ"
    # The arrival typed as 14:35 on the event's clock is stored as that moment.
    assert head["arrival_at"].astimezone(ZoneInfo(event["timezone"])).date() == (
        (event["starts_at"] - timedelta(days=1)).astimezone(ZoneInfo(event["timezone"])).date()
    )

    # The same file again updates the same members (matched by passport), adds nobody.
    response = await _upload(client, delegation, _filled(template, event))
    assert "Imported: 0 added, 5 updated." in response.text
    assert await Delegate.count() == 5


async def test_headings_in_another_language_are_understood(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    await sign_in(client, almaty["user"])
    template = await _template(client, delegation, "ru")
    response = await _upload(client, delegation, _filled(template, event), lang="zh")
    assert response.status_code == 200
    assert await Delegate.count() == 5


async def test_the_same_passport_twice_in_the_file_is_refused(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    await sign_in(client, almaty["user"])
    content = _filled(await _template(client, delegation), event)
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index(_in_russian(None, "passport_number")) + 1
    sheet.cell(row=6, column=column, value="N 1000001")
    buffer = io.BytesIO()
    book.save(buffer)
    response = await _upload(client, delegation, buffer.getvalue())
    assert response.status_code == 400
    assert "The same passport number is on row 2." in response.text
    assert await Delegate.count() == 0


async def test_a_passport_of_another_delegation_at_the_event_is_refused(client) -> None:
    event = await conference()
    almaty, bishkek = await city("almaty"), await city("bishkek", "KG")
    theirs = await delegation_with(event, bishkek)
    await members.save_member(
        bishkek["viewer"],
        theirs,
        {"name_native": "Азамат", "passport_number": "N1000004"},
    )
    delegation = await delegation_with(event, almaty)
    await sign_in(client, almaty["user"])
    response = await _upload(
        client, delegation, _filled(await _template(client, delegation), event)
    )
    assert response.status_code == 400
    assert "already listed for this event" in response.text
    assert await Delegate.count().where(Delegate.delegation == delegation["id"]) == 0


async def test_a_file_that_is_no_spreadsheet_is_refused_plainly(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    await sign_in(client, almaty["user"])
    response = await _upload(client, delegation, b"name,passport\nA,N1")
    assert response.status_code == 400
    assert "This is not an XLSX file. Use the template." in response.text


async def test_the_template_has_choices_and_instructions() -> None:

    event = await conference()
    with i18n.language("en"):
        book = load_workbook(io.BytesIO(member_import.template_xlsx(event)))
    members, notes = book.worksheets
    with i18n.language("en"):
        assert members["A1"].value == vocabulary.field_labels()["name_native"]
    assert members.data_validations.dataValidation  # drop-down lists
    assert any("time zone" in str(row[0].value) for row in notes.iter_rows())
