"""Invitations to an event: organizers invite partner organizations (their coordinators), people
with accounts and listed guests; each recipient gets one e-mail in their own language with the
event's details, its calendar file and personal links to accept or decline; reminders go to
those who have not answered; organizers follow deliveries and answers in a tracking table.

One sending is a campaign. Its draft holds the checked recipients and the text in four
languages; sending it creates one invitation per recipient (`event_email` is unique: one per
person and event, ever; a second copy only by resending on purpose) and queues one outbox
message per invitation, in a background job. The outbox rows are the truth for the progress
organizers watch, and their idempotency keys keep a repeated job from mailing anyone twice.

Personal links carry an opaque token: an HMAC, under the site's secret key, of the event, the
address and a random nonce. Only the token's SHA-256 is stored (to find the invitation); the
token is computed again whenever a mail is built, and checked against its binding on use.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import hmac
import io
import re
import secrets
import unicodedata
import zipfile
from collections import Counter
from contextlib import AbstractAsyncContextManager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from piccolo.query.functions.aggregate import Count

from core import i18n, jobqueue, mail, outbox
from core.access import Viewer, rule
from core.accounts import email_problem, normalize_email
from core.audit import record
from core.content import Translated, json_value, plain_text
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, gettext, lazy_gettext
from core.moments import local_input, read_moment
from core.paging import Page, order, paginate
from core.settings import get_settings
from core.tables import Membership, Organization, OutboxStatus, Role, User
from events.invitations.tables import Answer, CampaignStatus, Invitation, InvitationCampaign, Kind
from events.services import mail_context, registrations
from events.services.calendar import event_calendar
from events.services.exports import moment_text
from events.services.labels import registration_status_labels
from events.services.registrations import Person
from events.tables import Event, Registration

CAMPAIGN_JOB = "send_invitation_campaign"
MAIL_TEMPLATE = "invitation"
REMINDER_TEMPLATE = "invitation_reminder"
MAX_RECIPIENTS = 20_000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_REMINDERS = 3
SUBJECT_LIMIT = 200
MESSAGE_LIMIT = 5000
BATCH = 200  # invitations created, or mails queued, per round trip
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
SHOWN_PROBLEMS = 200  # bad rows listed on the form; the count says how many more


WAITING = "waiting"  # an invitation whose mail is not in the outbox yet

KIND_LABELS = {
    Kind.organization: lazy_gettext("Partner organization"),
    Kind.account: lazy_gettext("Account"),
    Kind.listed: lazy_gettext("From a list"),
}
ANSWER_LABELS = {
    Answer.pending: lazy_gettext("No answer yet"),
    Answer.accepted: lazy_gettext("Accepted"),
    Answer.declined: lazy_gettext("Declined"),
}
DELIVERY_LABELS = {
    WAITING: lazy_gettext("Being prepared"),
    OutboxStatus.queued.value: lazy_gettext("Queued"),
    OutboxStatus.sending.value: lazy_gettext("Sending"),
    OutboxStatus.sent.value: lazy_gettext("Sent"),
    OutboxStatus.failed.value: lazy_gettext("Failed"),
}
# The same groups counted in a draft's summary.
KIND_COUNT_LABELS = {
    Kind.organization: lazy_gettext("Coordinators of partner organizations"),
    Kind.account: lazy_gettext("People with accounts"),
    Kind.listed: lazy_gettext("People from lists"),
}
CAMPAIGN_STATUS_LABELS = {
    CampaignStatus.draft: lazy_gettext("Draft"),
    CampaignStatus.sending: lazy_gettext("Sending"),
    CampaignStatus.sent: lazy_gettext("Sent"),
}
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


@rule("event.invite")
def _invite(_viewer: Viewer, _event: Any) -> bool:
    return False  # organizers only (admins pass every rule)


def kind_labels() -> dict[str, str]:
    return {key: str(label) for key, label in KIND_LABELS.items()}


def kind_count_labels() -> dict[str, str]:
    return {key: str(label) for key, label in KIND_COUNT_LABELS.items()}


def answer_labels() -> dict[str, str]:
    return {key: str(label) for key, label in ANSWER_LABELS.items()}


def delivery_labels() -> dict[str, str]:
    return {key: str(label) for key, label in DELIVERY_LABELS.items()}


def campaign_status_labels() -> dict[str, str]:
    return {key: str(label) for key, label in CAMPAIGN_STATUS_LABELS.items()}


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- personal tokens -------------------------------------------------------------------------


def _token(event_id: int, email: str, nonce: str) -> str:
    """The personal token: bound to the event and the address, unguessable without the key."""
    key = get_settings().secret_key.encode()
    signed = f"hongshan-invitation\x00{event_id}\x00{email}\x00{nonce}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(invitation: dict[str, Any]) -> str:
    return _token(invitation["event"], invitation["email"], invitation["token_nonce"])


# --- reading lists of people -----------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    language: str
    kind: str
    organization: int | None = None
    user: int | None = None


@dataclass(frozen=True)
class RowProblem:
    """One bad row of a pasted list or an uploaded file, as the organizer sees it."""

    source: str
    line: int
    text: str
    problem: str


@dataclass
class _Rows:
    """Rows read from one list: each with where it came from."""

    source: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


class RecipientsRefused(ValidationFailed):
    """The form's errors, plus every bad row of the lists: nothing is saved."""

    def __init__(self, errors: dict[str, str], problems: list[RowProblem]) -> None:
        super().__init__(errors)
        self.problems = problems


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


def pasted_rows(text: str) -> _Rows:
    rows = _Rows(source=gettext("Pasted list"))
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


def file_rows(filename: str, content: bytes) -> _Rows:
    """Rows of an uploaded CSV or XLSX file. ValueError (with a sentence for the organizer)
    when the file cannot be read."""
    source = gettext("File %(name)s", name=filename)
    rows = _Rows(source=source)
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


def check_lists(lists: list[_Rows]) -> tuple[list[Recipient], list[RowProblem]]:
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


# --- choosing recipients ---------------------------------------------------------------------


async def organization_choices() -> list[dict[str, Any]]:
    """Partner organizations with how many coordinators each has (who would be mailed)."""
    organizations = await Organization.select(
        Organization.id, Organization.slug, Organization.name, Organization.country
    ).order_by(Organization.slug)
    counts = Counter(row["organization"] for row in await _coordinators(None))
    for row in organizations:
        row["coordinators"] = counts.get(row["id"], 0)
        row["label"] = plain_text(row["name"], current_language())
    return sorted(organizations, key=lambda row: row["label"].casefold())


async def account_choices() -> list[dict[str, Any]]:
    return (
        await User.select(User.id, User.name, User.email, User.role, User.language)
        .where(User.is_active == True)
        .order_by(User.name)
        .order_by(User.email)
    )


async def _coordinators(organization_ids: list[int] | None) -> list[dict[str, Any]]:
    condition = (Membership.user.role == Role.coordinator.value) & (
        Membership.user.is_active == True
    )
    if organization_ids is not None:
        condition &= Membership.organization.is_in(organization_ids or [0])
    return (
        await Membership.select(
            Membership.organization,
            Membership.user.id.as_alias("user_id"),
            Membership.user.name.as_alias("name"),
            Membership.user.email.as_alias("email"),
            Membership.user.language.as_alias("language"),
        )
        .where(condition)
        .order_by(Membership.id)
    )


async def _from_organizations(slugs: list[str], errors: dict[str, str]) -> list[Recipient]:
    if not slugs:
        return []
    chosen = await Organization.select(Organization.id, Organization.name).where(
        Organization.slug.is_in(slugs)
    )
    if len(chosen) != len(set(slugs)):
        errors["organizations"] = gettext("Choose organizations from the list.")
    rows = await _coordinators([row["id"] for row in chosen])
    covered = {row["organization"] for row in rows}
    empty = [
        plain_text(row["name"], current_language()) for row in chosen if row["id"] not in covered
    ]
    if empty:
        errors["organizations"] = gettext(
            "No coordinator account acts for %(names)s yet: add a coordinator first, or "
            "invite its people by e-mail in a list.",
            names=i18n.format_list(sorted(empty)),
        )
    order_of = {row["id"]: index for index, row in enumerate(chosen)}
    rows.sort(key=lambda row: order_of.get(row["organization"], 0))
    return [
        Recipient(
            name=row["name"] or row["email"],
            email=row["email"],
            language=row["language"] if row["language"] in LANGUAGES else "zh",
            kind=Kind.organization,
            organization=row["organization"],
            user=row["user_id"],
        )
        for row in rows
    ]


async def _from_accounts(ids: list[str], errors: dict[str, str]) -> list[Recipient]:
    wanted = sorted({int(value) for value in ids if value.isdigit()})
    if not wanted:
        return []
    rows = await User.select(User.id, User.name, User.email, User.language).where(
        User.id.is_in(wanted) & (User.is_active == True)
    )
    if len(rows) != len(wanted):
        errors["users"] = gettext("Choose people from the list.")
    return [
        Recipient(
            name=row["name"] or row["email"],
            email=row["email"],
            language=row["language"] if row["language"] in LANGUAGES else "zh",
            kind=Kind.account,
            user=row["id"],
        )
        for row in rows
    ]


def _merged(groups: list[list[Recipient]]) -> tuple[list[Recipient], int]:
    """One recipient per address (organizations first, then accounts, then lists), and how
    many repeats were merged."""
    chosen: dict[str, Recipient] = {}
    repeats = 0
    for group in groups:
        for person in group:
            if person.email in chosen:
                repeats += 1
                continue
            chosen[person.email] = person
    return list(chosen.values()), repeats


# --- the text ----------------------------------------------------------------------------------


def _translated(data: dict[str, str], name: str, source: str) -> Translated:
    return Translated(
        source=source if source in LANGUAGES else "zh",
        text={lang: data.get(f"{name}_{lang}", "") for lang in LANGUAGES},
    )


def standard_text(event: dict[str, Any]) -> dict[str, str]:
    """The site's own invitation wording in every language, as form values to start from."""
    values: dict[str, str] = {"source_language": current_language()}
    for lang in LANGUAGES:
        with i18n.language(lang):
            title = plain_text(event["title"], lang)
            values[f"subject_{lang}"] = gettext("Invitation: %(event)s", event=title)
            values[f"message_{lang}"] = gettext(
                "We have the honour of inviting you to %(event)s.\n\n"
                "The programme and practical details are on the event's page. Please let us "
                "know whether you will take part with the links below.",
                event=title,
            )
    return values


def text_values(campaign: dict[str, Any]) -> dict[str, str]:
    subject = Translated.load(json_value(campaign["subject"], None))
    message = Translated.load(json_value(campaign["message"], None))
    values = {"source_language": subject.source}
    for lang in LANGUAGES:
        values[f"subject_{lang}"] = subject.text.get(lang, "")
        values[f"message_{lang}"] = message.text.get(lang, "")
    return values


def written_languages(campaign: dict[str, Any]) -> list[str]:
    """The languages a sending's subject is written in."""
    subject = Translated.load(json_value(campaign["subject"], None))
    return [lang for lang in LANGUAGES if lang in subject.text]


def paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines) of lines, for the mail's HTML part."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [[line.rstrip() for line in block.split("\n")] for block in blocks if block.strip()]


# --- drafts ------------------------------------------------------------------------------------


@dataclass
class DraftInput:
    """What the organizer submitted: the form's fields, chosen organizations and accounts,
    and an uploaded file if any."""

    data: dict[str, str]
    organizations: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    file_name: str = ""
    file_content: bytes | None = None


def _schedule(
    event: dict[str, Any], data: dict[str, str], errors: dict[str, str]
) -> tuple[datetime, list[datetime]]:
    zone = event["timezone"]
    now = _now()
    expires = read_moment(data, "expires_at", zone, errors) or _aware(event["starts_at"])
    if "expires_at" not in errors:
        if expires <= now:
            errors["expires_at"] = gettext("Choose a moment in the future.")
        elif expires > _aware(event["ends_at"]):
            errors["expires_at"] = gettext("Answers cannot be due after the event has ended.")
    rounds: list[datetime] = []
    for number in range(1, MAX_REMINDERS + 1):
        name = f"reminder_{number}"
        moment = read_moment(data, name, zone, errors)
        if moment is None:
            continue
        if moment <= now:
            errors[name] = gettext("Choose a moment in the future.")
        elif moment >= expires:
            errors[name] = gettext("Reminders go before answers are due.")
        else:
            rounds.append(moment)
    return expires, sorted(set(rounds))


async def _check(
    event: dict[str, Any], submitted: DraftInput
) -> tuple[list[Recipient], dict[str, Any]]:
    """Every check of a draft; RecipientsRefused lists what is wrong, and nothing is kept."""
    data = submitted.data
    errors: dict[str, str] = {}
    lists = [pasted_rows(data.get("people", ""))]
    if submitted.file_content is not None:
        try:
            lists.append(file_rows(submitted.file_name or "?", submitted.file_content))
        except ValueError as error:
            errors["people_file"] = str(error)
    listed, problems = check_lists(lists)
    if problems:
        errors["people"] = _problems_sentence(len(problems))
    groups = [
        await _from_organizations(submitted.organizations, errors),
        await _from_accounts(submitted.users, errors),
        listed,
    ]
    recipients, repeats = _merged(groups)
    if not recipients and not errors:
        errors[""] = gettext("Choose at least one recipient.")
    if len(recipients) > MAX_RECIPIENTS:
        errors[""] = gettext(
            "At most %(limit)s people can be invited at once.",
            limit=i18n.format_number(MAX_RECIPIENTS),
        )
    source = data.get("source_language", "zh")
    subject = _translated(data, "subject", source)
    message = _translated(data, "message", source)
    for lang in LANGUAGES:
        if len(subject.text.get(lang, "")) > SUBJECT_LIMIT:
            errors[f"subject_{lang}"] = gettext("Use at most %(num)d characters.", num=200)
        if len(message.text.get(lang, "")) > MESSAGE_LIMIT:
            errors[f"message_{lang}"] = gettext("Use at most %(num)d characters.", num=5000)
    needed = sorted({person.language for person in recipients}, key=LANGUAGES.index)
    if not recipients:
        needed = [source if source in LANGUAGES else "zh"]
    for lang in needed:
        count = sum(1 for person in recipients if person.language == lang)
        for name, content in (("subject", subject), ("message", message)):
            if lang not in content.text:
                errors.setdefault(
                    f"{name}_{lang}",
                    i18n.ngettext(
                        "%(num)d recipient reads %(language)s: write this in it too.",
                        "%(num)d recipients read %(language)s: write this in it too.",
                        count,
                        language=LANGUAGE_NAMES[lang],
                    )
                    if count
                    else gettext("Write this in the language it is written first in."),
                )
    expires, rounds = _schedule(event, data, errors)
    if errors:
        raise RecipientsRefused(errors, problems)
    values = {
        "subject": subject.dump(),
        "message": message.dump(),
        "recipients": [asdict(person) for person in recipients],
        "planned": len(recipients),
        "expires_at": expires,
        "reminders": [moment.isoformat() for moment in rounds],
    }
    return recipients, {**values, "merged": repeats}


def _problems_sentence(count: int) -> str:
    return i18n.ngettext(
        "%(num)d row of the list has a problem: correct it and check again. Nothing was saved.",
        "%(num)d rows of the lists have problems: correct them and check again. Nothing was saved.",
        count,
    )


async def create_draft(
    actor: Viewer, event: dict[str, Any], submitted: DraftInput, client: str = ""
) -> int:
    """A checked draft, ready to preview and send. Raises RecipientsRefused."""
    _recipients, values = await _check(event, submitted)
    merged = values.pop("merged")
    inserted = await InvitationCampaign.insert(
        InvitationCampaign(event=event["id"], created_by=actor.id, **values)
    ).returning(InvitationCampaign.id)
    campaign_id = inserted[0]["id"]
    await record(
        actor,
        "invitation.draft",
        "event",
        event["id"],
        client=client,
        after={"campaign": campaign_id, "recipients": values["planned"], "merged": merged},
    )
    return campaign_id


async def update_draft(
    actor: Viewer,
    event: dict[str, Any],
    campaign: dict[str, Any],
    submitted: DraftInput,
    client: str = "",
) -> None:
    _recipients, values = await _check(event, submitted)
    values.pop("merged")
    updated = (
        await InvitationCampaign.update(
            {getattr(InvitationCampaign, key): value for key, value in values.items()}
        )
        .where(
            (InvitationCampaign.id == campaign["id"])
            & (InvitationCampaign.status == CampaignStatus.draft)
        )
        .returning(InvitationCampaign.id)
    )
    if not updated:
        raise ValidationFailed({"": gettext("This invitation has already been sent.")})
    await record(
        actor,
        "invitation.draft_update",
        "event",
        event["id"],
        client=client,
        after={"campaign": campaign["id"], "recipients": values["planned"]},
    )


async def discard_draft(
    actor: Viewer, event: dict[str, Any], campaign: dict[str, Any], client: str = ""
) -> None:
    deleted = (
        await InvitationCampaign.delete()
        .where(
            (InvitationCampaign.id == campaign["id"])
            & (InvitationCampaign.status == CampaignStatus.draft)
        )
        .returning(InvitationCampaign.id)
    )
    if not deleted:
        raise ValidationFailed({"": gettext("This invitation has already been sent.")})
    await record(
        actor,
        "invitation.discard",
        "event",
        event["id"],
        client=client,
        after={"campaign": campaign["id"]},
    )


def draft_form_values(event: dict[str, Any], campaign: dict[str, Any]) -> dict[str, Any]:
    """A draft back in its form: the text, the schedule, the chosen organizations and accounts,
    and every listed person as a line of the pasted list."""
    values: dict[str, Any] = text_values(campaign)
    values["expires_at"] = local_input(campaign["expires_at"], event["timezone"])
    for number, moment in enumerate(json_value(campaign["reminders"], []), start=1):
        values[f"reminder_{number}"] = local_input(
            datetime.fromisoformat(moment), event["timezone"]
        )
    people = [Recipient(**row) for row in json_value(campaign["recipients"], [])]
    values["people"] = "\n".join(
        f"{p.name}, {p.email}, {p.language}" for p in people if p.kind == Kind.listed
    )
    return values


async def draft_choices(campaign: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The organizations (slugs) and accounts (ids) a draft was made with."""
    people = [Recipient(**row) for row in json_value(campaign["recipients"], [])]
    organization_ids = sorted({p.organization for p in people if p.organization})
    slugs = (
        [
            row["slug"]
            for row in await Organization.select(Organization.slug).where(
                Organization.id.is_in(organization_ids)
            )
        ]
        if organization_ids
        else []
    )
    users = [str(p.user) for p in people if p.kind == Kind.account and p.user]
    return slugs, users


# --- reading campaigns -------------------------------------------------------------------------


async def get_campaign(event_id: int, campaign_id: int) -> dict[str, Any] | None:
    return (
        await InvitationCampaign.select()
        .where((InvitationCampaign.id == campaign_id) & (InvitationCampaign.event == event_id))
        .first()
    )


async def campaigns(event_id: int) -> list[dict[str, Any]]:
    rows = (
        await InvitationCampaign.select(
            InvitationCampaign.id,
            InvitationCampaign.status,
            InvitationCampaign.subject,
            InvitationCampaign.planned,
            InvitationCampaign.created_at,
            InvitationCampaign.sent_at,
            InvitationCampaign.reminders,
            InvitationCampaign.reminders_done,
        )
        .where(InvitationCampaign.event == event_id)
        .order_by(InvitationCampaign.id, ascending=False)
    )
    for row in rows:
        row["subject"] = json_value(row["subject"], None)
        row["reminders"] = json_value(row["reminders"], [])
        row["label"] = plain_text(row["subject"], current_language())
        row["progress"] = await progress(row)
    return rows


async def earlier_texts(limit: int = 30) -> list[dict[str, Any]]:
    """Texts of earlier sendings (of any event), to start a new one from."""
    rows = (
        await InvitationCampaign.select(
            InvitationCampaign.id,
            InvitationCampaign.subject,
            InvitationCampaign.created_at,
            InvitationCampaign.event.title.as_alias("event_title"),
        )
        .order_by(InvitationCampaign.id, ascending=False)
        .limit(limit)
    )
    lang = current_language()
    for row in rows:
        row["label"] = gettext(
            "%(subject)s (%(event)s, %(date)s)",
            subject=plain_text(row["subject"], lang),
            event=plain_text(row["event_title"], lang),
            date=i18n.format_date(row["created_at"]),
        )
    return rows


async def text_of(campaign_id: int) -> dict[str, str] | None:
    row = await InvitationCampaign.select().where(InvitationCampaign.id == campaign_id).first()
    return text_values(row) if row else None


async def draft_summary(event: dict[str, Any], campaign: dict[str, Any]) -> dict[str, Any]:
    """Who a draft goes to: counts by kind and language, and who is skipped because they
    already have an invitation to this event."""
    people = [Recipient(**row) for row in json_value(campaign["recipients"], [])]
    invited = {
        row["email"]
        for row in await Invitation.select(Invitation.email).where(Invitation.event == event["id"])
    }
    skipped = [p for p in people if p.email in invited]
    new = [p for p in people if p.email not in invited]
    names = {
        row["id"]: plain_text(row["name"], current_language())
        for row in await Organization.select(Organization.id, Organization.name).where(
            Organization.id.is_in(sorted({p.organization for p in people if p.organization}) or [0])
        )
    }
    return {
        "total": len(new),
        "by_kind": Counter(p.kind for p in new),
        "by_language": Counter(p.language for p in new),
        "organizations": sorted({names.get(p.organization, "") for p in new if p.organization}),
        "skipped": skipped,
        "sample": new[:100],
        "organization_names": names,
    }


# --- the mail ----------------------------------------------------------------------------------


def _attachment(event: dict[str, Any], lang: str) -> dict[str, str]:
    return {
        "filename": f"{event['slug']}.ics",
        "content_type": "text/calendar; charset=utf-8",
        "data_b64": base64.b64encode(event_calendar(event, lang)).decode("ascii"),
    }


class _MailParts:
    """What every mail of one sending shares, per language: built once, not per recipient."""

    def __init__(self, event: dict[str, Any], campaign: dict[str, Any]) -> None:
        self.event = event
        self.subject = Translated.load(json_value(campaign["subject"], None))
        self.message = Translated.load(json_value(campaign["message"], None))
        self._shared: dict[str, dict[str, Any]] = {}
        self._organizations: dict[int, Any] = {}

    def shared(self, lang: str, expires_at: datetime) -> dict[str, Any]:
        key = f"{lang}:{expires_at.isoformat()}"
        if key not in self._shared:
            event = self.event
            with i18n.language(lang):
                self._shared[key] = {
                    "event_id": event["id"],
                    "subject": self.subject.show(lang).text,
                    "message": paragraphs(self.message.show(lang).text),
                    "event_title": plain_text(event["title"], lang),
                    "summary": plain_text(event["summary"], lang),
                    "venue": plain_text(event["venue"], lang),
                    "city": plain_text(event["city"], lang),
                    "map_url": event["map_url"] or "",
                    "when": mail_context.event_when(event),
                    "respond_by": i18n.format_datetime(expires_at, event["timezone"]),
                    "event_link": mail_context.event_path(lang, event["slug"]),
                    "group_link": f"/{lang}/events/{event['slug']}/register/group",
                    "attachments": [_attachment(event, lang)],
                }
        return self._shared[key]

    async def organization(self, organization_id: int | None) -> Any:
        if organization_id is None:
            return None
        if organization_id not in self._organizations:
            row = (
                await Organization.select(Organization.name)
                .where(Organization.id == organization_id)
                .first()
            )
            self._organizations[organization_id] = row["name"] if row else None
        return self._organizations[organization_id]

    async def context(self, invitation: dict[str, Any]) -> dict[str, Any]:
        lang = invitation["language"] if invitation["language"] in LANGUAGES else "zh"
        token = token_of(invitation)
        name = await self.organization(invitation["organization"])
        return {
            **self.shared(lang, _aware(invitation["expires_at"])),
            "invitation_id": invitation["id"],
            "name": invitation["name"],
            "organization": plain_text(name, lang) if name else "",
            "invitation_link": f"/{lang}/invitations/{token}/",
            "accept_link": f"/{lang}/invitations/{token}/accept",
            "decline_link": f"/{lang}/invitations/{token}/decline",
        }


async def _queue(
    parts: _MailParts, invitation: dict[str, Any], key: str, template: str = MAIL_TEMPLATE
) -> int:
    return await outbox.queue_mail(
        key=key,
        recipient=invitation["email"],
        language=invitation["language"],
        template=template,
        context=await parts.context(invitation),
    )


def _key_base(invitation: dict[str, Any]) -> str:
    # The id alone could come back (SQLite reuses the highest id after a delete); a piece of
    # the token's hash makes the key this invitation's own, and tells nothing of the token.
    return f"invitation:{invitation['id']}-{invitation['token_hash'][:12]}"


def send_key(invitation: dict[str, Any], sends: int) -> str:
    """One outbox key per invitation and purposeful send: a repeated job finds it taken."""
    return f"{_key_base(invitation)}:send:{sends}"


def reminder_key(invitation: dict[str, Any], round_number: int) -> str:
    """One outbox key per invitation and reminder round: a round never mails anyone twice."""
    return f"{_key_base(invitation)}:reminder:{round_number}"


def preview(
    event: dict[str, Any], campaign: dict[str, Any], lang: str, name: str
) -> mail.RenderedMail:
    """The mail as a recipient reading `lang` gets it (with placeholder links)."""
    parts = _MailParts(event, campaign)
    shared = dict(parts.shared(lang, _aware(campaign["expires_at"])))
    shared.pop("attachments")
    placeholder = "…"
    context = {
        **shared,
        "name": name,
        "organization": "",
        "invitation_link": f"/{lang}/invitations/{placeholder}/",
        "accept_link": f"/{lang}/invitations/{placeholder}/accept",
        "decline_link": f"/{lang}/invitations/{placeholder}/decline",
    }
    return mail.render(MAIL_TEMPLATE, lang, context)


# --- sending -----------------------------------------------------------------------------------


async def send(
    actor: Viewer, event: dict[str, Any], campaign: dict[str, Any], client: str = ""
) -> None:
    """Start sending a draft: the job creates the invitations and queues their mails."""
    summary = await draft_summary(event, campaign)
    if summary["total"] == 0:
        raise ValidationFailed(
            {"": gettext("Everyone on this draft already has an invitation to this event.")}
        )
    if _aware(campaign["expires_at"]) <= _now():
        raise ValidationFailed(
            {"": gettext("The answer-by date has passed: change it before sending.")}
        )
    started = (
        await InvitationCampaign.update(
            {
                InvitationCampaign.status: CampaignStatus.sending,
                InvitationCampaign.planned: summary["total"],
                InvitationCampaign.sent_at: _now(),
            }
        )
        .where(
            (InvitationCampaign.id == campaign["id"])
            & (InvitationCampaign.status == CampaignStatus.draft)
        )
        .returning(InvitationCampaign.id)
    )
    if not started:
        return  # sent already (a second click): nothing more to do
    await record(
        actor,
        "invitation.send",
        "event",
        event["id"],
        client=client,
        after={
            "campaign": campaign["id"],
            "recipients": summary["total"],
            "skipped": len(summary["skipped"]),
        },
    )
    await trigger(campaign["id"])


async def trigger(campaign_id: int) -> None:
    await jobqueue.enqueue(CAMPAIGN_JOB, campaign_id, job_id=f"invitation-campaign:{campaign_id}")


def _new_invitation(
    event_id: int, campaign: dict[str, Any], person: Recipient, now: datetime
) -> Invitation:
    nonce = secrets.token_urlsafe(18)
    return Invitation(
        event=event_id,
        campaign=campaign["id"],
        event_email=f"{event_id}:{person.email}",
        kind=person.kind,
        organization=person.organization,
        user=person.user,
        name=person.name,
        email=person.email,
        language=person.language,
        token_hash=token_hash(_token(event_id, person.email, nonce)),
        token_nonce=nonce,
        expires_at=campaign["expires_at"],
        invited_by=campaign["created_by"],
        invited_at=now,
    )


def _mail_batch() -> AbstractAsyncContextManager[Any]:
    """How a batch of mails is queued. SQLite: in one transaction, since a commit per message
    would make the database, not the mail server, the limit; a send job triggered inside it
    waits for SQLite's single write lock and then finds its row. PostgreSQL: without one, as
    a job triggered inside a transaction could look before the commit, find nothing, and
    leave the message to the next sweep a minute later."""
    if get_settings().is_sqlite:
        return write_transaction()
    return contextlib.nullcontext()


async def run_campaign(campaign_id: int) -> int:
    """The job behind a sending; safe to run again at any point (a crashed worker, a
    duplicate trigger). Creates the invitations (those already invited to the event are
    skipped by the unique `event_email`), then queues one mail for each invitation that has
    none yet, under a key per invitation and send. Returns how many mails it queued."""
    campaign = await InvitationCampaign.select().where(InvitationCampaign.id == campaign_id).first()
    if campaign is None or campaign["status"] != CampaignStatus.sending:
        return 0
    event = await Event.select().where(Event.id == campaign["event"]).first()
    if event is None:
        return 0
    people = [Recipient(**row) for row in json_value(campaign["recipients"], [])]
    now = _now()
    for start in range(0, len(people), BATCH):
        rows = [
            _new_invitation(event["id"], campaign, p, now) for p in people[start : start + BATCH]
        ]
        await Invitation.insert(*rows).on_conflict(
            target=Invitation.event_email, action="DO NOTHING"
        )
    created = await Invitation.count().where(Invitation.campaign == campaign_id)
    await InvitationCampaign.update({InvitationCampaign.planned: created}).where(
        InvitationCampaign.id == campaign_id
    )
    parts = _MailParts(event, campaign)
    queued = 0
    while True:
        batch = (
            await Invitation.select()
            .where((Invitation.campaign == campaign_id) & Invitation.message.is_null())
            .order_by(Invitation.id)
            .limit(BATCH)
        )
        if not batch:
            break
        async with _mail_batch():
            for invitation in batch:
                message_id = await _queue(parts, invitation, send_key(invitation, 1))
                await Invitation.update({Invitation.message: message_id}).where(
                    Invitation.id == invitation["id"]
                )
        queued += len(batch)
    # The list has served its purpose: the invitations hold who was invited from now on.
    await InvitationCampaign.update(
        {InvitationCampaign.status: CampaignStatus.sent, InvitationCampaign.recipients: []}
    ).where(
        (InvitationCampaign.id == campaign_id)
        & (InvitationCampaign.status == CampaignStatus.sending)
    )
    return queued


async def resume_stalled() -> int:
    """Trigger again every sending whose job may have been lost (a worker that died); a
    trigger while the job waits or runs is a no-op, and a repeated run does no harm."""
    rows = await InvitationCampaign.select(InvitationCampaign.id).where(
        InvitationCampaign.status == CampaignStatus.sending
    )
    for row in rows:
        await trigger(row["id"])
    return len(rows)


# --- progress ----------------------------------------------------------------------------------


async def progress(campaign: dict[str, Any]) -> dict[str, Any]:
    """Queued, sent and failed mails of one sending, from the outbox rows; mails not in the
    outbox yet count as queued."""
    if campaign["status"] == CampaignStatus.draft:
        return {"total": 0, "queued": 0, "sent": 0, "failed": 0, "done": False, "percent": 0}
    rows = (
        await Invitation.select(Invitation.message.status.as_alias("status"), Count(alias="n"))
        .where(Invitation.campaign == campaign["id"])
        .group_by(Invitation.message.status)
    )
    counts = {row["status"]: row["n"] for row in rows}
    sent = counts.get(OutboxStatus.sent.value, 0)
    failed = counts.get(OutboxStatus.failed.value, 0)
    total = max(campaign["planned"], sum(counts.values()))
    queued = max(total - sent - failed, 0)
    done = campaign["status"] == CampaignStatus.sent and queued == 0
    return {
        "total": total,
        "queued": queued,
        "sent": sent,
        "failed": failed,
        "done": done,
        "percent": round(100 * (sent + failed) / total) if total else 100,
    }


async def failures(campaign_id: int, limit: int = 200) -> list[dict[str, Any]]:
    return (
        await Invitation.select(
            Invitation.id,
            Invitation.name,
            Invitation.email,
            Invitation.message.last_error.as_alias("error"),
            Invitation.message.attempts.as_alias("attempts"),
        )
        .where(
            (Invitation.campaign == campaign_id)
            & (Invitation.message.status == OutboxStatus.failed.value)
        )
        .order_by(Invitation.id)
        .limit(limit)
    )


async def retry(actor: Viewer, invitation: dict[str, Any], client: str = "") -> bool:
    """A failed mail goes again (the same message: a fresh round of attempts)."""
    if invitation["message"] is None or not await outbox.resend(invitation["message"]):
        return False
    await record(actor, "invitation.retry", "invitation", invitation["id"], client=client, after={})
    return True


async def retry_failed(actor: Viewer, campaign: dict[str, Any], client: str = "") -> int:
    rows = await Invitation.select(Invitation.message).where(
        (Invitation.campaign == campaign["id"])
        & (Invitation.message.status == OutboxStatus.failed.value)
    )
    retried = 0
    for row in rows:
        retried += int(await outbox.resend(row["message"]))
    await record(
        actor,
        "invitation.retry_failed",
        "event",
        campaign["event"],
        client=client,
        after={"campaign": campaign["id"], "retried": retried},
    )
    return retried


async def resend(
    actor: Viewer, event: dict[str, Any], invitation: dict[str, Any], client: str = ""
) -> None:
    """Send an invitation again on purpose: a new mail with the same personal links. Two
    clicks at once compute the same key, so they still queue one mail."""
    campaign = (
        await InvitationCampaign.select()
        .where(InvitationCampaign.id == invitation["campaign_id"])  # stored as campaign_id
        .first()
    )
    assert campaign is not None
    if _aware(invitation["expires_at"]) <= _now():
        raise ValidationFailed({"": gettext("This invitation has expired.")})
    sends = invitation["sends"] + 1
    message_id = await _queue(_MailParts(event, campaign), invitation, send_key(invitation, sends))
    await Invitation.update({Invitation.sends: sends, Invitation.message: message_id}).where(
        (Invitation.id == invitation["id"]) & (Invitation.sends < sends)
    )
    await record(
        actor,
        "invitation.resend",
        "invitation",
        invitation["id"],
        client=client,
        after={"sends": sends},
    )


# --- reminders ---------------------------------------------------------------------------------


def reminder_rounds(campaign: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(value) for value in json_value(campaign["reminders"], [])]


async def send_due_reminders(now: datetime | None = None) -> int:
    """The cron job's work: for each sending with a reminder round due, mail everyone who
    has not answered yet (and whose invitation did arrive). Only the latest due round goes
    (rounds missed while no worker ran are not sent in a burst); each mail's key names the
    invitation and the round, so a round is never mailed twice to anyone."""
    now = now or _now()
    queued = 0
    rows = await InvitationCampaign.select().where(
        InvitationCampaign.status.is_in([CampaignStatus.sending, CampaignStatus.sent])
        & (InvitationCampaign.expires_at > now)
    )
    for campaign in rows:
        rounds = reminder_rounds(campaign)
        due = [n for n, moment in enumerate(rounds) if moment <= now]
        if not due or due[-1] < campaign["reminders_done"]:
            continue
        number = due[-1]
        queued += await _remind(campaign, number, rounds[number], now)
        await InvitationCampaign.update({InvitationCampaign.reminders_done: number + 1}).where(
            (InvitationCampaign.id == campaign["id"])
            & (InvitationCampaign.reminders_done <= number)
        )
    return queued


async def _remind(campaign: dict[str, Any], number: int, moment: datetime, now: datetime) -> int:
    event = await Event.select().where(Event.id == campaign["event"]).first()
    if event is None:
        return 0
    parts = _MailParts(event, campaign)
    last_id = 0
    queued = 0
    while True:
        batch = (
            await Invitation.select()
            .where(
                (Invitation.campaign == campaign["id"])
                & (Invitation.id > last_id)
                & (Invitation.answer == Answer.pending)
                & Invitation.registration.is_null()
                & (Invitation.expires_at > now)
                & (Invitation.invited_at < moment)
                & (Invitation.message.status == OutboxStatus.sent.value)
            )
            .order_by(Invitation.id)
            .limit(BATCH)
        )
        if not batch:
            return queued
        async with _mail_batch():
            for invitation in batch:
                last_id = invitation["id"]
                key = reminder_key(invitation, number + 1)
                await _queue(parts, invitation, key, REMINDER_TEMPLATE)
                # Counted once per round: each round's moment is passed only once.
                await Invitation.update(
                    {
                        Invitation.reminders_sent: Invitation.reminders_sent + 1,
                        Invitation.last_reminded_at: now,
                    }
                ).where(
                    (Invitation.id == invitation["id"])
                    & (
                        Invitation.last_reminded_at.is_null()
                        | (Invitation.last_reminded_at < moment)
                    )
                )
                queued += 1


# --- the tracking table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    answer: str = ""
    delivery: str = ""
    kind: str = ""
    language: str = ""
    campaign: str = ""
    search: str = ""

    @classmethod
    def of(cls, **raw: str | None) -> Filters:
        def pick(name: str, allowed: Any) -> str:
            value = (raw.get(name) or "").strip()
            return value if value in allowed else ""

        campaign = (raw.get("campaign") or "").strip()
        return cls(
            answer=pick("answer", ANSWER_LABELS),
            delivery=pick("delivery", DELIVERY_LABELS),
            kind=pick("kind", KIND_LABELS),
            language=pick("language", LANGUAGES),
            campaign=campaign if campaign.isdigit() else "",
            search=(raw.get("q") or "").strip()[:200],
        )

    def as_form(self) -> dict[str, str]:
        return {
            "answer": self.answer,
            "delivery": self.delivery,
            "kind": self.kind,
            "language": self.language,
            "campaign": self.campaign,
            "q": self.search,
        }


SORTS = {
    "invited": Invitation.invited_at,
    "name": Invitation.name,
    "email": Invitation.email,
    "answer": Invitation.answer,
    "answered": Invitation.answered_at,
    "delivery": Invitation.message.status,
}
DEFAULT_SORT = "-invited"


def _contains(column: Any, text: str) -> Any:
    pattern = f"%{text}%"
    if Invitation._meta.db.engine_type == "sqlite":
        return column.like(pattern)
    return column.ilike(pattern)


def _where(event_id: int, filters: Filters) -> Any:
    condition = Invitation.event == event_id
    if filters.answer:
        condition &= Invitation.answer == filters.answer
    if filters.delivery == WAITING:
        condition &= Invitation.message.is_null()
    elif filters.delivery:
        condition &= Invitation.message.status == filters.delivery
    if filters.kind:
        condition &= Invitation.kind == filters.kind
    if filters.language:
        condition &= Invitation.language == filters.language
    if filters.campaign:
        condition &= Invitation.campaign == int(filters.campaign)
    if filters.search:
        condition &= _contains(Invitation.name, filters.search) | Invitation.email.like(
            f"%{filters.search.lower()}%"
        )
    return condition


def _select() -> Any:
    return Invitation.select(
        *Invitation.all_columns(),
        Invitation.message.status.as_alias("delivery"),
        Invitation.message.last_error.as_alias("delivery_error"),
        Invitation.message.sent_at.as_alias("delivered_at"),
        Invitation.organization.name.as_alias("organization_name"),
        Invitation.registration.code.as_alias("registration_code"),
        Invitation.registration.status.as_alias("registration_status"),
    )


def _prepared(row: dict[str, Any]) -> dict[str, Any]:
    row["delivery"] = row["delivery"] or WAITING
    row["organization_name"] = json_value(row["organization_name"], None)
    return row


async def _with_registrations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark who holds a live registration for the event, however they registered (through
    the invitation, the public form or their coordinator)."""
    missing = [row for row in rows if not row["registration_code"]]
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        found = {
            registration["active_key"]: registration
            for registration in await Registration.select(
                Registration.active_key, Registration.code, Registration.status
            ).where(Registration.active_key.is_in([row["event_email"] for row in chunk]))
        }
        for row in chunk:
            if registration := found.get(row["event_email"]):
                row["registration_code"] = registration["code"]
                row["registration_status"] = registration["status"]
    return rows


async def list_page(
    event_id: int, filters: Filters, sort: str = DEFAULT_SORT, page: int = 1
) -> tuple[Page, str]:
    condition = _where(event_id, filters)
    query, applied = order(_select().where(condition), sort, SORTS, DEFAULT_SORT)
    listing = await paginate(
        query.order_by(Invitation.id), Invitation.count().where(condition), page
    )
    for row in listing.items:
        _prepared(row)
    await _with_registrations(listing.items)
    return listing, applied


async def answer_counts(event_id: int) -> dict[str, int]:
    rows = (
        await Invitation.select(Invitation.answer, Count(alias="n"))
        .where(Invitation.event == event_id)
        .group_by(Invitation.answer)
    )
    found = {row["answer"]: row["n"] for row in rows}
    return {key: found.get(key, 0) for key in ANSWER_LABELS}


async def get_invitation(event_id: int, invitation_id: int) -> dict[str, Any] | None:
    return (
        await Invitation.select()
        .where((Invitation.id == invitation_id) & (Invitation.event == event_id))
        .first()
    )


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    content: bytes


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _header(zone_label: str) -> list[str]:
    return [
        gettext("Name"),
        gettext("E-mail address"),
        gettext("Language"),
        gettext("Organization"),
        gettext("Invited as"),
        gettext("Invited (%(zone)s)", zone=zone_label),
        gettext("Delivery"),
        gettext("Delivery problem"),
        gettext("Delivered (%(zone)s)", zone=zone_label),
        gettext("Answer"),
        gettext("Answered (%(zone)s)", zone=zone_label),
        gettext("Reminders sent"),
        gettext("Registration"),
    ]


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored UTC moment as the event's wall-clock time (Excel has no time zones)."""
    return _aware(value).astimezone(zone).replace(tzinfo=None, microsecond=0) if value else None


def _row_cells(row: dict[str, Any], zone: ZoneInfo) -> list[Any]:
    lang = current_language()
    organization = row["organization_name"]
    return [
        row["name"],
        row["email"],
        LANGUAGE_NAMES.get(row["language"], row["language"]),
        plain_text(organization, lang) if organization else "",
        kind_labels().get(row["kind"], row["kind"]),
        _local(row["invited_at"], zone),
        delivery_labels().get(row["delivery"], row["delivery"]),
        row["delivery_error"] if row["delivery"] == OutboxStatus.failed.value else "",
        _local(row["delivered_at"], zone),
        answer_labels().get(row["answer"], row["answer"]),
        _local(row["answered_at"], zone),
        row["reminders_sent"],
        registration_status_labels().get(row["registration_status"] or "", ""),
    ]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _width(value: Any) -> int:
    if isinstance(value, datetime | date):
        return 16
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def csv_bytes(event: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads Cyrillic and Chinese), times as
    `YYYY-MM-DD HH:MM` in the event's zone, named in the header."""
    zone = ZoneInfo(event["timezone"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(i18n.zone_name(event["timezone"], event["starts_at"])))
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in _row_cells(row, zone)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(event: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    """One sheet: a bold, frozen header row with filters, real dates in the event's zone."""
    zone = ZoneInfo(event["timezone"])
    book = Workbook()
    sheet = book.active
    name = "".join(ch for ch in gettext("Invitations") if ch not in "[]:*?/\\")[:31]
    sheet.title = name or "Sheet1"
    header = _header(i18n.zone_name(event["timezone"], event["starts_at"]))
    sheet.append(header)
    widths = [_width(title) for title in header]
    for row in rows:
        cells = _row_cells(row, zone)
        sheet.append(cells)
        widths = [max(w, _width(c)) for w, c in zip(widths, cells, strict=True)]
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="F6F3EE")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def export(
    event: dict[str, Any],
    filters: Filters,
    sort: str,
    kind: str,
    actor: Viewer,
    client: str = "",
) -> Export:
    """The filtered tracking table as a file (`kind` "csv" or "xlsx"); exports are logged."""
    query, _applied = order(
        _select().where(_where(event["id"], filters)), sort, SORTS, DEFAULT_SORT
    )
    rows = await _with_registrations(
        [_prepared(row) for row in await query.order_by(Invitation.id)]
    )
    day = datetime.now(ZoneInfo(event["timezone"])).date()
    filename = f"{event['slug']}-invitations-{day.isoformat()}.{kind}"
    if kind == "xlsx":
        result = Export(filename, XLSX_TYPE, xlsx_bytes(event, rows))
    else:
        result = Export(filename, CSV_TYPE, csv_bytes(event, rows))
    await record(
        actor,
        "invitation.export",
        "event",
        event["id"],
        client=client,
        after={
            "format": kind,
            "filters": {k: v for k, v in filters.as_form().items() if v},
            "rows": len(rows),
        },
    )
    return result


def local_moment(event: dict[str, Any]) -> Any:
    return lambda value: moment_text(_aware(value), event["timezone"])


# --- the recipient's side ----------------------------------------------------------------------


async def by_token(token: str) -> dict[str, Any] | None:
    """The invitation behind a personal token, if the token is well-formed, known and still
    bound to that invitation's event and address; None otherwise (the page is a 404)."""
    if not TOKEN_PATTERN.match(token):
        return None
    row = await Invitation.select().where(Invitation.token_hash == token_hash(token)).first()
    if row is None or not hmac.compare_digest(token_of(row), token):
        return None
    return row


def is_expired(invitation: dict[str, Any], now: datetime | None = None) -> bool:
    return _aware(invitation["expires_at"]) <= (now or _now())


async def answer(invitation: dict[str, Any], choice: str, client: str = "") -> None:
    """Record the recipient's own answer; they may change it until the invitation expires.
    The token found this one invitation, so no other answer can be touched."""
    if choice not in (Answer.accepted, Answer.declined):
        raise ValidationFailed({"": gettext("Choose whether you will take part.")})
    if is_expired(invitation):
        raise ValidationFailed({"": gettext("This invitation has expired.")})
    if choice == Answer.declined:
        live = await _live_registration(invitation)
        if live is not None:
            raise ValidationFailed(
                {"": gettext("You are registered for this event: cancel the registration instead.")}
            )
    if invitation["answer"] == choice:
        return
    await Invitation.update({Invitation.answer: choice, Invitation.answered_at: _now()}).where(
        Invitation.id == invitation["id"]
    )
    await record(
        None,
        f"invitation.{choice}",
        "invitation",
        invitation["id"],
        client=client,
        before={"answer": invitation["answer"]},
        after={"answer": choice},
    )


async def _live_registration(invitation: dict[str, Any]) -> dict[str, Any] | None:
    return (
        await Registration.select(Registration.id, Registration.code, Registration.status)
        .where(Registration.active_key == f"{invitation['event']}:{invitation['email']}")
        .first()
    )


async def live_registration(invitation: dict[str, Any]) -> dict[str, Any] | None:
    """The invitee's live registration for the event, if they have one (however made)."""
    return await _live_registration(invitation)


def prefill(invitation: dict[str, Any], lang: str) -> dict[str, str]:
    """The registration form's initial values for an invitee: what the invitation knows."""
    language = invitation["language"] if invitation["language"] in LANGUAGES else lang
    return {"name": invitation["name"], "email": invitation["email"], "language": language}


async def register(
    invitation: dict[str, Any],
    name: str,
    language: str,
    answers: dict[str, Any],
    *,
    viewer: Viewer | None = None,
    client: str = "",
) -> int:
    """Register the invitee (at the invited address, which the form does not change), also
    where the event does not let individuals register themselves: the invitation is the
    organizers' own choice. Accepting is recorded with it."""
    if is_expired(invitation):
        raise ValidationFailed({"": gettext("This invitation has expired.")})
    user_id = invitation["user"]
    if viewer is not None and viewer.is_authenticated and viewer.email == invitation["email"]:
        user_id = viewer.id
    person = Person(name=name, email=invitation["email"], language=language, answers=answers)
    ids = await registrations.register(
        invitation["event"],
        [person],
        organization_id=invitation["organization"],
        user_id=user_id,
        client=client,
    )
    now = _now()
    await Invitation.update(
        {
            Invitation.registration: ids[0],
            Invitation.answer: Answer.accepted,
            Invitation.answered_at: invitation["answered_at"] or now,
        }
    ).where(Invitation.id == invitation["id"])
    if invitation["answer"] != Answer.accepted:
        await record(
            None,
            "invitation.accepted",
            "invitation",
            invitation["id"],
            client=client,
            before={"answer": invitation["answer"]},
            after={"answer": Answer.accepted, "registration": ids[0]},
        )
    return ids[0]
