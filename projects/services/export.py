"""The portfolio's indicators as a spreadsheet: one row per project and reporting period the
bureau has received (submitted or accepted), one column per indicator, in the page language.
The portfolio's filters apply; every export is audit-logged."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core import spreadsheets
from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.i18n import country_name, current_language, format_list, gettext
from projects.services import portfolio, reports, vocabulary
from projects.services.indicators import Entry
from projects.services.projects import BUREAU_ZONE
from projects.tables import ReportStatus

RECEIVED = (ReportStatus.submitted.value, ReportStatus.accepted.value)


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


def table(data: portfolio.Data) -> list[list[spreadsheets.Cell]]:
    """The rows under the header: projects by name, their periods in order."""
    lang = current_language()
    kinds = vocabulary.kind_labels()
    fields = vocabulary.field_labels()
    statuses = vocabulary.report_status_labels()
    projects = sorted(
        data.projects,
        key=lambda p: (Translated.load(p["name"]).show(lang).text.casefold(), p["slug"]),
    )
    out: list[list[spreadsheets.Cell]] = []
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


async def export(
    filters: portfolio.Filters, actor: Viewer, client: str = "", today: date | None = None
) -> spreadsheets.Download:
    """The filtered portfolio's indicators per project per period as an XLSX workbook (a
    bold, frozen header with filters, real dates and numbers); who exported what is logged."""
    require(actor, "project.export")
    data = await portfolio.load(filters, with_submitted=True)
    rows = table(data)
    day = today or portfolio.project_rules.today()
    sheet = spreadsheets.Sheet(gettext("Indicators"), header(data.entries), rows)
    result = spreadsheets.download("xlsx", f"projects-indicators-{day.isoformat()}", sheet)
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
