"""The foreign-affairs office's boards: all delegations, arrivals and departures by day and
place, hotels and rooms, interpreters, dietary needs and the order of precedence; each page
prints from the same markup and each exports to XLSX."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from core.tables import AuditEntry
from events.delegations.services import arrivals, boards, needs, records, workflow
from events.delegations.tables import Delegate
from tests.events.delegations.factories import (
    city,
    conference,
    delegation_with,
    member,
    office,
    submitted,
)
from tests.support.factories import make_user, post_form, sign_in


def _sheet(content: bytes, index: int = 0) -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for row in book.worksheets[index].iter_rows(values_only=True)]


async def _three_cities(event):
    """Almaty (submitted, 2 people by flight), Tashkent (submitted, 1 by train), Bishkek (a
    draft the boards leave out)."""
    almaty = await city("almaty")
    tashkent = await city("tashkent", "UZ")
    bishkek = await city("bishkek", "KG")
    zone = ZoneInfo(event["timezone"])
    day_before = (event["starts_at"] - timedelta(days=1)).astimezone(zone)
    await submitted(
        event,
        almaty,
        member(event, is_head="yes"),
        member(event, name_native="Ерлан Нұрланұлы", name_zh="", diet="", allergies="арахис"),
    )
    train = day_before.replace(hour=8, minute=5).strftime("%Y-%m-%dT%H:%M")
    await submitted(
        event,
        tashkent,
        member(
            event,
            is_head="yes",
            name_native="Шерзод Тошматов",
            name_latin="TOSHMATOV SHERZOD",
            name_zh="",
            nationality="UZ",
            interpreter_language="uz",
            languages=["uz", "ru"],
            diet="vegetarian",
            arrival_at=train,
            arrival_transport="train",
            arrival_number="D8802",
            arrival_place="Urumqi Railway Station",
        ),
    )
    await delegation_with(event, bishkek, member(event, name_native="Азамат Бакиров"))
    return almaty, tashkent, bishkek


async def test_arrivals_board_groups_people_by_day_place_and_flight(client) -> None:
    event = await conference()
    await _three_cities(event)
    fao = await office()
    await sign_in(client, fao["user"])
    page = await client.get(f"/en/manage/delegations/arrivals?event={event['slug']}")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    assert "Айгүл Серікқызы Қасымова" in page.text and "Ерлан Нұрланұлы" in page.text
    assert "Шерзод Тошматов" in page.text
    assert "Азамат Бакиров" not in page.text  # a draft is not planned with
    assert "Urumqi Railway Station" in page.text and "KC853" in page.text
    assert 'class="page-actions no-print"' in page.text  # the print view hides the controls

    rows = await boards.board_members(event["id"])
    days, unknown = arrivals.arrivals(rows, event["timezone"])
    assert unknown == []
    [day] = days
    assert [place.place for place in day.places] == [
        "Urumqi Railway Station",
        "Urumqi Tianshan International Airport (URC)",
    ]
    flight = day.places[1].groups
    assert len(flight) == 1 and len(flight[0].members) == 2  # one pickup for both

    export = await client.get(f"/en/manage/delegations/arrivals.xlsx?event={event['slug']}")
    assert export.status_code == 200 and "no-store" in export.headers["cache-control"]
    sheet = _sheet(export.content)
    assert sheet[0][0].startswith("Time (")
    assert [row[3] for row in sheet[1:]] == ["D8802", "KC853", "KC853"]
    assert len(_sheet(export.content, 1)) == 4  # departures, with the header


async def test_rooms_are_assigned_and_the_rooming_list_shows_them(client) -> None:
    event = await conference()
    await _three_cities(event)
    fao = await office()
    [almaty] = [d for d in await boards.overview_rows(
        boards.Filters(), "-updated") if d["organization_slug"] == "almaty"]  # fmt: skip
    people = await records.members(almaty["id"])
    await sign_in(client, fao["user"])
    response = await post_form(
        client,
        f"/en/manage/delegations/{almaty['id']}/rooms",
        {
            "hotel_all": "Hoi Tak Hotel",
            f"room-{people[0]['id']}": "1201",
            f"room-{people[1]['id']}": "1202",
        },
    )
    assert response.status_code == 200
    page = await client.get(f"/en/manage/delegations/rooming?event={event['slug']}")
    assert "Hoi Tak Hotel" in page.text and "1201" in page.text and "1202" in page.text
    assert "Without a hotel" in page.text and "Шерзод Тошматов" in page.text
    rows = _sheet(
        (await client.get(f"/en/manage/delegations/rooming.xlsx?event={event['slug']}")).content
    )
    assert [row[:2] for row in rows[1:]] == [
        ["Hoi Tak Hotel", "1201"],
        ["Hoi Tak Hotel", "1202"],
        [None, None],
    ]
    # A room without a hotel is refused, with nothing saved.
    response = await post_form(
        client, f"/en/manage/delegations/{almaty['id']}/rooms", {f"room-{people[0]['id']}": "7"}
    )
    assert response.status_code == 400 and "Enter the hotel of this room." in response.text


async def test_interpreter_needs_count_each_language_per_day_of_presence(client) -> None:
    event = await conference()
    await _three_cities(event)
    rows = await boards.board_members(event["id"])
    found = needs.interpreting(rows, event)
    assert found.languages == ["ru", "uz"]
    # Arriving the day before and leaving the day after: three days each.
    assert len(found.days) == 3
    assert [found.counts.get(("ru", day), 0) for day in found.days] == [2, 2, 2]
    fao = await office()
    await sign_in(client, fao["user"])
    export = await client.get(f"/en/manage/delegations/interpreters.xlsx?event={event['slug']}")
    matrix = _sheet(export.content)
    assert matrix[1][1:] == [2, 2, 2] and matrix[2][1:] == [1, 1, 1]


async def test_dietary_summary_counts_meals_and_lists_allergies(client) -> None:
    event = await conference()
    await _three_cities(event)
    fao = await office()
    await sign_in(client, fao["user"])
    page = await client.get(f"/en/manage/delegations/dietary?event={event['slug']}")
    assert "арахис" in page.text
    summary = _sheet(
        (await client.get(f"/en/manage/delegations/dietary.xlsx?event={event['slug']}")).content
    )
    assert summary[1:] == [["No special diet", 1], ["Halal", 1], ["Vegetarian", 1], ["Vegan", 0]]


async def test_order_of_precedence_follows_the_heads_rank(client) -> None:
    event = await conference()
    await _three_cities(event)
    fao = await office()
    [tashkent] = [
        d
        for d in await boards.overview_rows(boards.Filters(), "-updated")
        if d["organization_slug"] == "tashkent"
    ]
    await workflow.set_rank(fao["viewer"], tashkent, "head_of_city")
    await sign_in(client, fao["user"])
    page = await client.get(f"/en/manage/delegations/protocol?event={event['slug']}")
    assert page.text.index("Шерзод Тошматов") < page.text.index("Айгүл Серікқызы Қасымова")
    rows = _sheet(
        (await client.get(f"/en/manage/delegations/protocol.xlsx?event={event['slug']}")).content
    )
    assert [row[2] for row in rows[1:]] == ["Шерзод Тошматов", "Айгүл Серікқызы Қасымова"]


async def test_all_delegations_list_with_state_and_counts_and_its_export(client) -> None:
    event = await conference()
    await _three_cities(event)
    fao = await office()
    await sign_in(client, fao["user"])
    page = await client.get(f"/en/manage/delegations/?event={event['slug']}")
    assert page.status_code == 200
    for name in ("Akimat of Almaty", "Tashkent City Khokimiyat", "Bishkek City Hall"):
        assert name in page.text
    assert "Submitted for review: 2" in page.text and "Draft: 1" in page.text
    rows = _sheet((await client.get("/en/manage/delegations/delegations.xlsx")).content)
    statuses = sorted(row[2] for row in rows[1:])
    assert statuses == ["Draft", "Submitted for review", "Submitted for review"]


async def test_members_export_holds_passports_in_clear_for_the_office_only(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    await submitted(event, almaty, member(event, is_head="yes", passport_number="N8080808"))
    fao = await office()
    await sign_in(client, fao["user"])
    export = await client.get(f"/en/manage/delegations/members.xlsx?event={event['slug']}")
    assert "no-store" in export.headers["cache-control"]
    cells = json.dumps(_sheet(export.content), default=str, ensure_ascii=False)
    assert "N8080808" in cells and "1985-03-14" in cells
    audit = await AuditEntry.select().where(AuditEntry.action == "event.passport_view")
    assert len(audit) == 1 and "N8080808" not in json.dumps(audit, default=str)

    client.cookies.clear()
    await sign_in(client, await make_user("admin"))
    export = await client.get(f"/en/manage/delegations/members.xlsx?event={event['slug']}")
    cells = json.dumps(_sheet(export.content), default=str, ensure_ascii=False)
    assert "N8080808" not in cells and "080808" not in cells.replace("•••••808", "")

    client.cookies.clear()
    await sign_in(client, almaty["user"])
    [row] = await Delegate.select(Delegate.delegation)
    mine = await client.get(f"/en/account/delegations/{row['delegation']}/members.xlsx")
    cells = json.dumps(_sheet(mine.content), default=str, ensure_ascii=False)
    assert "N8080808" not in cells and "•••••808" in cells


async def test_office_sets_the_freeze_date_for_coordinators(client) -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty)
    fao = await office()
    await sign_in(client, fao["user"])
    past = (event["starts_at"] - timedelta(days=40)).astimezone(ZoneInfo(event["timezone"]))
    response = await post_form(
        client,
        "/en/manage/delegations/freeze",
        {"event": event["slug"], "freeze_at": past.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 200
    client.cookies.clear()
    await sign_in(client, almaty["user"])
    page = await client.get(f"/en/account/delegations/{delegation['id']}/")
    assert "was frozen on" in page.text
    response = await post_form(
        client, f"/en/account/delegations/{delegation['id']}/members/new", member(event)
    )
    assert response.status_code == 400 and await Delegate.count() == 0
