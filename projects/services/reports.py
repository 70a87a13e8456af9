"""Periodic progress reports: their periods (from the project's frequency), drafts kept as
numbered versions, submitting, the bureau's review (comment, ask for changes, accept), the
differences between any two versions, and reminders before a report is due and when late.

Every save is a new version; nothing is overwritten. A save names the version it was
opened at: a save from an older one is refused as a conflict, with the writer's text kept
in the form, so two people drafting at once never lose each other's work.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import zip_longest
from typing import Any

from core import outbox, translated_forms
from core.access import Viewer, require
from core.audit import record
from core.content import Translated, plain_text
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, N_, format_date, gettext, language
from projects.services import files, forms, indicators, report_mail
from projects.services import projects as project_rules
from projects.services.forms import EditConflict, Upload
from projects.services.projects import ProjectScope
from projects.tables import (
    Attachment,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportComment,
    ReportFrequency,
    ReportStatus,
    ReportVersion,
    ReviewAction,
    TeamMember,
)

QUARTER_DUE_AFTER = timedelta(days=15)  # a quarter's report is due 15 days after it ends
YEAR_DUE_AFTER = timedelta(days=30)
REMIND_BEFORE = timedelta(days=7)
# Late reminders only for reports that fell due recently: a project entered long after it
# started must not mail its team about every old period at once.
LATE_REMINDER_WINDOW = timedelta(days=30)
NARRATIVE_MAX = 20000
HIGHLIGHT_MAX = 500
COMMENT_MAX = 5000
EDITABLE = (ReportStatus.draft.value, ReportStatus.changes_requested.value)
PERIOD_PATTERN = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str  # "2026-Q3" or "2026"
    starts_on: date
    ends_on: date
    due_on: date


def _quarter(year: int, quarter: int) -> Period:
    starts = date(year, 3 * quarter - 2, 1)
    ends = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(
        days=1
    )
    return Period(f"{year}-Q{quarter}", starts, ends, ends + QUARTER_DUE_AFTER)


def _year(year: int) -> Period:
    ends = date(year, 12, 31)
    return Period(str(year), date(year, 1, 1), ends, ends + YEAR_DUE_AFTER)


def period_of(day: date, frequency: str) -> Period:
    if frequency == ReportFrequency.annual.value:
        return _year(day.year)
    return _quarter(day.year, (day.month - 1) // 3 + 1)


def parse_period(key: str) -> Period | None:
    match = PERIOD_PATTERN.match(key)
    if not match:
        return None
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        return None
    return _quarter(year, int(match.group(2))) if match.group(2) else _year(year)


def periods(frequency: str, starts_on: date, ends_on: date | None, until: date) -> list[Period]:
    """The reporting periods of a project that have begun by `until`, first to last."""
    last_day = min(ends_on, until) if ends_on else until
    found: list[Period] = []
    current = period_of(starts_on, frequency)
    while current.starts_on <= last_day:
        found.append(current)
        current = period_of(current.ends_on + timedelta(days=1), frequency)
    return found


def period_label(key: str) -> str:
    """A period as people read it, in the current language."""
    match = PERIOD_PATTERN.match(key)
    if not match:
        return key
    if match.group(2):
        return gettext(
            "Quarter %(quarter)s of %(year)s", quarter=match.group(2), year=match.group(1)
        )
    return gettext("Year %(year)s", year=match.group(1))


async def ensure_reports(project: dict[str, Any], on: date | None = None) -> int:
    """A report row for every period of the project that has begun; returns how many were
    added. Safe to run at the same time from several places (one row per period)."""
    found = periods(
        project["report_frequency"],
        project["starts_on"],
        project["ends_on"],
        on or project_rules.today(),
    )
    if not found:
        return 0
    existing = {
        row["period"]
        for row in await ProgressReport.select(ProgressReport.period).where(
            ProgressReport.project == project["id"]
        )
    }
    added = 0
    for period in found:
        if period.key in existing:
            continue
        inserted = (
            await ProgressReport.insert(
                ProgressReport(
                    project=project["id"],
                    period=period.key,
                    period_starts_on=period.starts_on,
                    period_ends_on=period.ends_on,
                    due_on=period.due_on,
                    status=ReportStatus.draft.value,
                    current_version=0,
                    project_period=f"{project['id']}:{period.key}",
                )
            )
            .on_conflict(target=ProgressReport.project_period, action="DO NOTHING")
            .returning(ProgressReport.id)
        )
        added += len(inserted)
    return added


async def ensure_all(on: date) -> int:
    """Report rows for every planned or active project (the daily job)."""
    added = 0
    projects = await Project.select().where(
        Project.status.is_in([ProjectStatus.active.value, ProjectStatus.planned.value])
    )
    for project in projects:
        added += await ensure_reports(project, on)
    return added


# --- reading -------------------------------------------------------------------------------------


def _decorate(row: dict[str, Any], on: date) -> dict[str, Any]:
    row["label"] = period_label(row["period"])
    row["late"] = row["status"] == ReportStatus.draft.value and row["due_on"] < on
    row["due_soon"] = row["status"] in EDITABLE and on <= row["due_on"] <= on + REMIND_BEFORE
    row["editable"] = row["status"] in EDITABLE
    return row


async def list_for(project_id: int, on: date | None = None) -> list[dict[str, Any]]:
    """A project's reports, latest period first."""
    on = on or project_rules.today()
    rows = (
        await ProgressReport.select()
        .where(ProgressReport.project == project_id)
        .order_by(ProgressReport.period_starts_on, ascending=False)
    )
    return [_decorate(row, on) for row in rows]


async def get(current: ProjectScope, period: str) -> dict[str, Any] | None:
    row = (
        await ProgressReport.select()
        .where((ProgressReport.project == current.id) & (ProgressReport.period == period))
        .first()
    )
    return _decorate(row, project_rules.today()) if row else None


def _load_version(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("narrative", "highlight", "indicators"):
        if isinstance(row[key], str):
            row[key] = json.loads(row[key] or "{}")
    row["indicators"] = dict(row["indicators"] or {})
    return row


async def versions(report_id: int) -> list[dict[str, Any]]:
    """Every saved version, newest first, with who saved it."""
    rows = (
        await ReportVersion.select(
            *ReportVersion.all_columns(), ReportVersion.created_by.name.as_alias("author")
        )
        .where(ReportVersion.report == report_id)
        .order_by(ReportVersion.number, ascending=False)
    )
    return [_load_version(row) for row in rows]


async def version(report_id: int, number: int) -> dict[str, Any] | None:
    row = (
        await ReportVersion.select(
            *ReportVersion.all_columns(), ReportVersion.created_by.name.as_alias("author")
        )
        .where((ReportVersion.report == report_id) & (ReportVersion.number == number))
        .first()
    )
    return _load_version(row) if row else None


async def latest_version(report: dict[str, Any]) -> dict[str, Any] | None:
    """The report's current version, or None while nothing has been saved."""
    if not report["current_version"]:
        return None
    return await version(report["id"], report["current_version"])


async def comments(report_id: int) -> list[dict[str, Any]]:
    return (
        await ReportComment.select(
            *ReportComment.all_columns(), ReportComment.author.name.as_alias("author_name")
        )
        .where(ReportComment.report == report_id)
        .order_by(ReportComment.id)
    )


async def accepted(project_id: int) -> list[dict[str, Any]]:
    """Accepted reports with the version the bureau accepted, latest period first (for the
    public timeline and the portfolio)."""
    rows = (
        await ProgressReport.select()
        .where(
            (ProgressReport.project == project_id)
            & (ProgressReport.status == ReportStatus.accepted.value)
        )
        .order_by(ProgressReport.period_starts_on, ascending=False)
    )
    out = []
    for row in rows:
        accepted_version = await version(row["id"], row["current_version"])
        if accepted_version is not None:
            out.append({**_decorate(row, project_rules.today()), "version": accepted_version})
    return out


# --- drafting ------------------------------------------------------------------------------------


def form_values(current_version: dict[str, Any] | None, report: dict[str, Any], viewer: Viewer):
    """The edit form filled from the latest version (empty for a first draft)."""
    if current_version is None:
        return {
            "source_language": viewer.language if viewer.language in LANGUAGES else "zh",
            "version": str(report["current_version"]),
        }
    values = {
        **translated_forms.row_form_values(current_version, ("narrative", "highlight")),
        "version": str(report["current_version"]),
    }
    for key, number in current_version["indicators"].items():
        values[f"ind_{key}"] = _number_text(number)
    return values


def _number_text(number: Any) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def clean(
    data: dict[str, str], entries: list[indicators.Entry], kept: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The report form as a version's values. `kept` are the previous version's indicator
    values: those of indicators switched off since are carried over, not dropped."""
    errors: dict[str, str] = {}
    source = translated_forms.source_language(data, errors)
    narrative = translated_forms.translated(data, "narrative", source)
    highlight = translated_forms.translated(data, "highlight", source)
    translated_forms.check_length(narrative, "narrative", NARRATIVE_MAX, errors)
    translated_forms.check_length(highlight, "highlight", HIGHLIGHT_MAX, errors)
    values: dict[str, Any] = {}
    for entry in entries:
        raw = data.get(f"ind_{entry.key}", "").strip()
        if not raw:
            continue
        number = forms.read_number(raw)
        if number is None or (entry.integral and not isinstance(number, int)):
            errors[f"ind_{entry.key}"] = (
                gettext("Enter a whole number, 0 or more.")
                if entry.integral
                else gettext("Enter a number, 0 or more.")
            )
            continue
        values[entry.key] = number
    offered = {entry.key for entry in entries}
    values.update({key: number for key, number in kept.items() if key not in offered})
    return {
        "narrative": narrative.dump(),
        "highlight": highlight.dump(),
        "indicators": values,
    }, errors


def _expected(raw: str | int | None) -> int:
    try:
        return int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1


CONFLICT = N_(
    "Someone else saved this report while you were editing it (version %(number)s). Your text "
    "is still in the form below and was not saved; compare it with their version, then save "
    "again to keep yours as the newest version."
)
LOCKED = N_(
    "This report was submitted for review and cannot be changed now. If the bureau asks for "
    "changes, you can edit it again."
)


async def _check_editable(current: ProjectScope, report_id: int, expected: int) -> dict:
    report = await ProgressReport.select().where(ProgressReport.id == report_id).first()
    if report is None or report["project"] != current.id:
        raise ValidationFailed({"": gettext("This report no longer exists.")})
    if report["status"] not in EDITABLE:
        raise ValidationFailed({"": gettext(LOCKED)})
    if report["current_version"] != expected:
        latest = await version(report_id, report["current_version"])
        raise EditConflict(
            gettext(CONFLICT, number=report["current_version"]),
            latest or {},
            report["current_version"],
        )
    return report


async def save(
    actor: Viewer,
    current: ProjectScope,
    report: dict[str, Any],
    data: dict[str, str],
    *,
    uploads: list[Upload] = (),  # type: ignore[assignment]
    remove_files: list[int] = (),  # type: ignore[assignment]
    client: str = "",
) -> int:
    """Save the form as a new version; returns its number. Every file is checked before
    anything is written; a refusal or a conflict leaves the last version as it was."""
    require(actor, "project.edit", current)
    expected = _expected(data.get("version"))
    previous = await version(report["id"], expected) if expected > 0 else None
    entries = await indicators.catalog()
    values, errors = clean(data, entries, previous["indicators"] if previous else {})
    checked = files.check_all(list(uploads), "files", errors)
    if errors:
        raise ValidationFailed(errors)
    number = expected + 1
    staged = files.stage(checked)
    try:
        async with write_transaction():
            await _check_editable(current, report["id"], expected)
            claimed = (
                await ProgressReport.update({ProgressReport.current_version: number})
                .where(
                    (ProgressReport.id == report["id"])
                    & (ProgressReport.current_version == expected)
                    & ProgressReport.status.is_in(list(EDITABLE))
                )
                .returning(ProgressReport.id)
            )
            if not claimed:  # PostgreSQL: another save committed while this one waited
                latest = await version(report["id"], number)
                raise EditConflict(gettext(CONFLICT, number=number), latest or {}, number)
            await ReportVersion(
                report=report["id"],
                number=number,
                created_by=actor.id,
                report_number=f"{report['id']}:{number}",
                submitted=False,
                **values,
            ).save()
            removed = []
            if remove_files:
                removed = (
                    await Attachment.update({Attachment.removed_in_version: number})
                    .where(
                        (Attachment.report == report["id"])
                        & Attachment.id.is_in(list(remove_files))
                        & Attachment.removed_in_version.is_null()
                    )
                    .returning(Attachment.id)
                )
            file_ids = await files.insert(
                staged,
                project_id=current.id,
                uploaded_by=actor.id,
                report_id=report["id"],
                report_version=number,
            )
    except BaseException:
        files.discard(staged)
        raise
    await record(
        actor,
        "report.save",
        "progress_report",
        report["id"],
        client=client,
        after={
            "version": number,
            "indicators": values["indicators"],
            "languages": sorted(Translated.load(values["narrative"]).text),
            **({"files_added": file_ids} if file_ids else {}),
            **({"files_removed": [r["id"] for r in removed]} if removed else {}),
        },
    )
    return number


async def submit(
    actor: Viewer,
    current: ProjectScope,
    report: dict[str, Any],
    expected_version: str | int | None,
    client: str = "",
) -> None:
    """Send the latest version to the bureau; from then on it is fixed until reviewed."""
    require(actor, "project.edit", current)
    expected = _expected(expected_version)
    async with write_transaction():
        latest = await _check_editable(current, report["id"], expected)
        if expected < 1:
            raise ValidationFailed({"": gettext("Save a draft before submitting the report.")})
        shown = await version(report["id"], expected)
        if shown is None or not Translated.load(shown["narrative"]):
            raise ValidationFailed(
                {"": gettext("Write the narrative in at least one language before submitting.")}
            )
        submitted = (
            await ProgressReport.update(
                {
                    ProgressReport.status: ReportStatus.submitted.value,
                    ProgressReport.submitted_at: forms.now(),
                }
            )
            .where(
                (ProgressReport.id == report["id"])
                & (ProgressReport.current_version == expected)
                & ProgressReport.status.is_in(list(EDITABLE))
            )
            .returning(ProgressReport.id)
        )
        if not submitted:
            raise ValidationFailed({"": gettext(LOCKED)})
        await ReportVersion.update({ReportVersion.submitted: True}).where(
            (ReportVersion.report == report["id"]) & (ReportVersion.number == expected)
        )
        await report_mail.submitted(current, latest, expected, actor, period_label)
    await record(
        actor,
        "report.submit",
        "progress_report",
        report["id"],
        client=client,
        before={"status": latest["status"]},
        after={"status": ReportStatus.submitted.value, "version": expected},
    )


# --- review --------------------------------------------------------------------------------------

NEXT_STATUS = {
    ReviewAction.request_changes.value: ReportStatus.changes_requested.value,
    ReviewAction.accept.value: ReportStatus.accepted.value,
}


async def review(
    actor: Viewer,
    current: ProjectScope,
    report: dict[str, Any],
    *,
    action: str,
    body: str,
    expected_version: str | int | None,
    client: str = "",
) -> int:
    """The bureau comments on a report, asks for changes or accepts it. Asking and accepting
    apply to a submitted report, and to the version the reviewer saw. Returns the comment id."""
    require(actor, "project.review", current)
    body = body.strip()
    errors: dict[str, str] = {}
    if action not in {a.value for a in ReviewAction}:
        errors["action"] = gettext("Choose what to do with the report.")
    elif action != ReviewAction.accept.value and not body:
        errors["body"] = gettext("Write what the team should know.")
    if len(body) > COMMENT_MAX:
        errors["body"] = gettext("Use at most %(num)d characters.", num=COMMENT_MAX)
    if errors:
        raise ValidationFailed(errors)
    expected = _expected(expected_version)
    async with write_transaction():
        latest = await ProgressReport.select().where(ProgressReport.id == report["id"]).first()
        if latest is None or latest["project"] != current.id:
            raise ValidationFailed({"": gettext("This report no longer exists.")})
        if latest["current_version"] != expected:
            raise ValidationFailed(
                {"": gettext("The team saved a newer version meanwhile; please look at it first.")}
            )
        if action in NEXT_STATUS:
            if latest["status"] != ReportStatus.submitted.value:
                raise ValidationFailed(
                    {"": gettext("Only a submitted report can be accepted or sent back.")}
                )
            changes: dict[Any, Any] = {ProgressReport.status: NEXT_STATUS[action]}
            if action == ReviewAction.accept.value:
                changes[ProgressReport.accepted_at] = forms.now()
            moved = (
                await ProgressReport.update(changes)
                .where(
                    (ProgressReport.id == report["id"])
                    & (ProgressReport.status == ReportStatus.submitted.value)
                    & (ProgressReport.current_version == expected)
                )
                .returning(ProgressReport.id)
            )
            if not moved:
                raise ValidationFailed(
                    {"": gettext("Only a submitted report can be accepted or sent back.")}
                )
        comment = ReportComment(
            report=report["id"], version=expected, author=actor.id, action=action, body=body
        )
        await comment.save()
    await _mail_review(current, latest, int(comment.id), action, body, actor)
    await record(
        actor,
        f"report.{action}",
        "progress_report",
        report["id"],
        client=client,
        before={"status": latest["status"]},
        after={
            "status": NEXT_STATUS.get(action, latest["status"]),
            "version": expected,
            "comment": body[:500],
        },
    )
    return int(comment.id)


async def _mail_review(
    current: ProjectScope,
    report: dict[str, Any],
    comment_id: int,
    action: str,
    body: str,
    actor: Viewer,
) -> None:
    for person in await project_rules.team(current.id):
        lang = person["language"] if person["language"] in LANGUAGES else "en"
        with language(lang):
            label = period_label(report["period"])
        await outbox.queue_mail(
            key=f"report-review:{comment_id}:{person['user_id']}",
            recipient=person["email"],
            language=lang,
            template="project_report_reviewed",
            context={
                "name": person["name"],
                "reviewer": actor.name or actor.email,
                "project": plain_text(current.project["name"], lang),
                "period": label,
                "action": action,
                "message": body,
                "link": f"/{lang}/account/projects/{current.slug}/reports/{report['period']}/",
            },
        )


# --- differences between two versions ------------------------------------------------------------

# CJK characters compare one by one (there are no spaces between words); other scripts by word.
_TOKEN = re.compile(
    r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
    r"|\w+|\s+|[^\w\s]"
)


@dataclass(frozen=True)
class Segment:
    kind: str  # "equal", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class TextChange:
    lang: str
    lines: list[list[Segment]]
    changed: bool


@dataclass(frozen=True)
class IndicatorChange:
    key: str
    label: str
    unit: str
    before: Any
    after: Any

    @property
    def delta(self) -> float | int | None:
        if isinstance(self.before, (int, float)) and isinstance(self.after, (int, float)):
            return self.after - self.before
        return None


@dataclass
class VersionDiff:
    older: dict[str, Any]
    newer: dict[str, Any]
    narrative: list[TextChange] = field(default_factory=list)
    highlight: list[TextChange] = field(default_factory=list)
    indicators: list[IndicatorChange] = field(default_factory=list)
    unchanged_indicators: int = 0
    files_added: list[dict[str, Any]] = field(default_factory=list)
    files_removed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            any(c.changed for c in self.narrative + self.highlight)
            or self.indicators
            or self.files_added
            or self.files_removed
        )


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def word_diff(old: str, new: str) -> list[Segment]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        segments.append(Segment("delete", "".join(a[i1:i2])))
        segments.append(Segment("insert", "".join(b[j1:j2])))
    return _merge(segments)


def text_diff(old: str, new: str) -> list[list[Segment]]:
    """Line by line; a changed line is compared word by word (character by character in
    Chinese) so a one-word edit reads as one word, not as a replaced paragraph."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    lines: list[list[Segment]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [[Segment("equal", line)] for line in a[i1:i2]]
        elif tag == "delete":
            lines += [[Segment("delete", line)] for line in a[i1:i2]]
        elif tag == "insert":
            lines += [[Segment("insert", line)] for line in b[j1:j2]]
        else:
            for before, after in zip_longest(a[i1:i2], b[j1:j2]):
                if before is None:
                    lines.append([Segment("insert", after)])
                elif after is None:
                    lines.append([Segment("delete", before)])
                else:
                    lines.append(word_diff(before, after))
    return [line or [Segment("equal", "")] for line in lines]


def _content_diff(old: Any, new: Any) -> list[TextChange]:
    a, b = Translated.load(old), Translated.load(new)
    changes = []
    for lang in LANGUAGES:
        before, after = a.text.get(lang, ""), b.text.get(lang, "")
        if not before and not after:
            continue
        changes.append(TextChange(lang, text_diff(before, after), before != after))
    return changes


def diff(
    older: dict[str, Any],
    newer: dict[str, Any],
    report_files: list[dict[str, Any]],
    entries: list[indicators.Entry],
) -> VersionDiff:
    """What changed from version `older` to version `newer` of one report."""
    result = VersionDiff(
        older=older,
        newer=newer,
        narrative=_content_diff(older["narrative"], newer["narrative"]),
        highlight=_content_diff(older["highlight"], newer["highlight"]),
    )
    known = {entry.key: entry for entry in entries}
    keys = [e.key for e in entries] + [
        k for k in {**older["indicators"], **newer["indicators"]} if k not in known
    ]
    for key in keys:
        before, after = older["indicators"].get(key), newer["indicators"].get(key)
        if before is None and after is None:
            continue
        if before == after:
            result.unchanged_indicators += 1
            continue
        entry = known.get(key)
        result.indicators.append(
            IndicatorChange(
                key, entry.label if entry else key, entry.unit if entry else "", before, after
            )
        )
    old_files = {row["id"]: row for row in files.in_version(report_files, older["number"])}
    new_files = {row["id"]: row for row in files.in_version(report_files, newer["number"])}
    result.files_added = [row for key, row in new_files.items() if key not in old_files]
    result.files_removed = [row for key, row in old_files.items() if key not in new_files]
    return result


# --- reminders -----------------------------------------------------------------------------------


async def _team_recipients(project_id: int) -> list[dict[str, Any]]:
    return (
        await TeamMember.select(
            TeamMember.user.id.as_alias("user_id"),
            TeamMember.user.email.as_alias("email"),
            TeamMember.user.name.as_alias("name"),
            TeamMember.user.language.as_alias("language"),
        )
        .where((TeamMember.project == project_id) & (TeamMember.user.is_active == True))
        .order_by(TeamMember.id)
    )


async def _remind(report: dict[str, Any], kind: str, on: date) -> int:
    queued = 0
    for person in await _team_recipients(report["project"]):
        lang = person["language"] if person["language"] in LANGUAGES else "en"
        with language(lang):
            label = period_label(report["period"])
            due = format_date(report["due_on"])
        await outbox.queue_mail(
            key=f"report-{kind}:{report['id']}:{person['user_id']}",
            recipient=person["email"],
            language=lang,
            template=f"project_report_{kind}",
            context={
                "name": person["name"],
                "project": plain_text(report["project_name"], lang),
                "period": label,
                "due": due,
                "days": abs((report["due_on"] - on).days),
                "link": f"/{lang}/account/projects/{report['slug']}/reports/{report['period']}/",
            },
        )
        queued += 1
    return queued


async def mail_reminders(on: date) -> int:
    """Remind teams once before a report is due (within a week) and once when it is late;
    returns how many mails were queued. Safe to run again."""
    await ensure_all(on)
    columns = (
        ProgressReport.id,
        ProgressReport.project,
        ProgressReport.period,
        ProgressReport.due_on,
        ProgressReport.project.slug.as_alias("slug"),
        ProgressReport.project.name.as_alias("project_name"),
    )
    unsent = (
        (ProgressReport.status == ReportStatus.draft.value)
        & ProgressReport.submitted_at.is_null()
        & (ProgressReport.project.status == ProjectStatus.active.value)
    )
    queued = 0
    due_soon = await ProgressReport.select(*columns).where(
        unsent
        & ProgressReport.reminded_before_on.is_null()
        & (ProgressReport.due_on >= on)
        & (ProgressReport.due_on <= on + REMIND_BEFORE)
    )
    for report in due_soon:
        queued += await _remind(report, "due", on)
        await ProgressReport.update({ProgressReport.reminded_before_on: on}).where(
            ProgressReport.id == report["id"]
        )
    late = await ProgressReport.select(*columns).where(
        unsent
        & ProgressReport.reminded_late_on.is_null()
        & (ProgressReport.due_on < on)
        & (ProgressReport.due_on >= on - LATE_REMINDER_WINDOW)
    )
    for report in late:
        queued += await _remind(report, "late", on)
        await ProgressReport.update({ProgressReport.reminded_late_on: on}).where(
            ProgressReport.id == report["id"]
        )
    return queued
