"""Lists of people to invite, pasted or uploaded (CSV in any common separator and encoding,
or XLSX): each row read as a name, an address and a language whatever the order of columns,
in any of the four languages, and checked, with every bad row reported by where it is."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from core.accounts import email_problem, normalize_email
from core.i18n import gettext
from events.invitations.services.recipients import Recipient
from events.invitations.tables import Kind

MAX_FILE_BYTES = 5 * 1024 * 1024
# How people write a language in a list: codes, and names in the four languages and English.
LANGUAGE_WORDS = {
    "zh": "zh",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "cn": "zh",
    "chinese": "zh",
    "中文": "zh",
    "汉语": "zh",
    "китайский": "zh",
    "қытай": "zh",
    "қытайша": "zh",
    "ru": "ru",
    "rus": "ru",
    "russian": "ru",
    "русский": "ru",
    "俄语": "ru",
    "俄文": "ru",
    "орыс": "ru",
    "орысша": "ru",
    "kk": "kk",
    "kz": "kk",
    "kaz": "kk",
    "kazakh": "kk",
    "қазақша": "kk",
    "қазақ": "kk",
    "казахский": "kk",
    "哈萨克语": "kk",
    "哈萨克文": "kk",
    "en": "en",
    "eng": "en",
    "english": "en",
    "английский": "en",
    "英语": "en",
    "英文": "en",
    "ағылшын": "en",
    "ағылшынша": "en",
}
# Words that mark a header row of a list, in any of the four languages.
HEADER_WORDS = (
    "name",
    "mail",
    "lang",
    "имя",
    "фио",
    "почта",
    "язык",
    "姓名",
    "名字",
    "邮箱",
    "邮件",
    "语言",
    "аты",
    "пошта",
    "тіл",
)


@dataclass(frozen=True)
class RowProblem:
    """One bad row of a pasted list or an uploaded file, as the organizer sees it."""

    source: str
    line: int
    text: str
    problem: str


@dataclass
class Rows:
    """Rows read from one list: each with where it came from."""

    source: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def language_code(raw: str) -> str | None:
    return LANGUAGE_WORDS.get(raw.strip().lower())


def _cells(values: list[Any]) -> list[str]:
    return [" ".join(str(v).split()) if v is not None else "" for v in values]


def _is_header(cells: list[str]) -> bool:
    if any("@" in cell for cell in cells):
        return False
    lowered = [cell.lower() for cell in cells]
    return any(word in cell for cell in lowered for word in HEADER_WORDS)


def _split_line(line: str) -> list[str]:
    for separator in ("\t", ";", ","):
        if separator in line:
            return [part.strip() for part in line.split(separator)]
    # "Name email lang" with spaces only: the address and the language are single words.
    words = line.split()
    return [" ".join(words[:-2]), words[-2], words[-1]] if len(words) >= 3 else words


def pasted_rows(text: str) -> Rows:
    rows = Rows(source=gettext("Pasted list"))
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            rows.rows.append((number, _split_line(line.strip())))
    return rows


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    raise ValueError("not UTF-8")


def file_rows(filename: str, content: bytes) -> Rows:
    """Rows of an uploaded CSV or XLSX file. ValueError (with a sentence for the organizer)
    when the file cannot be read."""
    source = gettext("File %(name)s", name=filename)
    rows = Rows(source=source)
    if len(content) > MAX_FILE_BYTES:
        raise ValueError(gettext("The file is larger than 5 MB."))
    if content.startswith(b"PK"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise ValueError(gettext("This file could not be read as an XLSX workbook.")) from error
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = _cells(list(values))
            if any(cells):
                rows.rows.append((number, cells))
        book.close()
        return rows
    try:
        text = _decode(content)
    except ValueError as error:
        raise ValueError(
            gettext("This file is not UTF-8 text: save it as “CSV UTF-8” or as XLSX.")
        ) from error
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = _cells(values)
        if any(cells):
            rows.rows.append((number, cells))
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    """Which column holds what, from a header row's words."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        lowered = cell.lower()
        if "mail" in lowered or any(w in lowered for w in ("почта", "邮箱", "邮件", "пошта")):
            found.setdefault("email", index)
        elif "lang" in lowered or any(w in lowered for w in ("язык", "语言", "тіл")):
            found.setdefault("language", index)
        elif any(w in lowered for w in ("name", "имя", "фио", "姓名", "名字", "аты")):
            found.setdefault("name", index)
    return found


def _read_row(cells: list[str], columns: dict[str, int] | None) -> tuple[str, str, str]:
    """(name, email, language) from a row: by the header's columns, or by what each cell
    looks like (the one with @ is the address, a known language word is the language)."""
    cells = [cell.strip() for cell in cells]
    by_header = columns and {"name", "email"} <= set(columns)
    if by_header and columns is not None:
        email_at = columns["email"]
        in_place = email_at < len(cells) and "@" in cells[email_at]
        by_header = in_place or not any("@" in cell for cell in cells)
    if by_header and columns is not None:

        def at(key: str) -> str:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        return at("name"), at("email"), at("language")
    email = next((cell for cell in cells if "@" in cell), "")
    if not email and len(cells) >= 2:
        # No address anywhere: read the columns in their usual order, so that the report
        # names the mistyped address rather than a missing one.
        return cells[0], cells[1], cells[2] if len(cells) > 2 else ""
    rest = [cell for cell in cells if cell and cell != email]
    language = next((cell for cell in reversed(rest) if language_code(cell)), "")
    if not language and len(rest) >= 2:
        language = rest[-1]  # an unknown language word, reported as such
    names = [cell for cell in rest if cell != language] if language else rest
    return " ".join(names), email, language


def check_lists(lists: list[Rows]) -> tuple[list[Recipient], list[RowProblem]]:
    """Every row of the lists as a recipient, or as a problem: a missing or invalid name,
    address or language, or an address listed twice."""
    people: list[Recipient] = []
    problems: list[RowProblem] = []
    seen: dict[str, tuple[str, int]] = {}
    for listed in lists:
        columns: dict[str, int] | None = None
        for position, (number, cells) in enumerate(listed.rows):
            if position == 0 and _is_header(cells):
                columns = _columns(cells)
                continue
            name, raw_email, raw_language = _read_row(cells, columns)
            text = " · ".join(cell for cell in cells if cell)
            email = normalize_email(raw_email)
            language = language_code(raw_language) if raw_language else None
            problem = ""
            if not email:
                problem = gettext("No e-mail address.")
            elif email_problem(email):
                problem = gettext("“%(value)s” is not a valid e-mail address.", value=raw_email)
            elif not name:
                problem = gettext("No name.")
            elif len(name) > 200:
                problem = gettext("The name is longer than 200 characters.")
            elif not raw_language:
                problem = gettext("No language: write zh, ru, kk or en.")
            elif language is None:
                problem = gettext(
                    "Unknown language “%(value)s”: write zh, ru, kk or en.", value=raw_language
                )
            elif email in seen:
                where, line = seen[email]
                problem = gettext(
                    "This address is listed twice (also in %(source)s, line %(line)d).",
                    source=where,
                    line=line,
                )
            if problem:
                problems.append(RowProblem(listed.source, number, text, problem))
                continue
            seen[email] = (listed.source, number)
            assert language is not None
            people.append(Recipient(name, email, language, Kind.listed))
    return people, problems
