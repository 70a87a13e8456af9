"""Members from a spreadsheet: the XLSX template coordinators download, and reading it back
with a report of every row's problems. A file with any error imports nothing.

Columns are recognised by their heading in any of the site's languages (or by the field's
own name), so a template downloaded in Russian can be filled in and sent back from a Chinese
page. Choices (gender, yes/no, diet, transport, countries, languages) may be written as the
template's words in any language or as codes. Dates and times are the event's wall-clock
times, as on the member form.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import i18n
from core.access import Viewer
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, gettext
from core.spreadsheets import HEADER_FILL
from core.vocabulary import labels as plain_labels
from events.delegations.services import passports
from events.delegations.services.member_form import Cleaned, clean_member
from events.delegations.services.members import (
    MAX_MEMBERS,
    save_members_batch,
    taken_fingerprints,
)
from events.delegations.services.records import event_of
from events.delegations.services.states import ensure_editable
from events.delegations.services.vocabulary import (
    DIETS,
    GENDERS,
    MEMBER_FIELDS,
    SPOKEN_LANGUAGES,
    TRANSPORTS,
    field_labels,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = MAX_MEMBERS
COLUMNS = MEMBER_FIELDS
DATE_FIELDS = ("date_of_birth", "passport_expires")
MOMENT_FIELDS = ("arrival_at", "departure_at")
CHOICE_FIELDS = ("gender", "diet", "arrival_transport", "departure_transport")
FLAG_FIELDS = ("needs_letter", "is_head")
DATE_PATTERNS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y.%m.%d")
MOMENT_PATTERNS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y/%m/%d %H:%M",
)
WORDS_YES = {"yes", "y", "x", "✓", "1", "true", "да", "д", "是", "иә", "ия"}
WORDS_NO = {"no", "n", "0", "false", "нет", "н", "否", "жоқ", "-"}
EXTRA_CHOICES = {
    "gender": {
        "м": "m", "муж": "m", "мужской": "m", "男": "m", "ер": "m", "male": "m",
        "ж": "f", "жен": "f", "женский": "f", "女": "f", "әйел": "f", "female": "f",
    },
    "diet": {
        "халяль": "halal", "халал": "halal", "清真": "halal", "адал": "halal",
        "вегетарианское": "vegetarian", "вегетарианец": "vegetarian", "素食": "vegetarian",
        "веган": "vegan", "веганское": "vegan", "纯素": "vegan",
    },
    "transport": {
        "plane": "flight", "air": "flight", "самолёт": "flight", "самолет": "flight",
        "авиа": "flight", "飞机": "flight", "航班": "flight", "ұшақ": "flight",
        "поезд": "train", "火车": "train", "пойыз": "train",
        "car": "road", "bus": "road", "автобус": "road", "машина": "road", "汽车": "road",
    },
}  # fmt: skip


def _key(value: str) -> str:
    return " ".join(str(value).replace("*", " ").split()).casefold()


# --- what the words mean, in every language -----------------------------------------------------


@cache
def _headings() -> dict[str, str]:
    found: dict[str, str] = {name: name for name in COLUMNS}
    for lang in LANGUAGES:
        with i18n.language(lang):
            found.update({_key(label): name for name, label in field_labels().items()})
    return found


@cache
def _choices(kind: str) -> dict[str, str]:
    """Words (any language, any case) → code, for one kind of choice."""
    source = {
        "gender": GENDERS,
        "diet": DIETS,
        "transport": TRANSPORTS,
    }[kind]
    found = {_key(code): code for code in source}
    for lang in LANGUAGES:
        with i18n.language(lang):
            found.update({_key(str(label)): code for code, label in source.items()})
    found.update({_key(word): code for word, code in EXTRA_CHOICES.get(kind, {}).items()})
    if kind == "diet":
        for lang in LANGUAGES:
            with i18n.language(lang):
                found[_key(gettext("No special diet"))] = ""
    return found


@cache
def _countries() -> dict[str, str]:
    found: dict[str, str] = {}
    for lang in LANGUAGES:
        for code, name in i18n.locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                found[_key(name)] = code
                found[_key(code)] = code
    return found


@cache
def _languages() -> dict[str, str]:
    found: dict[str, str] = {}
    for lang in LANGUAGES:
        names = i18n.locale(lang).languages
        for code in SPOKEN_LANGUAGES:
            found[_key(code)] = code
            if code in names:
                found[_key(names[code])] = code
    return found


def _choice(kind: str, raw: str) -> str:
    """The code for `raw`; unknown words pass through for the form's check to refuse."""
    return _choices(kind).get(_key(raw), raw) if raw else ""


# --- the template ------------------------------------------------------------------------------


def _hint(name: str, zone: str) -> str:
    if name in DATE_FIELDS:
        return gettext("A date: 1985-03-14")
    if name in MOMENT_FIELDS:
        return gettext("Date and time in %(zone)s: 2026-06-03 14:35", zone=zone)
    if name == "nationality":
        return gettext("A country's name or its two-letter code (KZ, UZ, KG…)")
    if name == "languages":
        return gettext("Languages separated by commas: Russian, Kazakh")
    if name == "interpreter_language":
        return gettext("Leave empty if no interpreter is needed.")
    if name == "passport_number":
        return gettext("As printed in the passport.")
    return ""


def template_xlsx(event: dict[str, Any]) -> bytes:
    """A workbook with one heading per member field (in the page language), drop-down lists
    for choices and a sheet of instructions."""
    zone = i18n.zone_name(event["timezone"], event["starts_at"])
    labels = field_labels()
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Members")[:31]
    sheet.append([labels[name] for name in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color=HEADER_FILL)
    for index, name in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if hint := _hint(name, zone):
            cell.comment = Comment(hint, "Hongshan")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 24 if name not in MOMENT_FIELDS else 20
        if name in DATE_FIELDS or name in MOMENT_FIELDS:
            for row in range(2, MAX_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = (
                    "yyyy-mm-dd" if name in DATE_FIELDS else "yyyy-mm-dd hh:mm"
                )
    sheet.freeze_panes = "A2"
    lists = {
        "gender": list(plain_labels(GENDERS).values()),
        "diet": [gettext("No special diet"), *plain_labels(DIETS).values()],
        "arrival_transport": list(plain_labels(TRANSPORTS).values()),
        "departure_transport": list(plain_labels(TRANSPORTS).values()),
        "needs_letter": [gettext("Yes"), gettext("No")],
        "is_head": [gettext("Yes"), gettext("No")],
    }
    for name, options in lists.items():
        formula = '"' + ",".join(option.replace(",", " ") for option in options) + '"'
        if len(formula) > 255:
            continue
        check = DataValidation(type="list", formula1=formula, allow_blank=True)
        letter = get_column_letter(COLUMNS.index(name) + 1)
        check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(check)

    notes = book.create_sheet(gettext("Instructions")[:31])
    notes.column_dimensions["A"].width = 42
    notes.column_dimensions["B"].width = 70
    notes.append([gettext("How to fill in this file")])
    notes["A1"].font = Font(bold=True, size=13)
    for line in (
        gettext("One member per row on the first sheet; keep the headings as they are."),
        gettext("Times are in the event's time zone: %(zone)s.", zone=zone),
        gettext(
            "A member whose passport number is already in the delegation is updated; the "
            "others are added. If any row has a problem, nothing is imported and the site "
            "lists the problems by row."
        ),
        gettext("Passport numbers and dates of birth are stored encrypted."),
    ):
        notes.append([line])
    notes.append([])
    for name in COLUMNS:
        notes.append([labels[name], _hint(name, zone)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading a filled-in file -----------------------------------------------------------------


@dataclass
class RowReport:
    number: int  # the spreadsheet's own row number
    name: str
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    cleaned: list[Cleaned] = field(default_factory=list)
    added: int = 0
    updated: int = 0

    @property
    def error_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.errors]

    @property
    def warning_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.warnings and not row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raw = _cell_text(value)
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(raw, pattern).date().isoformat()
        except ValueError:
            continue
    return raw


def _moment_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes")
    raw = _cell_text(value)
    for pattern in MOMENT_PATTERNS:
        try:
            return datetime.strptime(raw, pattern).isoformat(timespec="minutes")
        except ValueError:
            continue
    return raw


def _flag(value: Any) -> tuple[str, bool]:
    """("yes" or "", understood)."""
    if isinstance(value, bool):
        return ("yes" if value else ""), True
    word = _key(_cell_text(value))
    if not word or word in WORDS_NO:
        return "", True
    yes_words = {_key(gettext("Yes"))} | WORDS_YES
    for lang in LANGUAGES:
        with i18n.language(lang):
            yes_words.add(_key(gettext("Yes")))
            if word == _key(gettext("No")):
                return "", True
    return ("yes", True) if word in yes_words else ("", False)


def _row_data(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A row's cells as the member form's values, and the cells that mean nothing."""
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, value in values.items():
        if name in DATE_FIELDS:
            data[name] = _date_text(value)
        elif name in MOMENT_FIELDS:
            data[name] = _moment_text(value)
        elif name in FLAG_FIELDS:
            data[name], understood = _flag(value)
            if not understood:
                problems[name] = gettext("Write yes or no.")
        elif name == "gender":
            data[name] = _choice("gender", _cell_text(value))
        elif name == "diet":
            data[name] = _choice("diet", _cell_text(value))
        elif name in ("arrival_transport", "departure_transport"):
            data[name] = _choice("transport", _cell_text(value))
        elif name == "nationality":
            raw = _cell_text(value)
            data[name] = _countries().get(_key(raw), raw)
        elif name == "languages":
            words = [w for w in re.split(r"[,;/、，]+", _cell_text(value)) if w.strip()]
            data[name] = [_languages().get(_key(w), w.strip()) for w in words]
        elif name == "interpreter_language":
            raw = _cell_text(value)
            data[name] = _languages().get(_key(raw), raw) if raw else ""
        else:
            data[name] = _cell_text(value)
    return data, problems


def _open_sheet(content: bytes) -> Any:
    if not content:
        raise ValidationFailed({"file": gettext("Choose the filled-in XLSX file.")})
    if len(content) > MAX_BYTES:
        raise ValidationFailed({"file": gettext("The file is larger than 2 MB.")})
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ValidationFailed(
            {"file": gettext("This is not an XLSX file. Use the template.")}
        ) from error
    return book.worksheets[0]


def read(content: bytes, event: dict[str, Any], taken: set[str]) -> ImportReport:
    """Check every row of the file (`taken`: passport fingerprints of other delegations at
    the event); fills `cleaned` only when no row has an error."""
    sheet = _open_sheet(content)
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    headings = _headings()
    columns = {index: headings.get(_key(str(title or ""))) for index, title in enumerate(header)}
    if not any(name in ("name_native", "name_latin") for name in columns.values()):
        raise ValidationFailed(
            {"file": gettext("The first row must hold the template's headings.")}
        )
    labels = field_labels()
    report = ImportReport()
    cleaned_rows: list[Cleaned] = []
    for number, cells in enumerate(rows, start=2):
        values = {
            name: cells[index]
            for index, name in columns.items()
            if name and index < len(cells) and cells[index] not in (None, "")
        }
        if not values:
            continue
        if len(report.rows) >= MAX_ROWS:
            raise ValidationFailed(
                {"file": gettext("A file holds at most %(num)d members.", num=MAX_ROWS)}
            )
        data, problems = _row_data(values)
        cleaned = clean_member(data, event)
        cleaned.errors = {**cleaned.errors, **problems}
        name = cleaned.values.get("name_native") or cleaned.values.get("name_latin") or ""
        line = RowReport(number, name)
        line.errors = [(labels.get(k, k), message) for k, message in cleaned.errors.items()]
        line.warnings = [(labels.get(k, k), message) for k, message in cleaned.warnings.items()]
        report.rows.append(line)
        cleaned_rows.append(cleaned)
    if not report.rows:
        raise ValidationFailed({"file": gettext("The file has no members in it.")})
    _check_across_rows(report, cleaned_rows, event, taken, labels)
    if report.ok:
        report.cleaned = cleaned_rows
    return report


def _check_across_rows(
    report: ImportReport,
    cleaned_rows: list[Cleaned],
    event: dict[str, Any],
    taken: set[str],
    labels: dict[str, str],
) -> None:
    """What no single row shows: a passport twice in the file or already at the event in
    another delegation, and more than one head."""
    seen: dict[str, int] = {}
    passport = labels["passport_number"]
    for line, cleaned in zip(report.rows, cleaned_rows, strict=True):
        if cleaned.passport_number is None:
            continue
        mark = passports.fingerprint(event["id"], cleaned.passport_number)
        if mark in seen:
            line.errors.append(
                (passport, gettext("The same passport number is on row %(row)d.", row=seen[mark]))
            )
        else:
            seen[mark] = line.number
        if mark in taken:
            line.errors.append(
                (passport, gettext("This passport number is already listed for this event."))
            )
    heads = [line for line, c in zip(report.rows, cleaned_rows, strict=True) if c.values["is_head"]]
    if len(heads) > 1:
        for line in heads:
            line.errors.append(
                (labels["is_head"], gettext("Only one member can head the delegation."))
            )


async def import_members(
    viewer: Viewer, delegation: dict[str, Any], content: bytes, client: str = ""
) -> ImportReport:
    """Read the file and, when every row is right, save all its members at once."""
    event = await event_of(delegation)
    ensure_editable(viewer, delegation, event)
    taken = await taken_fingerprints(event["id"], delegation["id"])
    report = read(content, event, taken)
    if report.ok:
        report.added, report.updated = await save_members_batch(
            viewer, delegation, report.cleaned, client
        )
    return report
