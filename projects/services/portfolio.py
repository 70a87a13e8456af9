"""The bureau's portfolio: every project with its status, next due report, overdue milestones
and latest accepted indicators, filtered, sorted and paged; and the figures behind its charts
(an indicator over time and by country, milestones on time or late).

Everything is read in a handful of queries over all the projects the filters let through
(a portfolio holds hundreds of projects, not millions), then sorted and paged in Python:
the sort keys (the next due date, overdue counts) are computed, not columns.
Charts count accepted reports only: what the bureau has signed off.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.access import Viewer, require, rule
from core.content import Translated
from core.db import engine
from core.i18n import country_name, current_language, gettext
from core.organizations import PARTNER_COUNTRIES
from core.paging import PER_PAGE, Page
from core.vocabulary import FIELDS
from projects.services import indicators, reports
from projects.services import projects as project_rules
from projects.services.indicators import Entry
from projects.tables import (
    Milestone,
    MilestoneStatus,
    ProgressReport,
    Project,
    ProjectKind,
    ProjectPartner,
    ProjectStatus,
    ReportStatus,
    ReportVersion,
)

SORTS = ("name", "status", "next_due", "overdue", "starts")
DEFAULT_SORT = "name"
# Projects whose reports are still expected; a completed or suspended one has no next report.
REPORTING = (ProjectStatus.active.value, ProjectStatus.planned.value)
OPEN = (MilestoneStatus.planned.value, MilestoneStatus.in_progress.value)
UNSENT = (ReportStatus.draft.value, ReportStatus.changes_requested.value)
# The over-time chart shows this many quarters at most (the latest ones).
CHART_QUARTERS = 8
# How many indicator values a portfolio row shows (the table stays one line per project).
ROW_INDICATORS = 3


@rule("project.portfolio")
def _see_portfolio(_viewer: Viewer, _obj: Any) -> bool:
    return False  # the bureau's organizers only (admins pass every rule)


@rule("project.export")
def _export_portfolio(_viewer: Viewer, _obj: Any) -> bool:
    return False  # the same people as the portfolio


@dataclass(frozen=True)
class Filters:
    country: str = ""
    field: str = ""
    kind: str = ""
    status: str = ""

    @classmethod
    def of(cls, country: str = "", field: str = "", kind: str = "", status: str = "") -> Filters:
        """Only known values filter; anything else is ignored, as if not given."""
        country = country.strip().upper()
        return cls(
            country=country if len(country) == 2 and country.isalpha() else "",
            field=field if field in FIELDS else "",
            kind=kind if kind in {k.value for k in ProjectKind} else "",
            status=status if status in {s.value for s in ProjectStatus} else "",
        )

    def as_form(self) -> dict[str, str]:
        return {
            "country": self.country,
            "field": self.field,
            "kind": self.kind,
            "status": self.status,
        }

    def query(self) -> str:
        """The filters as the start of a query string (`a=b&`), for links that keep them."""
        return "".join(f"{key}={value}&" for key, value in self.as_form().items() if value)

    def matches(self, project: dict[str, Any]) -> bool:
        return (
            (not self.country or self.country in project["countries"])
            and (not self.field or project["field"] == self.field)
            and (not self.kind or project["kind"] == self.kind)
            and (not self.status or project["status"] == self.status)
        )


@dataclass(frozen=True)
class NextReport:
    period: str
    label: str
    due_on: date
    late: bool


@dataclass(frozen=True)
class MilestoneTally:
    """Milestones by how they went; cancelled ones are left out."""

    on_time: int = 0  # done by the due date
    done_late: int = 0  # done, but after the due date
    overdue: int = 0  # open, and the due date has passed
    upcoming: int = 0  # open, not yet due

    @property
    def total(self) -> int:
        return self.on_time + self.done_late + self.overdue + self.upcoming

    def __add__(self, other: MilestoneTally) -> MilestoneTally:
        return MilestoneTally(
            self.on_time + other.on_time,
            self.done_late + other.done_late,
            self.overdue + other.overdue,
            self.upcoming + other.upcoming,
        )


@dataclass(frozen=True)
class Point:
    """One bar of a chart: its key (a quarter, a country code), label and value."""

    key: str
    label: str
    value: float
    reports: int = 0  # accepted reports behind the value


@dataclass
class Data:
    """Everything read for one set of filters."""

    projects: list[dict[str, Any]]  # those the filters let through
    milestones: dict[int, list[dict[str, Any]]]
    reports: dict[int, list[dict[str, Any]]]  # each with "values" when it has a version
    entries: list[Entry]
    today: date
    every: list[dict[str, Any]]  # all projects, for the filter's choices


@dataclass
class Portfolio:
    page: Page
    sort: str
    filters: Filters
    countries: list[str]  # every country any project names, for the filter
    indicator: Entry | None  # the one the charts show
    indicator_choices: list[Entry]
    over_time: list[Point]
    by_country: list[Point]
    tally: MilestoneTally
    accepted_reports: int = 0
    all_projects: int = 0


# --- reading -------------------------------------------------------------------------------------


def _json(raw: Any, default: Any) -> Any:
    if raw is None or raw == "":
        return default
    return json.loads(raw) if isinstance(raw, str) else raw


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


async def load(filters: Filters, *, with_submitted: bool = False, on: date | None = None) -> Data:
    """The projects the filters let through, with their milestones and reports. Reports
    carry their indicator values ("values"): accepted ones always, submitted ones too when
    `with_submitted` (the export lists what the bureau has received).

    Each table is read whole and narrowed here: a portfolio is a few hundred projects, and
    one plain query is cheaper than a long `IN (…)` list of ids."""
    # One read transaction: the figures come from one snapshot, and SQLite reads them over
    # one connection instead of opening one per query.
    async with engine().transaction():
        return await _load(filters, with_submitted, on or project_rules.today())


async def _load(filters: Filters, with_submitted: bool, today: date) -> Data:
    every = [row for row in map(project_rules.loaded, await Project.select()) if row]
    projects = [row for row in every if filters.matches(row)]
    ids = {row["id"] for row in projects}
    entries = await indicators.catalog(include_inactive=True)
    if not ids:
        return Data([], {}, {}, entries, today, every)
    milestone_rows = await Milestone.select(
        Milestone.project, Milestone.status, Milestone.due_on, Milestone.completed_on
    )
    report_rows = await ProgressReport.select(
        ProgressReport.id,
        ProgressReport.project,
        ProgressReport.period,
        ProgressReport.period_starts_on,
        ProgressReport.period_ends_on,
        ProgressReport.due_on,
        ProgressReport.status,
        ProgressReport.current_version,
        ProgressReport.accepted_at,
    ).order_by(ProgressReport.period_starts_on)
    report_rows = [row for row in report_rows if row["project"] in ids]
    wanted = [ReportStatus.accepted.value]
    if with_submitted:
        wanted.append(ReportStatus.submitted.value)
    counted = {row["id"]: row for row in report_rows if row["status"] in wanted}
    if counted:
        versions = await ReportVersion.select(
            ReportVersion.report, ReportVersion.number, ReportVersion.indicators
        ).where(ReportVersion.report.status.is_in(wanted))
        for version in versions:
            report = counted.get(version["report"])
            if report is not None and version["number"] == report["current_version"]:
                report["values"] = dict(_json(version["indicators"], {}))
    return Data(
        projects=projects,
        milestones=_grouped([row for row in milestone_rows if row["project"] in ids], "project"),
        reports=_grouped(report_rows, "project"),
        entries=entries,
        today=today,
        every=every,
    )


async def partners_of(project_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Partner institutions of some projects (the page's rows), the Chinese side first."""
    if not project_ids:
        return {}
    rows = (
        await ProjectPartner.select(
            ProjectPartner.project,
            ProjectPartner.side,
            ProjectPartner.organization.slug.as_alias("slug"),
            ProjectPartner.organization.name.as_alias("name"),
            ProjectPartner.organization.country.as_alias("country"),
        )
        .where(ProjectPartner.project.is_in(project_ids))
        .order_by(ProjectPartner.id)
    )
    grouped = _grouped(rows, "project")
    for found in grouped.values():
        found.sort(key=lambda p: p["side"] != "china")
    return grouped


# --- one project's figures -----------------------------------------------------------------------


def next_report(
    project: dict[str, Any], rows: list[dict[str, Any]], today: date
) -> NextReport | None:
    """The earliest report still to be sent (late when its due date has passed); a period
    without a row yet counts as not sent. None for projects that no longer report."""
    if project["status"] not in REPORTING:
        return None
    status = {row["period"]: row["status"] for row in rows}
    begun = reports.periods(
        project["report_frequency"], project["starts_on"], project["ends_on"], today
    )
    for period in begun:
        if status.get(period.key, ReportStatus.draft.value) in UNSENT:
            return NextReport(
                period.key, reports.period_label(period.key), period.due_on, period.due_on < today
            )
    start = _day_after(begun[-1].ends_on) if begun else project["starts_on"]
    following = reports.period_of(start, project["report_frequency"])
    if project["ends_on"] and following.starts_on > project["ends_on"]:
        return None
    return NextReport(following.key, reports.period_label(following.key), following.due_on, False)


def _day_after(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def tally(rows: list[dict[str, Any]], today: date) -> MilestoneTally:
    on_time = done_late = overdue = upcoming = 0
    for row in rows:
        if row["status"] == MilestoneStatus.done.value:
            if row["completed_on"] and row["completed_on"] > row["due_on"]:
                done_late += 1
            else:
                on_time += 1
        elif row["status"] in OPEN:
            if row["due_on"] < today:
                overdue += 1
            else:
                upcoming += 1
    return MilestoneTally(on_time, done_late, overdue, upcoming)


def latest_accepted(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The accepted report of the latest period (rows come in period order)."""
    accepted = [r for r in rows if r["status"] == ReportStatus.accepted.value and "values" in r]
    return accepted[-1] if accepted else None


def _row_values(values: dict[str, Any], entries: list[Entry]) -> tuple[list[dict[str, Any]], int]:
    """The first few non-zero values, and how many more there are."""
    listed = indicators.labelled(values, entries)
    nonzero = [item for item in listed if item["value"]]
    return nonzero[:ROW_INDICATORS], max(0, len(nonzero) - ROW_INDICATORS)


def _shown_name(project: dict[str, Any]) -> str:
    return Translated.load(project["name"]).show(current_language()).text


def rows(data: Data, *, with_next: bool = False) -> list[dict[str, Any]]:
    """One portfolio row per project with what sorting needs; `detail` fills in the rest
    for the rows a page shows (the next report too when `with_next`: sorting by it)."""
    out = []
    for project in data.projects:
        counts = tally(data.milestones.get(project["id"], []), data.today)
        item = {
            "project": project,
            "name": _shown_name(project),
            "milestones": counts,
            "overdue": counts.overdue,
        }
        if with_next:
            item["next_report"] = next_report(
                project, data.reports.get(project["id"], []), data.today
            )
        out.append(item)
    return out


async def detail(items: list[dict[str, Any]], data: Data) -> None:
    """What the table shows beyond the sort keys: partners, the next report, the latest
    accepted figures."""
    partners = await partners_of([item["project"]["id"] for item in items])
    for item in items:
        project = item["project"]
        reports_of = data.reports.get(project["id"], [])
        item["partners"] = partners.get(project["id"], [])
        if "next_report" not in item:
            item["next_report"] = next_report(project, reports_of, data.today)
        latest = latest_accepted(reports_of)
        item["latest"] = None
        if latest:
            shown, more = _row_values(latest["values"], data.entries)
            item["latest"] = {
                "period": latest["period"],
                "label": reports.period_label(latest["period"]),
                "values": shown,
                "more": more,
            }


_STATUS_ORDER = {status.value: index for index, status in enumerate(ProjectStatus)}


def _sorted(items: list[dict[str, Any]], sort: str) -> tuple[list[dict[str, Any]], str]:
    key = sort if sort.lstrip("-") in SORTS else DEFAULT_SORT
    descending = key.startswith("-")
    name = key.lstrip("-")
    far = date.max

    def by(item: dict[str, Any]) -> tuple[Any, ...]:
        tie = (item["name"].casefold(), item["project"]["slug"])
        if name == "status":
            return (_STATUS_ORDER.get(item["project"]["status"], 99), *tie)
        if name == "next_due":
            due = item["next_report"].due_on if item["next_report"] else far
            return (due, *tie)
        if name == "overdue":
            return (item["overdue"], *tie)
        if name == "starts":
            return (item["project"]["starts_on"], *tie)
        return tie

    return sorted(items, key=by, reverse=descending), key


def _paged(items: list[dict[str, Any]], number: int, per_page: int = PER_PAGE) -> Page:
    total = len(items)
    last = max(1, -(-total // per_page))
    number = min(max(1, number), last)
    start = (number - 1) * per_page
    shown = items[start : start + per_page]
    return Page(items=shown, number=number, per_page=per_page, total=total)


# --- the charts' figures -------------------------------------------------------------------------


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_key(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def accepted(data: Data) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each accepted report (with its values) and its project."""
    return [
        (project, report)
        for project in data.projects
        for report in data.reports.get(project["id"], [])
        if report["status"] == ReportStatus.accepted.value and "values" in report
    ]


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


Accepted = list[tuple[dict[str, Any], dict[str, Any]]]


def choose_indicator(entries: list[Entry], found: Accepted, key: str) -> Entry | None:
    """The indicator asked for, else the first one any accepted report counts, else the first."""
    if not entries:
        return None
    by_key = {entry.key: entry for entry in entries}
    if key in by_key:
        return by_key[key]
    reported = {k for _p, report in found for k, v in report["values"].items() if v}
    return next((e for e in entries if e.key in reported), entries[0])


def over_time(found: Accepted, key: str) -> list[Point]:
    """An indicator summed over accepted reports, per quarter in which the reporting period
    ended (a year's report counts in its fourth quarter); the latest quarters, gaps as 0."""
    sums: dict[tuple[int, int], float] = defaultdict(float)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for _project, report in found:
        quarter = _quarter_of(report["period_ends_on"])
        sums[quarter] += _number(report["values"].get(key))
        counts[quarter] += 1
    if not sums:
        return []
    first, last = min(sums), max(sums)
    quarters = []
    year, quarter = first
    while (year, quarter) <= last:
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    quarters = quarters[-CHART_QUARTERS:]
    return [
        Point(
            _quarter_key(y, q),
            short_quarter_label(y, q),
            sums.get((y, q), 0.0),
            counts.get((y, q), 0),
        )
        for y, q in quarters
    ]


def short_quarter_label(year: int, quarter: int) -> str:
    """A quarter as a chart's axis names it, in the current language (e.g. "Q3 2026")."""
    return gettext("Q%(quarter)s %(year)s", quarter=quarter, year=year)


def chart_countries(project: dict[str, Any]) -> list[str]:
    """The countries a project's figures count for: its partner countries other than China
    (every project has a Chinese side), or China when it names no other."""
    others = [code for code in project["countries"] if code != "CN"]
    return others or list(project["countries"])


def by_country(found: Accepted, key: str) -> list[Point]:
    """An indicator summed over accepted reports, per country (a project with partners in
    two countries counts in both); largest first."""
    sums: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for project, report in found:
        for code in chart_countries(project):
            sums[code] += _number(report["values"].get(key))
            counts[code] += 1
    points = [Point(code, country_name(code), sums[code], counts[code]) for code in sums]
    return sorted(points, key=lambda p: (-p.value, p.label))


def countries(projects: list[dict[str, Any]]) -> list[str]:
    found = {code for project in projects for code in project["countries"]}
    ranked = [code for code in PARTNER_COUNTRIES if code in found]
    return ranked + sorted(found - set(ranked))


async def portfolio(
    actor: Viewer,
    filters: Filters,
    *,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    indicator: str = "",
) -> Portfolio:
    """The portfolio page: one page of rows and the charts' figures over all filtered rows."""
    require(actor, "project.portfolio")
    data = await load(filters)
    listing, applied = _sorted(rows(data, with_next=sort.lstrip("-") == "next_due"), sort)
    shown = _paged(listing, page)
    await detail(shown.items, data)
    found = accepted(data)
    chosen = choose_indicator(data.entries, found, indicator)
    totals = MilestoneTally()
    for item in listing:
        totals += item["milestones"]
    return Portfolio(
        page=shown,
        sort=applied,
        filters=filters,
        countries=countries(data.every),
        indicator=chosen,
        indicator_choices=data.entries,
        over_time=over_time(found, chosen.key) if chosen else [],
        by_country=by_country(found, chosen.key) if chosen else [],
        tally=totals,
        accepted_reports=len(found),
        all_projects=len(data.projects),
    )
