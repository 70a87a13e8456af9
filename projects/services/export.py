"""The portfolio's indicators as a spreadsheet: one row per project and reporting period the
bureau has received (submitted or accepted), one column per indicator, in the page language.
The portfolio's filters apply; every export is audit-logged."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.i18n import country_name, current_language, format_list, gettext
from projects.services import portfolio, reports, vocabulary
from projects.services.indicators import Entry
from projects.services.projects import BUREAU_ZONE
from projects.tables import ReportStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's own limits: a sheet name has at most 31 characters and a column at most 255 wide.
SHEET_NAME_LIMIT = 31
COLUMN_WIDTH_MAX = 60
DATE_FORMAT = "yyyy-mm-dd"
RECEIVED = (ReportStatus.submitted.value, ReportStatus.accepted.value)


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    content: bytes


def _indicator_title(entry: Entry) -> str:
    if entry.unit:
        return gettext("%(label)s (%(unit)s)", label=entry.label, unit=entry.unit)
    return entry.label


def header(entries: list[Entry]) -> list[str]:
    return [
        gettext("Project"),
        gettext("Short name"),
        gettext("Kind"),
        gettext("Field"),
        gettext("Countries"),
        gettext("Period"),
        gettext("Period starts"),
        gettext("Period ends"),
        gettext("Report status"),
        gettext("Accepted on"),
        *[_indicator_title(entry) for entry in entries],
    ]


def _accepted_day(value: datetime | None) -> date | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(BUREAU_ZONE)).date()


def table(data: portfolio.Data) -> list[list[Any]]:
    """The rows under the header: projects by name, their periods in order."""
    lang = current_language()
    kinds = vocabulary.kind_labels()
    fields = vocabulary.field_labels()
    statuses = vocabulary.report_status_labels()
    projects = sorted(
        data.projects,
        key=lambda p: (Translated.load(p["name"]).show(lang).text.casefold(), p["slug"]),
    )
    out: list[list[Any]] = []
    for project in projects:
        for report in data.reports.get(project["id"], []):
            if report["status"] not in RECEIVED or "values" not in report:
                continue
            values = report["values"]
            out.append(
                [
                    Translated.load(project["name"]).show(lang).text,
                    project["slug"],
                    kinds.get(project["kind"], project["kind"]),
                    fields.get(project["field"], project["field"]),
                    format_list([country_name(code) for code in project["countries"]]),
                    reports.period_label(report["period"]),
                    report["period_starts_on"],
                    report["period_ends_on"],
                    statuses.get(report["status"], report["status"]),
                    _accepted_day(report["accepted_at"]),
                    *[values.get(entry.key) for entry in data.entries],
                ]
            )
    return out


def _display_width(value: Any) -> int:
    """Roughly how many narrow characters a value takes (Chinese characters count twice)."""
    if isinstance(value, date):
        return 10
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_name() -> str:
    name = gettext("Indicators")
    return "".join(ch for ch in name if ch not in "[]:*?/\\")[:SHEET_NAME_LIMIT] or "Sheet1"


def xlsx_bytes(titles: list[str], rows: list[list[Any]]) -> bytes:
    """One sheet: a bold, frozen header row with filters, dates as real dates, numbers as
    numbers, columns as wide as their content (within reason)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_name()
    sheet.append(titles)
    widths = [_display_width(title) for title in titles]
    for row in rows:
        sheet.append(row)
        widths = [max(w, _display_width(c)) for w, c in zip(widths, row, strict=True)]
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color="F6F3EE")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, COLUMN_WIDTH_MAX)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{max(sheet.max_row, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def export(
    filters: portfolio.Filters, actor: Viewer, client: str = "", today: date | None = None
) -> Export:
    """The filtered portfolio's indicators per project per period; who exported what is
    logged."""
    require(actor, "project.export")
    data = await portfolio.load(filters, with_submitted=True)
    rows = table(data)
    day = today or portfolio.project_rules.today()
    result = Export(
        f"projects-indicators-{day.isoformat()}.xlsx",
        XLSX_TYPE,
        xlsx_bytes(header(data.entries), rows),
    )
    await record(
        actor,
        "project.export",
        "project",
        "portfolio",
        client=client,
        after={
            "format": "xlsx",
            "filters": {k: v for k, v in filters.as_form().items() if v},
            "rows": len(rows),
            "projects": len(data.projects),
            "language": current_language(),
        },
    )
    return result
