"""The organizers' list of an event's registrations: filters, counts and quota usage for the
board, and the same filtered list as a CSV or XLSX file with every answer as a column.

Everything a person reads here (statuses, question labels, answers, dates) is in the current
page language and the event's time zone; exports are audit-logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from piccolo.query.functions.aggregate import Count

from core.access import Viewer
from core.audit import record
from core.content import Translated, json_value
from core.i18n import (
    LANGUAGE_NAMES,
    country_name,
    current_language,
    format_date,
    format_list,
    gettext,
    locale,
    zone_name,
)
from core.paging import Page, contains, order, paginate
from core.spreadsheets import Cell, Download, Sheet, download
from core.tables import Organization
from events.services import answers as answer_rules
from events.services.labels import registration_status_labels
from events.services.questions import questions
from events.tables import (
    EventQuota,
    QuestionKind,
    Registration,
    RegistrationStatus,
)

SORTS = {
    "created": Registration.created_at,
    "name": Registration.name,
    "email": Registration.email,
    "status": Registration.status,
    "organization": Registration.organization.slug,
    "checked_in": Registration.checked_in_at,
}
DEFAULT_SORT = "-created"
# The organization filter's value for people who registered on their own.
INDIVIDUALS = "-"


def status_labels() -> dict[str, str]:
    return registration_status_labels()


@dataclass(frozen=True)
class Filters:
    status: str = ""
    organization: str = ""  # an organization's slug, or INDIVIDUALS
    search: str = ""  # part of a name or an e-mail address

    @classmethod
    def of(cls, status: str = "", organization: str = "", search: str = "") -> Filters:
        status = status if status in {s.value for s in RegistrationStatus} else ""
        return cls(status=status, organization=organization.strip(), search=search.strip()[:200])

    def as_form(self) -> dict[str, str]:
        """The values under the names the filter form and the URL use."""
        return {"status": self.status, "organization": self.organization, "q": self.search}


def _where(event_id: int, filters: Filters) -> Any:
    condition = Registration.event == event_id
    if filters.status:
        condition &= Registration.status == filters.status
    if filters.organization == INDIVIDUALS:
        condition &= Registration.organization.is_null()
    elif filters.organization:
        condition &= Registration.organization.slug == filters.organization
    if filters.search:
        condition &= contains(Registration.name, filters.search) | Registration.email.like(
            f"%{filters.search.lower()}%"
        )
    return condition


def _select() -> Any:
    return Registration.select(
        *Registration.all_columns(),
        Registration.organization.slug.as_alias("organization_slug"),
        Registration.organization.name.as_alias("organization_name"),
        Registration.checked_in_by.name.as_alias("checked_in_by_name"),
        Registration.checked_in_by.email.as_alias("checked_in_by_email"),
    )


def _prepared(row: dict[str, Any]) -> dict[str, Any]:
    row["answers"] = json_value(row["answers"], {})
    row["organization_name"] = json_value(row.get("organization_name"), None)
    return row


async def list_page(
    event: dict[str, Any], filters: Filters, sort: str = DEFAULT_SORT, page: int = 1
) -> tuple[Page, str]:
    condition = _where(event["id"], filters)
    query, applied = order(_select().where(condition), sort, SORTS, DEFAULT_SORT)
    listing = await paginate(
        query.order_by(Registration.id), Registration.count().where(condition), page
    )
    for row in listing.items:
        _prepared(row)
    return listing, applied


async def registrations(
    event: dict[str, Any], filters: Filters, sort: str = DEFAULT_SORT
) -> list[dict[str, Any]]:
    """Every registration the filters let through, in the board's order (for exports)."""
    query, _applied = order(
        _select().where(_where(event["id"], filters)), sort, SORTS, DEFAULT_SORT
    )
    return [_prepared(row) for row in await query.order_by(Registration.id)]


async def registration(event: dict[str, Any], registration_id: int) -> dict[str, Any] | None:
    row = (
        await _select()
        .where((Registration.id == registration_id) & (Registration.event == event["id"]))
        .first()
    )
    return _prepared(row) if row else None


async def status_counts(event_id: int) -> dict[str, int]:
    """How many registrations are in each state, every state listed (zero included)."""
    rows = (
        await Registration.select(Registration.status, Count(alias="n"))
        .where(Registration.event == event_id)
        .group_by(Registration.status)
    )
    found = {row["status"]: row["n"] for row in rows}
    return {status.value: found.get(status.value, 0) for status in RegistrationStatus}


async def waiting_positions(event_id: int) -> dict[int, int]:
    """Each waiting person's place in line (1 = the next freed seat is offered to them)."""
    rows = (
        await Registration.select(Registration.id)
        .where(
            (Registration.event == event_id)
            & (Registration.status == RegistrationStatus.waitlisted)
        )
        .order_by(Registration.waitlisted_at)
        .order_by(Registration.id)
    )
    return {row["id"]: place for place, row in enumerate(rows, start=1)}


async def quota_usage(event_id: int) -> list[dict[str, Any]]:
    """Seats reserved per partner organization and how many of them are held."""
    rows = (
        await EventQuota.select(
            EventQuota.seats,
            EventQuota.taken,
            EventQuota.organization.slug.as_alias("slug"),
            EventQuota.organization.name.as_alias("name"),
        )
        .where(EventQuota.event == event_id)
        .order_by(EventQuota.organization.slug)
    )
    for row in rows:
        row["name"] = json_value(row["name"], None)
    return rows


async def organizations(event_id: int) -> list[dict[str, Any]]:
    """The organizations with registrations or reserved seats at this event (for the filter)."""
    registered = Registration.select(Registration.organization).where(
        Registration.event == event_id
    )
    reserved = EventQuota.select(EventQuota.organization).where(EventQuota.event == event_id)
    rows = (
        await Organization.select(Organization.slug, Organization.name)
        .where(Organization.id.is_in(registered) | Organization.id.is_in(reserved))
        .order_by(Organization.slug)
    )
    for row in rows:
        row["name"] = json_value(row["name"], None)
    return rows


# --- Reading answers -------------------------------------------------------------------------


def question_label(question: dict[str, Any]) -> str:
    return answer_rules.label(question, current_language())


def _option_label(question: dict[str, Any], value: str) -> str:
    for option in question["options"] or []:
        if str(option.get("value")) == value:
            return Translated.load(option.get("label")).show(current_language()).text or value
    return value


def answer_value(question: dict[str, Any], value: Any) -> str | date | list[str]:
    """An answer as a reader of the page language sees it; a date stays a date and several
    choices stay a list (a page joins them as a sentence, a spreadsheet with semicolons)."""
    if value in (None, "", []):
        return ""
    kind = question["kind"]
    if kind == QuestionKind.multiple:
        values = value if isinstance(value, list) else [value]
        return [_option_label(question, str(v)) for v in values]
    if kind == QuestionKind.single:
        return _option_label(question, str(value))
    if kind == QuestionKind.yes_no:
        return gettext("Yes") if value == "yes" else gettext("No")
    if kind == QuestionKind.country:
        return country_name(str(value))
    if kind == QuestionKind.date:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return str(value)


def answer_text(question: dict[str, Any], value: Any) -> str:
    shown = answer_value(question, value)
    if isinstance(shown, list):
        return format_list(shown)
    return format_date(shown) if isinstance(shown, date) else shown


def _answer_cell(question: dict[str, Any], value: Any) -> str | date:
    # "; " rather than the locale's "and": in Chinese "A和B" could be one option's name.
    shown = answer_value(question, value)
    return "; ".join(shown) if isinstance(shown, list) else shown


def answer_list(questions_: list[dict[str, Any]], answers: dict[str, Any]) -> list[dict[str, str]]:
    """Each question with its label in the page language and the answer given."""
    return [
        {"label": question_label(q), "answer": answer_text(q, answers.get(str(q["id"])))}
        for q in questions_
    ]


def moment_text(value: datetime, zone: str) -> str:
    """A moment in `zone` for a table cell, in the page language; the zone is named once
    elsewhere on the page rather than in every cell."""
    lang_locale = locale(current_language())
    local = value.astimezone(ZoneInfo(zone))
    day = babel_dates.format_date(local, "medium", locale=lang_locale)
    time = babel_dates.format_time(local, "short", locale=lang_locale)
    return str(lang_locale.datetime_formats["medium"]).format(time, day)


def organization_text(row: dict[str, Any]) -> str:
    name = row.get("organization_name")
    return Translated.load(name).show(current_language()).text if name else ""


# --- Files -----------------------------------------------------------------------------------


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored UTC moment as the event's wall-clock time (Excel has no time zones)."""
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0) if value else None


def _header(zone_label: str, questions_: list[dict[str, Any]]) -> list[str]:
    return [
        gettext("Name"),
        gettext("E-mail address"),
        gettext("Organization"),
        gettext("Status"),
        gettext("Language"),
        gettext("Registered (%(zone)s)", zone=zone_label),
        gettext("Confirmed (%(zone)s)", zone=zone_label),
        gettext("Checked in (%(zone)s)", zone=zone_label),
        gettext("Reason for rejection"),
        gettext("Check-in code"),
        *[question_label(q) for q in questions_],
    ]


def _cells(row: dict[str, Any], questions_: list[dict[str, Any]], zone: ZoneInfo) -> list[Cell]:
    labels = status_labels()
    return [
        row["name"],
        row["email"],
        organization_text(row),
        labels.get(row["status"], row["status"]),
        LANGUAGE_NAMES.get(row["language"], row["language"]),
        _local(row["created_at"], zone),
        _local(row["confirmed_at"], zone),
        _local(row["checked_in_at"], zone),
        row["reason"] if row["status"] == RegistrationStatus.rejected else "",
        row["code"],
        *[_answer_cell(q, row["answers"].get(str(q["id"]))) for q in questions_],
    ]


def sheet(
    event: dict[str, Any], questions_: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> Sheet:
    """Every registration with every answer as a column; moments in the event's zone, which
    the header names."""
    zone = ZoneInfo(event["timezone"])
    return Sheet(
        title=gettext("Registrations"),
        header=_header(zone_name(event["timezone"], event["starts_at"]), questions_),
        rows=[_cells(row, questions_, zone) for row in rows],
    )


async def export(
    event: dict[str, Any],
    filters: Filters,
    sort: str,
    kind: str,
    actor: Viewer,
    client: str = "",
    today: date | None = None,
) -> Download:
    """The filtered list as a file (`kind` is "csv" or "xlsx"); who exported what is logged."""
    questions_ = await questions(event["id"])
    rows = await registrations(event, filters, sort)
    day = today or datetime.now(ZoneInfo(event["timezone"])).date()
    stem = f"{event['slug']}-registrations-{day.isoformat()}"
    result = download(kind, stem, sheet(event, questions_, rows))
    await record(
        actor,
        "registration.export",
        "event",
        event["id"],
        client=client,
        after={
            "format": kind,
            "filters": {k: v for k, v in filters.as_form().items() if v},
            "rows": len(rows),
            "language": current_language(),
        },
    )
    return result
