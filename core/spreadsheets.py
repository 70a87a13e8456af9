"""Tables as files people open in Excel: CSV with a byte-order mark, and XLSX sheets with a
bold, frozen header row with filters, real dates and columns as wide as their content.

Text loses invisible bidi controls, and text that a spreadsheet program would take for a
formula (it starts with = + - @, a tab or a carriage return) is written with a leading
apostrophe, so a name such as `=HYPERLINK("http://…")` stays text in every export. Numbers
and dates stay real cells.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.textclean import without_bidi_controls

Cell = str | int | float | date | datetime | None

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# Excel's own limit on a sheet name; columns are kept narrower than Excel's 255.
SHEET_NAME_LIMIT = 31
COLUMN_WIDTH_MAX = 60
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = "F6F3EE"
# OWASP's list of first characters that make Excel, LibreOffice or Sheets evaluate a cell.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Download:
    """A file for the browser to save."""

    filename: str
    media_type: str
    content: bytes


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def download(kind: str, stem: str, sheet: Sheet) -> Download:
    """One table as `<stem>.xlsx` when `kind` is "xlsx", otherwise as `<stem>.csv`."""
    if kind == "xlsx":
        return Download(f"{stem}.xlsx", XLSX_TYPE, xlsx_bytes([sheet]))
    return Download(f"{stem}.csv", CSV_TYPE, csv_bytes(sheet))


def neutralised(value: Cell) -> Cell:
    """Text loses bidi controls (core.textclean) and, when it would start a formula, gains a
    leading apostrophe; anything else is unchanged."""
    if not isinstance(value, str):
        return value
    value = without_bidi_controls(value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


# --- CSV -------------------------------------------------------------------------------------


def csv_text(value: Cell) -> str:
    """Moments as `YYYY-MM-DD HH:MM` and days as `YYYY-MM-DD`, which Excel reads as dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralised(value))


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads Cyrillic and Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_text(title) for title in sheet.header])
    for row in sheet.rows:
        writer.writerow([csv_text(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- XLSX ------------------------------------------------------------------------------------


def display_width(value: Cell) -> int:
    """Roughly how many narrow characters a value takes (Chinese characters count twice)."""
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def sheet_title(title: str, taken: set[str]) -> str:
    """A name Excel accepts and no other sheet in the book has yet (it is added to `taken`)."""
    cleaned = without_bidi_controls(title)
    name = "".join(ch for ch in cleaned if ch not in "[]:*?/\\")[:SHEET_NAME_LIMIT] or "Sheet1"
    base, number = name, 2
    while name in taken:
        suffix = f" {number}"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(name)
    return name


def _column_widths(sheet: Sheet) -> list[int]:
    widths = [display_width(title) for title in sheet.header]
    for row in sheet.rows:
        for index, cell in enumerate(row):
            if index < len(widths):
                widths[index] = max(widths[index], display_width(cell))
            else:
                widths.append(display_width(cell))
    return widths


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """A workbook with one styled sheet per table, in order."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color=HEADER_FILL)
    for spec in sheets:
        sheet = book.create_sheet(sheet_title(spec.title, taken))
        sheet.append([neutralised(title) for title in spec.header])
        for row in spec.rows:
            sheet.append([neutralised(cell) for cell in row])
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(cell.value, date):
                    cell.number_format = DATE_FORMAT
        for index, width in enumerate(_column_widths(spec), start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = min(width + 2, COLUMN_WIDTH_MAX)
        sheet.freeze_panes = "A2"
        last = get_column_letter(max(len(spec.header), 1))
        sheet.auto_filter.ref = f"A1:{last}{max(sheet.max_row, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
