"""Exports of an event's registrations: CSV that Excel opens with Cyrillic and Chinese intact,
XLSX with a styled header and real dates, both with every answer as a column, and logged."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from core.content import Translated
from core.tables import AuditEntry
from events.services import registrations
from events.services.registrations import Person
from events.tables import Registration, RegistrationQuestion
from tests.events.factories import make_event
from tests.support.factories import make_organization, make_user, sign_in


async def _question(event_id: int, position: int, kind: str, **labels: str) -> int:
    options: list[dict[str, Any]] = []
    if kind == "multiple":
        options = [
            {"value": "energy", "label": Translated.of("en", en="Energy", ru="Энергетика").dump()},
            {
                "value": "water",
                "label": Translated.of("en", en="Water", ru="Водные ресурсы").dump(),
            },
        ]
    question = RegistrationQuestion(
        event=event_id,
        position=position,
        kind=kind,
        label=Translated.of("en", **labels).dump(),
        options=options,
        required=False,
    )
    await question.save()
    return question.id


async def _setup(client) -> tuple[dict[str, Any], dict[str, int]]:
    admin = await make_user("admin", email="organizer@example.org")
    await sign_in(client, admin)
    almaty = await make_organization(
        "almaty", name=Translated.of("ru", ru="Акимат Алматы", en="Almaty City").dump()
    )
    event = await make_event(slug="forum-2026", capacity=1, timezone="Asia/Almaty")
    questions = {
        "topics": await _question(event["id"], 1, "multiple", en="Topics", ru="Темы", zh="主题"),
        "arrival": await _question(event["id"], 2, "date", en="Arrival", ru="Дата прибытия"),
        "note": await _question(event["id"], 3, "text", en="Note", ru="Примечание"),
    }
    await registrations.register(
        event["id"],
        [
            Person(
                name="Айгерим Нурланова",
                email="aigerim@example.org",
                language="ru",
                answers={
                    f"q{questions['topics']}": ["energy", "water"],
                    f"q{questions['arrival']}": "2026-09-14",
                    f"q{questions['note']}": "素食",
                },
            )
        ],
        organization_id=almaty["id"],
    )
    await registrations.register(
        event["id"], [Person(name="王芳", email="wang.fang@example.org", language="zh")]
    )
    # A known moment: 04:30 UTC is 09:30 in Almaty (UTC+05:00).
    await Registration.update(
        {Registration.created_at: datetime(2026, 9, 1, 4, 30, tzinfo=UTC)}
    ).where(Registration.email == "aigerim@example.org")
    return event, questions


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


async def test_csv_has_a_bom_localized_headers_answers_and_statuses(client) -> None:
    await _setup(client)
    response = await client.get("/ru/manage/events/forum-2026/registrations.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    today = datetime.now(ZoneInfo("Asia/Almaty")).date().isoformat()  # the event's own day
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="forum-2026-registrations-{today}.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = _csv_rows(response.content)
    assert header[-3:] == ["Темы", "Дата прибытия", "Примечание"]
    assert "Алматы, UTC+05:00" in header[5]
    by_name = {row[0]: row for row in rows}
    aigerim = by_name["Айгерим Нурланова"]
    assert aigerim[1] == "aigerim@example.org"
    assert aigerim[2] == "Акимат Алматы"
    assert aigerim[4] == "Русский"
    assert aigerim[5] == "2026-09-01 09:30"
    assert aigerim[-3:] == ["Энергетика; Водные ресурсы", "2026-09-14", "素食"]
    assert by_name["王芳"][2] == ""


async def test_csv_exports_only_the_filtered_list(client) -> None:
    await _setup(client)
    response = await client.get("/en/manage/events/forum-2026/registrations.csv?status=waitlisted")
    _header, *rows = _csv_rows(response.content)
    assert [row[0] for row in rows] == ["王芳"]
    assert rows[0][3] == "On the waiting list"


async def test_xlsx_opens_with_a_bold_frozen_filtered_header_and_real_dates(client) -> None:
    await _setup(client)
    response = await client.get("/en/manage/events/forum-2026/registrations.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["Name", "E-mail address"]
    assert header[-3:] == ["Topics", "Arrival", "Note"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}3"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    aigerim = rows["Айгерим Нурланова"]
    assert aigerim[3] == "Confirmed"
    assert aigerim[5] == datetime(2026, 9, 1, 9, 30)  # Almaty time, a real Excel date
    assert isinstance(aigerim[-2], datetime) and aigerim[-2].date() == date(2026, 9, 14)
    assert aigerim[-3] == "Energy; Water"
    assert sheet.cell(2, 6).number_format == "yyyy-mm-dd hh:mm"
    assert sheet.column_dimensions["A"].width >= len("Айгерим Нурланова")


async def test_every_export_is_audit_logged_with_who_and_what(client) -> None:
    await _setup(client)
    await client.get("/en/manage/events/forum-2026/registrations.csv?q=wang")
    await client.get("/zh/manage/events/forum-2026/registrations.xlsx")
    entries = (
        await AuditEntry.select(
            AuditEntry.action, AuditEntry.after, AuditEntry.actor.email.as_alias("who")
        )
        .where(AuditEntry.action == "registration.export")
        .order_by(AuditEntry.id)
    )
    assert len(entries) == 2
    first, second = (_loaded(entry["after"]) for entry in entries)
    assert entries[0]["who"] == "organizer@example.org"
    assert first == {"format": "csv", "filters": {"q": "wang"}, "rows": 1, "language": "en"}
    assert second["format"] == "xlsx" and second["rows"] == 2


async def test_fao_staff_may_not_export(client) -> None:
    await make_event(slug="forum-2026")
    await sign_in(client, await make_user("fao"))
    assert (await client.get("/en/manage/events/forum-2026/registrations.xlsx")).status_code == 403
    assert await AuditEntry.count().where(AuditEntry.action == "registration.export") == 0
