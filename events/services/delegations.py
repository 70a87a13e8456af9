"""Delegations: a partner organization's delegation to an event, its members with their passport
data, the foreign-affairs office's review (return with comments, approve), visa invitation
letters, arrival and departure, and the purge of passport data after the event.

States: draft → submitted → returned ⇄ submitted → approved → letters_issued → arrived →
departed. Coordinators edit their own organization's delegation while it is a draft or
returned, until the event's freeze date; the foreign-affairs office (`fao`) edits any time.
Passport numbers and dates of birth are sealed (events.services.passports): only `fao`
staff see them in clear, and each such view, export or download is audit-logged (without
the data). Mail is queued after the transaction that decided it has committed.
"""

from __future__ import annotations

import asyncio
import base64
import calendar
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.query.functions.aggregate import Count, Max

from core import i18n, jobqueue, outbox
from core.access import Viewer, rule
from core.accounts import email_problem, normalize_email
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import current_language, gettext, lazy_gettext
from core.tables import Membership, Organization, OutboxMessage, OutboxStatus, Role, User
from events.services import delegate_heads, mail_context, passports
from events.services import letters as letter_pdf
from events.services.events import local_input, read_moment
from events.tables import (
    Delegate,
    Delegation,
    DelegationStatus,
    Event,
    EventQuota,
    EventStatus,
    Registration,
    RegistrationStatus,
    VisaLetter,
)

RENDER_JOB = "render_visa_letters"
RETENTION_DAYS = 90  # passport data is purged this long after the event ends
NOTICE_DAYS = 7  # the dry-run report goes out this long before a purge
PASSPORT_VALID_MONTHS = 6
MAX_MEMBERS = 200

S = DelegationStatus
STATUS_LABELS = {
    S.draft: lazy_gettext("Draft"),
    S.submitted: lazy_gettext("Submitted for review"),
    S.returned: lazy_gettext("Returned for changes"),
    S.approved: lazy_gettext("Approved"),
    S.letters_issued: lazy_gettext("Letters issued"),
    S.arrived: lazy_gettext("Arrived"),
    S.departed: lazy_gettext("Departed"),
}
STATUS_BADGES = {
    S.draft: "",
    S.submitted: "queued",
    S.returned: "failed",
    S.approved: "ok",
    S.letters_issued: "ok",
    S.arrived: "ok",
    S.departed: "",
}
COORDINATOR_EDITS = (S.draft.value, S.returned.value)
# Delegations the boards plan with: everything the coordinator has handed in at least once.
ON_BOARDS = tuple(s.value for s in S if s != S.draft)

GENDERS = {
    "f": lazy_gettext("Female"),
    "m": lazy_gettext("Male"),
    "x": lazy_gettext("Unspecified (X)"),
}
DIETS = {
    "halal": lazy_gettext("Halal"),
    "vegetarian": lazy_gettext("Vegetarian"),
    "vegan": lazy_gettext("Vegan"),
}
TRANSPORTS = {
    "flight": lazy_gettext("Flight"),
    "train": lazy_gettext("Train"),
    "road": lazy_gettext("Car or bus"),
}
# Order of precedence: the first outranks the rest.
PROTOCOL_RANKS = {
    "head_of_city": lazy_gettext("Head of a city administration (mayor, akim, khokim)"),
    "deputy_head_of_city": lazy_gettext("Deputy head of a city administration"),
    "head_of_department": lazy_gettext("Head of a department or agency"),
    "deputy_head_of_department": lazy_gettext("Deputy head of a department or agency"),
    "head_of_institution": lazy_gettext("Head of a university, institute or company"),
    "official": lazy_gettext("Official or expert"),
}
SPOKEN_LANGUAGES = ("zh", "ru", "kk", "uz", "ky", "tg", "tk", "en", "ug", "tr", "fa", "ar")
# Where a visa letter's second language is Russian; elsewhere it is English.
RUSSIAN_LETTER_COUNTRIES = frozenset({"KZ", "KG", "UZ", "TJ", "TM", "RU", "BY", "AZ", "AM", "MD"})
LETTER_STATUSES = ("pending", "ready", "failed", "superseded", "purged")

LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z' .\-]*$")
CHINESE_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·・•\s]+$")
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
YES = frozenset({"yes", "on", "1", "true"})


def _now() -> datetime:
    return datetime.now(UTC)


def status_labels() -> dict[str, str]:
    return {status.value: str(label) for status, label in STATUS_LABELS.items()}


def labels(choices: dict[str, Any]) -> dict[str, str]:
    return {key: str(label) for key, label in choices.items()}


def language_name(code: str) -> str:
    return i18n.locale(current_language()).languages.get(code, code)


def language_labels() -> dict[str, str]:
    return {code: language_name(code) for code in SPOKEN_LANGUAGES}


def country_choices() -> list[tuple[str, str]]:
    from core.organizations import PARTNER_COUNTRIES

    names = i18n.locale(current_language()).territories
    others = sorted(
        (
            (code, name)
            for code, name in names.items()
            if len(code) == 2 and code.isalpha() and code not in PARTNER_COUNTRIES
        ),
        key=lambda pair: pair[1].casefold(),
    )
    return [(code, names.get(code, code)) for code in PARTNER_COUNTRIES] + others


def letter_language(nationality: str) -> str:
    """The letter's language beside Chinese: Russian where it is the common one, else English."""
    return "ru" if nationality.upper() in RUSSIAN_LETTER_COUNTRIES else "en"


# --- who may do what ---------------------------------------------------------------------------


def _organization_of(delegation: Any) -> int | None:
    if isinstance(delegation, dict):
        return delegation.get("organization")
    return None


@rule("delegation.oversee")
def _oversee(viewer: Viewer, _obj: Any) -> bool:
    """The foreign-affairs office's boards: every delegation."""
    return viewer.has_role(Role.fao)


@rule("delegation.coordinate")
def _coordinate(viewer: Viewer, delegation: Any) -> bool:
    """A coordinator works on their own organization's delegations only."""
    return viewer.has_role(Role.coordinator) and viewer.acts_for(_organization_of(delegation))


@rule("delegation.open")
def _open_for(viewer: Viewer, organization_id: Any) -> bool:
    return viewer.has_role(Role.fao) or (
        viewer.has_role(Role.coordinator) and viewer.acts_for(organization_id)
    )


def sees_passports(viewer: Viewer) -> bool:
    """Passport numbers and dates of birth in clear: the foreign-affairs office only (not even
    organizers, who pass every other rule)."""
    return viewer.is_authenticated and viewer.has_role(Role.fao)


def is_office(viewer: Viewer) -> bool:
    """The foreign-affairs office's powers over the workflow (organizers share them)."""
    return viewer.is_admin or viewer.has_role(Role.fao)


# --- reading -----------------------------------------------------------------------------------


def _loaded(value: Any) -> Any:
    return mail_context.loaded(value) if isinstance(value, str) else value


def _select() -> Any:
    return Delegation.select(
        *Delegation.all_columns(),
        Delegation.organization.slug.as_alias("organization_slug"),
        Delegation.organization.name.as_alias("organization_name"),
        Delegation.organization.country.as_alias("organization_country"),
        Delegation.event.slug.as_alias("event_slug"),
        Delegation.event.title.as_alias("event_title"),
    )


def _prepared(row: dict[str, Any]) -> dict[str, Any]:
    row["organization_name"] = _loaded(row["organization_name"])
    row["event_title"] = _loaded(row["event_title"])
    return row


async def get(delegation_id: int) -> dict[str, Any] | None:
    row = await _select().where(Delegation.id == delegation_id).first()
    return _prepared(row) if row else None


async def event_of(delegation: dict[str, Any]) -> dict[str, Any]:
    event = await Event.select().where(Event.id == delegation["event"]).first()
    assert event is not None
    return event


async def for_viewer(viewer: Viewer) -> list[dict[str, Any]]:
    """A coordinator's delegations: their organizations', newest event first."""
    if not viewer.organization_ids:
        return []
    rows = (
        await _select()
        .where(Delegation.organization.is_in(sorted(viewer.organization_ids)))
        .order_by(Delegation.event.starts_at, ascending=False)
    )
    counts = await member_counts([row["id"] for row in rows])
    for row in rows:
        _prepared(row)
        row["members"] = counts.get(row["id"], 0)
    return rows


async def member_counts(delegation_ids: list[int]) -> dict[int, int]:
    if not delegation_ids:
        return {}
    rows = (
        await Delegate.select(Delegate.delegation, Count(alias="n"))
        .where(Delegate.delegation.is_in(delegation_ids))
        .group_by(Delegate.delegation)
    )
    return {row["delegation"]: row["n"] for row in rows}


async def members(delegation_id: int) -> list[dict[str, Any]]:
    return (
        await Delegate.select()
        .where(Delegate.delegation == delegation_id)
        .order_by(Delegate.is_head, ascending=False)
        .order_by(Delegate.sort_order)
        .order_by(Delegate.id)
    )


async def member(delegation: dict[str, Any], member_id: int) -> dict[str, Any] | None:
    return (
        await Delegate.select()
        .where((Delegate.id == member_id) & (Delegate.delegation == delegation["id"]))
        .first()
    )


def freeze_at(event: dict[str, Any]) -> datetime:
    """When coordinators stop editing: the event's freeze date, else its start."""
    return event["delegations_freeze_at"] or event["starts_at"]


def coordinator_may_edit(delegation: dict[str, Any], event: dict[str, Any]) -> bool:
    return (
        delegation["status"] in COORDINATOR_EDITS
        and delegation["purged_at"] is None
        and _now() < freeze_at(event)
    )


def ensure_editable(viewer: Viewer, delegation: dict[str, Any], event: dict[str, Any]) -> None:
    """Refuse, with the reason, changes this viewer may not make now."""
    if delegation["purged_at"] is not None:
        raise ValidationFailed(
            {"": gettext("The passport data of this delegation has been removed after the event.")}
        )
    if is_office(viewer):
        return
    if delegation["status"] not in COORDINATOR_EDITS:
        raise ValidationFailed(
            {
                "": gettext(
                    "This delegation has been submitted. Ask the foreign-affairs office "
                    "if something must change."
                )
            }
        )
    if _now() >= freeze_at(event):
        raise ValidationFailed(
            {
                "": gettext(
                    "The list of delegates was frozen on %(when)s. Ask the foreign-affairs "
                    "office if something must change.",
                    when=i18n.format_datetime(freeze_at(event), event["timezone"]),
                )
            }
        )


# --- opening a delegation ----------------------------------------------------------------------


OPEN_EVENT_STATUSES = (
    EventStatus.published.value,
    EventStatus.registration_open.value,
    EventStatus.registration_closed.value,
)


async def _invited(organization_id: int) -> Any:
    """Events whose invitation to this organization was accepted (when invitations exist)."""
    try:
        from events.tables import Invitation  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - invitations are another room
        return None
    return Invitation.select(Invitation.event).where(
        (Invitation.organization == organization_id) & (Invitation.answer == "accepted")
    )


async def openable_events(organization_id: int) -> list[dict[str, Any]]:
    """Upcoming events this organization takes part in (a registration, reserved seats or an
    accepted invitation) and has no delegation for yet."""
    registered = Registration.select(Registration.event).where(
        (Registration.organization == organization_id)
        & Registration.status.is_in([RegistrationStatus.confirmed, RegistrationStatus.pending])
    )
    reserved = EventQuota.select(EventQuota.event).where(EventQuota.organization == organization_id)
    existing = Delegation.select(Delegation.event).where(Delegation.organization == organization_id)
    takes_part = Event.id.is_in(registered) | Event.id.is_in(reserved)
    invited = await _invited(organization_id)
    if invited is not None:
        takes_part |= Event.id.is_in(invited)
    return (
        await Event.select(Event.id, Event.slug, Event.title, Event.starts_at, Event.timezone)
        .where(
            takes_part
            & Event.status.is_in(list(OPEN_EVENT_STATUSES))
            & (Event.ends_at > _now())
            & Event.id.not_in(existing)
        )
        .order_by(Event.starts_at)
    )


async def open_delegation(
    viewer: Viewer, event_slug: str, organization_id: int, client: str = ""
) -> int:
    """Open (or find) the organization's delegation for an event; returns its id."""
    event = await Event.select().where(Event.slug == event_slug).first()
    if event is None:
        raise ValidationFailed({"event": gettext("Choose an event.")})
    existing = (
        await Delegation.select(Delegation.id)
        .where(Delegation.event_organization == f"{event['id']}:{organization_id}")
        .first()
    )
    if existing:
        return existing["id"]
    if not is_office(viewer):
        allowed = {row["id"] for row in await openable_events(organization_id)}
        if event["id"] not in allowed:
            raise ValidationFailed(
                {"event": gettext("Your organization does not take part in this event yet.")}
            )
    organization = await Organization.select(Organization.id).where(
        Organization.id == organization_id
    )
    if not organization:
        raise ValidationFailed({"organization": gettext("Choose an organization.")})
    delegation = Delegation(
        event=event["id"],
        organization=organization_id,
        event_organization=f"{event['id']}:{organization_id}",
        opened_by=viewer.id,
    )
    try:
        await delegation.save()
    except Exception as error:
        if "event_organization" not in str(error):
            raise
        found = await Delegation.select(Delegation.id).where(
            Delegation.event_organization == f"{event['id']}:{organization_id}"
        )
        return found[0]["id"]
    await record(
        viewer,
        "delegation.open",
        "delegation",
        delegation.id,
        client=client,
        after={"event": event["id"], "organization": organization_id},
    )
    return delegation.id


# --- members: validation -----------------------------------------------------------------------


MEMBER_FIELDS = (
    "name_native",
    "name_latin",
    "name_zh",
    "gender",
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expires",
    "job_title",
    "organization_name",
    "email",
    "languages",
    "interpreter_language",
    "diet",
    "allergies",
    "accessibility",
    "arrival_at",
    "arrival_transport",
    "arrival_number",
    "arrival_place",
    "departure_at",
    "departure_transport",
    "departure_number",
    "departure_place",
    "needs_letter",
    "is_head",
)
SEALED = ("passport_number", "date_of_birth")


def field_labels() -> dict[str, str]:
    """What each member field is called, in the current language (forms, import, reports)."""
    return {
        "name_native": gettext("Name in native script"),
        "name_latin": gettext("Name in Latin letters, as in the passport"),
        "name_zh": gettext("Chinese name"),
        "gender": gettext("Gender"),
        "date_of_birth": gettext("Date of birth"),
        "nationality": gettext("Nationality"),
        "passport_number": gettext("Passport number"),
        "passport_expires": gettext("Passport valid until"),
        "job_title": gettext("Position"),
        "organization_name": gettext("Organization"),
        "email": gettext("E-mail address"),
        "languages": gettext("Languages spoken"),
        "interpreter_language": gettext("Needs an interpreter into"),
        "diet": gettext("Dietary needs"),
        "allergies": gettext("Allergies and other food restrictions"),
        "accessibility": gettext("Accessibility needs"),
        "arrival_at": gettext("Arrival (date and time)"),
        "arrival_transport": gettext("Arrival by"),
        "arrival_number": gettext("Arrival flight or train number"),
        "arrival_place": gettext("Arrival airport or station"),
        "departure_at": gettext("Departure (date and time)"),
        "departure_transport": gettext("Departure by"),
        "departure_number": gettext("Departure flight or train number"),
        "departure_place": gettext("Departure airport or station"),
        "needs_letter": gettext("Needs a visa invitation letter"),
        "is_head": gettext("Head of delegation"),
    }


@dataclass
class Cleaned:
    """A member's form, checked: column values, the passport data to seal (None: keep what
    is stored), and warnings that do not stop saving."""

    values: dict[str, Any] = field(default_factory=dict)
    passport_number: str | None = None
    date_of_birth: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def _text(data: dict[str, str], name: str, limit: int, errors: dict[str, str]) -> str:
    value = " ".join(str(data.get(name, "")).split())
    if len(value) > limit:
        errors[name] = gettext("Use at most %(num)d characters.", num=limit)
    return value


def _date(raw: str, name: str, errors: dict[str, str]) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        errors[name] = gettext("Enter a date such as 1985-03-14.")
        return None
    if not 1900 <= value.year <= 2100:
        errors[name] = gettext("Enter a date such as 1985-03-14.")
        return None
    return value


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def event_end_date(event: dict[str, Any]) -> date:
    return event["ends_at"].astimezone(ZoneInfo(event["timezone"])).date()


def _choice(data: dict[str, str], name: str, choices: Any, errors: dict[str, str]) -> str:
    value = str(data.get(name, "")).strip()
    if value and value not in choices:
        errors[name] = gettext("Choose from the list.")
        return ""
    return value


def _languages(raw: Any, errors: dict[str, str]) -> str:
    values = raw if isinstance(raw, list) else str(raw or "").split(",")
    codes = [str(v).strip() for v in values if str(v).strip()]
    unknown = [code for code in codes if code not in SPOKEN_LANGUAGES]
    if unknown:
        errors["languages"] = gettext("Choose from the list.")
    return ",".join(dict.fromkeys(code for code in codes if code in SPOKEN_LANGUAGES))


def _travel(data: dict[str, str], way: str, zone: str, cleaned: Cleaned) -> datetime | None:
    errors = cleaned.errors
    moment = read_moment(data, f"{way}_at", zone, errors)
    cleaned.values[f"{way}_at"] = moment
    cleaned.values[f"{way}_transport"] = _choice(data, f"{way}_transport", TRANSPORTS, errors)
    cleaned.values[f"{way}_number"] = _text(data, f"{way}_number", 20, errors).upper()
    cleaned.values[f"{way}_place"] = _text(data, f"{way}_place", 120, errors)
    return moment


def clean_member(data: dict[str, Any], event: dict[str, Any]) -> Cleaned:
    """Check one member's fields as a form or a spreadsheet row gives them (text values;
    `languages` a list or comma-separated). Blank passport fields keep what is stored."""
    cleaned = Cleaned()
    errors, values = cleaned.errors, cleaned.values
    values["name_native"] = _text(data, "name_native", 200, errors)
    values["name_latin"] = _text(data, "name_latin", 200, errors)
    if values["name_latin"] and not LATIN_NAME.match(values["name_latin"]):
        errors["name_latin"] = gettext("Use Latin letters as printed in the passport.")
    if not values["name_native"] and not values["name_latin"] and "name_native" not in errors:
        errors["name_native"] = gettext("Enter the name in native script or in Latin letters.")
    values["name_zh"] = _text(data, "name_zh", 100, errors)
    if values["name_zh"] and not CHINESE_NAME.match(values["name_zh"]):
        errors["name_zh"] = gettext("Use Chinese characters only.")
    values["gender"] = _choice(data, "gender", GENDERS, errors)
    nationality = str(data.get("nationality", "")).strip().upper()
    if nationality and (len(nationality) != 2 or not country_known(nationality)):
        errors["nationality"] = gettext("Choose a country from the list.")
        nationality = ""
    values["nationality"] = nationality

    birth = _date(str(data.get("date_of_birth", "")), "date_of_birth", errors)
    if birth is not None and birth >= datetime.now(UTC).date():
        errors["date_of_birth"] = gettext("Enter a date of birth in the past.")
    elif birth is not None:
        cleaned.date_of_birth = birth.isoformat()

    number = passports.normalize_passport(str(data.get("passport_number", "")))
    if number and not PASSPORT_NUMBER.match(number):
        errors["passport_number"] = gettext(
            "Use 5 to 20 letters and digits, as printed in the passport."
        )
    elif number:
        cleaned.passport_number = number
    expires = _date(str(data.get("passport_expires", "")), "passport_expires", errors)
    values["passport_expires"] = expires
    if expires is not None:
        end = event_end_date(event)
        if expires <= end:
            errors["passport_expires"] = gettext("This passport expires before the event ends.")
        elif expires < add_months(end, PASSPORT_VALID_MONTHS):
            cleaned.warnings["passport_expires"] = gettext(
                "This passport expires within six months of the event's end: visas usually "
                "need six months' validity. Ask for a new passport if you can."
            )

    values["job_title"] = _text(data, "job_title", 200, errors)
    values["organization_name"] = _text(data, "organization_name", 300, errors)
    email = normalize_email(str(data.get("email", "")))
    if email and (problem := email_problem(email)):
        errors["email"] = problem
    values["email"] = email
    values["languages"] = _languages(data.get("languages", ""), errors)
    values["interpreter_language"] = _choice(data, "interpreter_language", SPOKEN_LANGUAGES, errors)
    values["diet"] = _choice(data, "diet", DIETS, errors)
    values["allergies"] = _text(data, "allergies", 300, errors)
    values["accessibility"] = str(data.get("accessibility", "")).strip()
    if len(values["accessibility"]) > 1000:
        errors["accessibility"] = gettext("Use at most %(num)d characters.", num=1000)

    zone = event["timezone"]
    arrival = _travel(data, "arrival", zone, cleaned)
    departure = _travel(data, "departure", zone, cleaned)
    if arrival and departure and departure <= arrival:
        errors["departure_at"] = gettext("The departure must come after the arrival.")
    elif departure and departure < event["starts_at"]:
        cleaned.warnings["departure_at"] = gettext("This departure is before the event starts.")
    if arrival and arrival > event["ends_at"]:
        cleaned.warnings["arrival_at"] = gettext("This arrival is after the event has ended.")
    values["needs_letter"] = str(data.get("needs_letter", "")).strip().lower() in YES
    values["is_head"] = str(data.get("is_head", "")).strip().lower() in YES
    return cleaned


def country_known(code: str) -> bool:
    return code in i18n.locale("en").territories


# --- members: what is missing --------------------------------------------------------------------

REQUIRED = (
    "name_native",
    "name_latin",
    "gender",
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expires",
    "job_title",
    "organization_name",
    "languages",
    "arrival_at",
    "arrival_transport",
    "arrival_number",
    "arrival_place",
    "departure_at",
    "departure_transport",
    "departure_number",
    "departure_place",
)


def lacks(row: dict[str, Any]) -> list[str]:
    """The fields this member still lacks before the delegation can be submitted."""
    return [name for name in REQUIRED if row.get(name) in (None, "")]


def expiry_warning(row: dict[str, Any], event: dict[str, Any]) -> bool:
    expires = row.get("passport_expires")
    return bool(expires and expires < add_months(event_end_date(event), PASSPORT_VALID_MONTHS))


def readiness(delegation: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """What stops the delegation from being submitted, as sentences (empty: ready)."""
    problems: list[str] = []
    if not rows:
        problems.append(gettext("Add the members of the delegation."))
    if rows and not any(row["is_head"] for row in rows):
        problems.append(gettext("Name the head of the delegation."))
    if not delegation["protocol_rank"]:
        problems.append(gettext("Choose the rank of the head of the delegation."))
    incomplete = sum(1 for row in rows if lacks(row))
    if incomplete:
        problems.append(
            i18n.ngettext(
                "%(num)d member still lacks some details.",
                "%(num)d members still lack some details.",
                incomplete,
            )
        )
    return problems


def _open(row: dict[str, Any], name: str) -> tuple[str, bool]:
    """A sealed field in clear and whether it could be opened."""
    try:
        return passports.unseal(row[name], name), True
    except passports.UnreadableData:
        return "", False


def member_view(row: dict[str, Any], event: dict[str, Any], *, clear: bool) -> dict[str, Any]:
    """A member as a page shows it: passport number and date of birth in clear for the
    foreign-affairs office, masked for everyone else; what is missing; warnings."""
    number, number_ok = _open(row, "passport_number")
    birth, birth_ok = _open(row, "date_of_birth")
    field_names = field_labels()
    view = dict(row)
    view["passport_shown"] = number if clear else passports.mask_passport(number)
    view["birth_shown"] = birth if clear else passports.mask_birth_date(birth)
    view["passport_unreadable"] = not (number_ok and birth_ok)
    view["lacks"] = [field_names[name] for name in lacks(row)]
    view["expiry_warning"] = expiry_warning(row, event)
    view["languages_list"] = [c for c in (row["languages"] or "").split(",") if c]
    view["letter_language"] = letter_language(row["nationality"])
    del view["passport_number"], view["date_of_birth"]
    return view


def form_values(row: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """A stored member as the form's values; passport fields stay blank (blank keeps them)."""
    values: dict[str, Any] = {name: row.get(name) or "" for name in MEMBER_FIELDS}
    values["passport_number"] = ""
    values["date_of_birth"] = ""
    values["passport_expires"] = (
        row["passport_expires"].isoformat() if row["passport_expires"] else ""
    )
    for way in ("arrival", "departure"):
        values[f"{way}_at"] = local_input(row[f"{way}_at"], event["timezone"])
    values["needs_letter"] = "yes" if row["needs_letter"] else ""
    values["is_head"] = "yes" if row["is_head"] else ""
    values["languages"] = [c for c in (row["languages"] or "").split(",") if c]
    return values


# --- members: saving ---------------------------------------------------------------------------


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    shown = {}
    for key, value in values.items():
        if key in SEALED or key == "passport_index":
            continue
        shown[key] = value.isoformat() if isinstance(value, date | datetime) else value
    return shown


def _duplicate_passport() -> ValidationFailed:
    return ValidationFailed(
        {"passport_number": gettext("This passport number is already listed for this event.")}
    )


async def _registration_for(event_id: int, email: str) -> int | None:
    if not email:
        return None
    row = (
        await Registration.select(Registration.id)
        .where(Registration.active_key == f"{event_id}:{email}")
        .first()
    )
    return row["id"] if row else None


def _sealed_columns(cleaned: Cleaned, event_id: int) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    if cleaned.passport_number is not None:
        columns["passport_number"] = passports.seal(cleaned.passport_number, "passport_number")
        columns["passport_index"] = passports.fingerprint(event_id, cleaned.passport_number)
    if cleaned.date_of_birth is not None:
        columns["date_of_birth"] = passports.seal(cleaned.date_of_birth, "date_of_birth")
    return columns


async def _passport_taken(fingerprint: str, member_id: int | None) -> bool:
    condition = Delegate.passport_index == fingerprint
    if member_id is not None:
        condition &= Delegate.id != member_id
    return await Delegate.exists().where(condition)


async def save_member(
    viewer: Viewer,
    delegation: dict[str, Any],
    data: dict[str, Any],
    current: dict[str, Any] | None = None,
    client: str = "",
) -> tuple[int, dict[str, str]]:
    """Add a member (or change `current`); returns its id and the warnings to show.
    Nothing is saved when anything is refused."""
    event = await event_of(delegation)
    ensure_editable(viewer, delegation, event)
    cleaned = clean_member(data, event)
    if cleaned.errors:
        raise ValidationFailed(cleaned.errors)
    sealed = _sealed_columns(cleaned, event["id"])
    if "passport_index" in sealed and await _passport_taken(
        sealed["passport_index"], current["id"] if current else None
    ):
        raise _duplicate_passport()
    values = {**cleaned.values, **sealed}
    values["registration"] = await _registration_for(event["id"], values["email"])
    try:
        async with write_transaction():
            fresh = await get(delegation["id"])
            assert fresh is not None
            ensure_editable(viewer, fresh, event)
            if values["is_head"]:  # first, as the database keeps one head per delegation
                others = Delegate.delegation == delegation["id"]
                if current is not None:
                    others &= Delegate.id != current["id"]
                await Delegate.update({Delegate.is_head: False}).where(others)
            if current is None:
                count = await Delegate.count().where(Delegate.delegation == delegation["id"])
                if count >= MAX_MEMBERS:
                    raise ValidationFailed(
                        {"": gettext("A delegation has at most %(num)d members.", num=MAX_MEMBERS)}
                    )
                row = Delegate(
                    delegation=delegation["id"],
                    event=event["id"],
                    sort_order=count + 1,
                    **values,
                )
                await row.save()
                member_id = row.id
            else:
                member_id = current["id"]
                await Delegate.update({**values, "updated_at": _now()}).where(
                    Delegate.id == member_id
                )
            await Delegation.update({Delegation.updated_at: _now()}).where(
                Delegation.id == delegation["id"]
            )
    except ValidationFailed:
        raise
    except Exception as error:
        if delegate_heads.is_second_head(error):
            raise delegate_heads.second_head() from error
        # Two saves of the same passport at once both pass the check above; the unique
        # fingerprint refuses the second, which is the same refusal.
        if "passport_index" not in str(error):
            raise
        raise _duplicate_passport() from error
    before = (
        _audit_values({k: current[k] for k in values if current and k in current})
        if current
        else None
    )
    after = _audit_values(values)
    after["passport_changed"] = "passport_number" in sealed
    after["birth_date_changed"] = "date_of_birth" in sealed
    if before is not None:
        after = {k: v for k, v in after.items() if before.get(k) != v or k.endswith("_changed")}
        before = {k: v for k, v in before.items() if k in after}
    await record(
        viewer,
        "delegate.update" if current else "delegate.create",
        "delegate",
        member_id,
        client=client,
        before=before,
        after={**after, "delegation": delegation["id"]},
    )
    return member_id, cleaned.warnings


async def delete_member(
    viewer: Viewer, delegation: dict[str, Any], current: dict[str, Any], client: str = ""
) -> None:
    event = await event_of(delegation)
    async with write_transaction():
        fresh = await get(delegation["id"])
        assert fresh is not None
        ensure_editable(viewer, fresh, event)
        await Delegate.delete().where(Delegate.id == current["id"])
    await record(
        viewer,
        "delegate.delete",
        "delegate",
        current["id"],
        client=client,
        before={"delegation": delegation["id"], "name_latin": current["name_latin"]},
    )


async def save_members_batch(
    viewer: Viewer,
    delegation: dict[str, Any],
    rows: list[Cleaned],
    client: str = "",
) -> tuple[int, int]:
    """Import checked rows at once: a row whose passport is already in this delegation
    updates that member, the others are added. All or nothing. Returns (added, updated)."""
    event = await event_of(delegation)
    existing = {
        row["passport_index"]: row["id"]
        for row in await Delegate.select(Delegate.id, Delegate.passport_index).where(
            Delegate.delegation == delegation["id"]
        )
        if row["passport_index"]
    }
    added = updated = 0
    try:
        async with write_transaction():
            fresh = await get(delegation["id"])
            assert fresh is not None
            ensure_editable(viewer, fresh, event)
            count = await Delegate.count().where(Delegate.delegation == delegation["id"])
            last_head = delegate_heads.last_head(rows)
            if last_head is not None:  # first, as the database keeps one head per delegation
                await Delegate.update({Delegate.is_head: False}).where(
                    Delegate.delegation == delegation["id"]
                )
            for number, cleaned in enumerate(rows):
                values = {**cleaned.values, **_sealed_columns(cleaned, event["id"])}
                values["is_head"] = number == last_head
                values["registration"] = await _registration_for(event["id"], values["email"])
                target = existing.get(values.get("passport_index", ""))
                if target is not None:
                    await Delegate.update({**values, "updated_at": _now()}).where(
                        Delegate.id == target
                    )
                    updated += 1
                else:
                    count += 1
                    if count > MAX_MEMBERS:
                        raise ValidationFailed(
                            {
                                "": gettext(
                                    "A delegation has at most %(num)d members.", num=MAX_MEMBERS
                                )
                            }
                        )
                    row = Delegate(
                        delegation=delegation["id"], event=event["id"], sort_order=count, **values
                    )
                    await row.save()
                    target = row.id
                    added += 1
            await Delegation.update({Delegation.updated_at: _now()}).where(
                Delegation.id == delegation["id"]
            )
    except ValidationFailed:
        raise
    except Exception as error:
        if delegate_heads.is_second_head(error):
            raise delegate_heads.second_head() from error
        if "passport_index" not in str(error):
            raise
        raise _duplicate_passport() from error
    await record(
        viewer,
        "delegate.import",
        "delegation",
        delegation["id"],
        client=client,
        after={"added": added, "updated": updated},
    )
    return added, updated


async def taken_fingerprints(event_id: int, delegation_id: int) -> set[str]:
    """Passport fingerprints already used by other delegations at this event."""
    rows = await Delegate.select(Delegate.passport_index).where(
        (Delegate.event == event_id)
        & (Delegate.delegation != delegation_id)
        & Delegate.passport_index.is_not_null()
    )
    return {row["passport_index"] for row in rows}


# --- the delegation's own settings ------------------------------------------------------------


async def set_rank(viewer: Viewer, delegation: dict[str, Any], rank: str, client: str = "") -> None:
    event = await event_of(delegation)
    ensure_editable(viewer, delegation, event)
    if rank not in PROTOCOL_RANKS:
        raise ValidationFailed({"protocol_rank": gettext("Choose from the list.")})
    await Delegation.update({Delegation.protocol_rank: rank, Delegation.updated_at: _now()}).where(
        Delegation.id == delegation["id"]
    )
    await record(
        viewer,
        "delegation.rank",
        "delegation",
        delegation["id"],
        client=client,
        before={"protocol_rank": delegation["protocol_rank"]},
        after={"protocol_rank": rank},
    )


async def set_rooms(
    viewer: Viewer,
    delegation: dict[str, Any],
    rooms: dict[int, tuple[str, str]],
    client: str = "",
) -> None:
    """Hotel and room per member (`rooms` maps member ids to (hotel, room)); the office only."""
    errors: dict[str, str] = {}
    cleaned: dict[int, tuple[str, str]] = {}
    for member_id, (hotel, room) in rooms.items():
        hotel, room = " ".join(hotel.split()), " ".join(room.split())
        if len(hotel) > 200:
            errors[f"hotel-{member_id}"] = gettext("Use at most %(num)d characters.", num=200)
        if len(room) > 40:
            errors[f"room-{member_id}"] = gettext("Use at most %(num)d characters.", num=40)
        if room and not hotel:
            errors[f"hotel-{member_id}"] = gettext("Enter the hotel of this room.")
        cleaned[member_id] = (hotel, room)
    if errors:
        raise ValidationFailed(errors)
    current = {row["id"]: row for row in await members(delegation["id"])}
    changes = {
        member_id: value
        for member_id, value in cleaned.items()
        if member_id in current
        and (current[member_id]["hotel"], current[member_id]["room"]) != value
    }
    async with write_transaction():
        for member_id, (hotel, room) in changes.items():
            await Delegate.update(
                {Delegate.hotel: hotel, Delegate.room: room, Delegate.updated_at: _now()}
            ).where((Delegate.id == member_id) & (Delegate.delegation == delegation["id"]))
    if changes:
        await record(
            viewer,
            "delegation.rooms",
            "delegation",
            delegation["id"],
            client=client,
            after={str(k): {"hotel": v[0], "room": v[1]} for k, v in changes.items()},
        )


async def set_freeze(viewer: Viewer, event: dict[str, Any], raw: str, client: str = "") -> None:
    """When coordinators stop editing their delegations to this event ("" = at its start)."""
    errors: dict[str, str] = {}
    moment = read_moment({"freeze_at": raw}, "freeze_at", event["timezone"], errors)
    if errors:
        raise ValidationFailed(errors)
    if moment is not None and moment > event["ends_at"]:
        raise ValidationFailed({"freeze_at": gettext("Choose a moment before the event ends.")})
    await Event.update({Event.delegations_freeze_at: moment}).where(Event.id == event["id"])
    await record(
        viewer,
        "event.delegations_freeze",
        "event",
        event["id"],
        client=client,
        before={"delegations_freeze_at": _iso(event["delegations_freeze_at"])},
        after={"delegations_freeze_at": _iso(moment)},
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- the workflow ------------------------------------------------------------------------------


async def _move(
    delegation_id: int, sources: tuple[str, ...], target: S, changes: dict[Any, Any]
) -> bool:
    """One guarded UPDATE: only a delegation still in one of `sources` moves."""
    moved = (
        await Delegation.update(
            {Delegation.status: target.value, Delegation.updated_at: _now(), **changes}
        )
        .where((Delegation.id == delegation_id) & Delegation.status.is_in(list(sources)))
        .returning(Delegation.id)
    )
    return bool(moved)


def _moved_already() -> ValidationFailed:
    return ValidationFailed(
        {"": gettext("The delegation has changed meanwhile. Look at it again and retry.")}
    )


async def submit(viewer: Viewer, delegation: dict[str, Any], client: str = "") -> None:
    delegation = await get(delegation["id"]) or delegation
    event = await event_of(delegation)
    ensure_editable(viewer, delegation, event)
    problems = readiness(delegation, await members(delegation["id"]))
    if problems:
        raise ValidationFailed({"": " ".join(problems)})
    now = _now()
    if not await _move(
        delegation["id"], COORDINATOR_EDITS, S.submitted, {Delegation.submitted_at: now}
    ):
        raise _moved_already()
    await record(
        viewer,
        "delegation.submit",
        "delegation",
        delegation["id"],
        client=client,
        before={"status": delegation["status"]},
        after={"status": S.submitted.value},
    )
    for user in await _office_staff():
        await _mail(delegation, event, user, "delegation_submitted", now.isoformat())


async def return_delegation(
    viewer: Viewer, delegation: dict[str, Any], comment: str, client: str = ""
) -> None:
    comment = comment.strip()
    if not comment:
        raise ValidationFailed({"comment": gettext("Say what must change.")})
    if len(comment) > 4000:
        raise ValidationFailed({"comment": gettext("Use at most %(num)d characters.", num=4000)})
    now = _now()
    if not await _move(
        delegation["id"],
        (S.submitted.value, S.approved.value),
        S.returned,
        {Delegation.fao_comment: comment, Delegation.returned_at: now},
    ):
        raise _moved_already()
    await record(
        viewer,
        "delegation.return",
        "delegation",
        delegation["id"],
        client=client,
        before={"status": delegation["status"]},
        after={"status": S.returned.value, "comment": comment},
    )
    event = await event_of(delegation)
    for user in await _coordinators(delegation["organization"]):
        await _mail(
            delegation, event, user, "delegation_returned", now.isoformat(), comment=comment
        )


async def approve(viewer: Viewer, delegation: dict[str, Any], client: str = "") -> None:
    now = _now()
    if not await _move(
        delegation["id"], (S.submitted.value,), S.approved, {Delegation.approved_at: now}
    ):
        raise _moved_already()
    await _link_registrations(delegation)
    await record(
        viewer,
        "delegation.approve",
        "delegation",
        delegation["id"],
        client=client,
        before={"status": delegation["status"]},
        after={"status": S.approved.value},
    )
    event = await event_of(delegation)
    for user in await _coordinators(delegation["organization"]):
        await _mail(delegation, event, user, "delegation_approved", now.isoformat())


async def mark(viewer: Viewer, delegation: dict[str, Any], step: str, client: str = "") -> None:
    """The office records the delegation's arrival or departure."""
    if step == "arrived":
        sources: tuple[str, ...] = (S.approved.value, S.letters_issued.value)
        target = S.arrived
    elif step == "departed":
        sources, target = (S.arrived.value,), S.departed
    else:
        raise ValidationFailed({"": gettext("Choose from the list.")})
    if not await _move(delegation["id"], sources, target, {}):
        raise _moved_already()
    await record(
        viewer,
        f"delegation.{step}",
        "delegation",
        delegation["id"],
        client=client,
        before={"status": delegation["status"]},
        after={"status": target.value},
    )


def next_steps(delegation: dict[str, Any]) -> list[str]:
    """The office's actions on a delegation in its current state."""
    return {
        S.submitted.value: ["approve", "return"],
        S.approved.value: ["letters", "arrived", "return"],
        S.letters_issued.value: ["letters", "arrived"],
        S.arrived.value: ["departed"],
    }.get(delegation["status"], [])


async def _link_registrations(delegation: dict[str, Any]) -> None:
    """Members with an e-mail address get their event registration (its check-in code)."""
    for row in await members(delegation["id"]):
        if row["email"] and row["registration"] is None:
            found = await _registration_for(delegation["event"], row["email"])
            if found:
                await Delegate.update({Delegate.registration: found}).where(
                    Delegate.id == row["id"]
                )


# --- mail ------------------------------------------------------------------------------------


async def _coordinators(organization_id: int) -> list[dict[str, Any]]:
    acting = Membership.select(Membership.user).where(Membership.organization == organization_id)
    return (
        await User.select(User.id, User.email, User.name, User.language)
        .where((User.role == Role.coordinator) & (User.is_active == True) & User.id.is_in(acting))
        .order_by(User.id)
    )


async def _office_staff() -> list[dict[str, Any]]:
    return (
        await User.select(User.id, User.email, User.name, User.language)
        .where((User.role == Role.fao) & (User.is_active == True))
        .order_by(User.id)
    )


def _mail_context(
    delegation: dict[str, Any], event: dict[str, Any], user: dict[str, Any], lang: str
) -> dict[str, Any]:
    with i18n.language(lang):
        return {
            "delegation_id": delegation["id"],
            "name": user["name"],
            "event_title": mail_context.text(event["title"], lang),
            "organization": mail_context.text(delegation["organization_name"], lang),
            "when": mail_context.event_when(event),
            "account_link": f"/{lang}/account/delegations/{delegation['id']}/",
            "office_link": f"/{lang}/manage/delegations/{delegation['id']}/",
        }


async def _mail(
    delegation: dict[str, Any],
    event: dict[str, Any],
    user: dict[str, Any],
    template: str,
    moment: str,
    **extra: Any,
) -> None:
    lang = user["language"] if user["language"] in i18n.LANGUAGES else "zh"
    await outbox.queue_mail(
        key=f"{template}:{delegation['id']}:{moment}:{user['id']}",
        recipient=user["email"],
        language=lang,
        template=template,
        context={**_mail_context(delegation, event, user, lang), **extra},
    )


# --- visa letters ------------------------------------------------------------------------------


async def letters(delegation_id: int, *, current_only: bool = False) -> list[dict[str, Any]]:
    condition = VisaLetter.delegation == delegation_id
    if current_only:
        condition &= VisaLetter.status.is_in(["pending", "ready", "failed"])
    return (
        await VisaLetter.select(
            VisaLetter.id,
            VisaLetter.delegate,
            VisaLetter.reference,
            VisaLetter.batch,
            VisaLetter.status,
            VisaLetter.languages,
            VisaLetter.issued_on,
            VisaLetter.rendered_at,
            VisaLetter.signatory_name,
            VisaLetter.delegate.name_latin.as_alias("name_latin"),
            VisaLetter.delegate.name_native.as_alias("name_native"),
        )
        .where(condition)
        .order_by(VisaLetter.sequence)
    )


async def letter_defaults(viewer: Viewer) -> dict[str, str]:
    """The signatory of the office's latest letters, to start the form from."""
    last = (
        await VisaLetter.select(VisaLetter.signatory_name, VisaLetter.signatory_title)
        .order_by(VisaLetter.id, ascending=False)
        .first()
    )
    if last:
        return {
            "signatory_name": last["signatory_name"],
            "signatory_title": last["signatory_title"],
        }
    return {"signatory_name": viewer.name, "signatory_title": ""}


async def issue_letters(
    viewer: Viewer, delegation: dict[str, Any], data: dict[str, str], client: str = ""
) -> int:
    """Create this round's letters (one per member who needs one) and have a worker render
    them; earlier letters are superseded. Returns how many letters were ordered."""
    errors: dict[str, str] = {}
    name = " ".join(data.get("signatory_name", "").split())
    title = " ".join(data.get("signatory_title", "").split())
    if not name:
        errors["signatory_name"] = gettext("Enter who signs the letters.")
    if not title:
        errors["signatory_title"] = gettext("Enter the signatory's position.")
    if len(name) > 200 or len(title) > 200:
        errors.setdefault("signatory_title", gettext("Use at most %(num)d characters.", num=200))
    if errors:
        raise ValidationFailed(errors)
    if delegation["purged_at"] is not None:
        raise ValidationFailed(
            {"": gettext("The passport data of this delegation has been removed after the event.")}
        )
    if delegation["status"] not in (S.approved.value, S.letters_issued.value):
        raise ValidationFailed({"": gettext("Letters are issued once the delegation is approved.")})
    rows = [row for row in await members(delegation["id"]) if row["needs_letter"]]
    missing = [row for row in rows if lacks(row)]
    if missing:
        raise ValidationFailed(
            {"": gettext("Some members who need a letter lack passport or travel details.")}
        )
    issuer = sorted(viewer.organization_ids)[0] if viewer.organization_ids else None
    event = await event_of(delegation)
    today = datetime.now(ZoneInfo(event["timezone"])).date()
    async with write_transaction():
        fresh = await get(delegation["id"])
        assert fresh is not None
        if fresh["status"] not in (S.approved.value, S.letters_issued.value):
            raise _moved_already()
        batch = fresh["letters_batch"] + 1
        await VisaLetter.update({VisaLetter.status: "superseded"}).where(
            (VisaLetter.delegation == delegation["id"])
            & VisaLetter.status.is_in(["pending", "ready", "failed"])
        )
        top = await VisaLetter.select(Max(VisaLetter.sequence, alias="top")).where(
            VisaLetter.event == event["id"]
        )
        sequence = top[0]["top"] if top and top[0]["top"] else 0
        for row in rows:
            sequence += 1
            await VisaLetter(
                delegate=row["id"],
                delegation=delegation["id"],
                event=event["id"],
                sequence=sequence,
                reference=f"HS-{today.year}-{event['id']:03d}-{sequence:04d}",
                batch=batch,
                status="pending",
                languages=f"zh+{letter_language(row['nationality'])}",
                signatory_name=name,
                signatory_title=title,
                issuer=issuer,
                issued_on=today,
                requested_by=viewer.id,
            ).save()
        await Delegation.update(
            {Delegation.letters_batch: batch, Delegation.updated_at: _now()}
        ).where(Delegation.id == delegation["id"])
    await record(
        viewer,
        "delegation.letters",
        "delegation",
        delegation["id"],
        client=client,
        after={"letters": len(rows), "batch": batch, "signatory": name},
    )
    if rows:
        await jobqueue.enqueue(
            RENDER_JOB, delegation["id"], job_id=f"letters:{delegation['id']}:{batch}"
        )
    else:
        await _letters_done(delegation["id"])
    return len(rows)


async def retry_letters(viewer: Viewer, delegation: dict[str, Any], client: str = "") -> int:
    """Render the letters that failed once more."""
    retried = (
        await VisaLetter.update({VisaLetter.status: "pending", VisaLetter.error: ""})
        .where((VisaLetter.delegation == delegation["id"]) & (VisaLetter.status == "failed"))
        .returning(VisaLetter.id)
    )
    if retried:
        await record(
            viewer,
            "delegation.letters_retry",
            "delegation",
            delegation["id"],
            client=client,
            after={"letters": len(retried)},
        )
        await jobqueue.enqueue(RENDER_JOB, delegation["id"])
    return len(retried)


async def _issuer_names(organization_id: int | None, event: dict[str, Any]) -> Any:
    target = organization_id or event["host_organization"]
    if target is None:
        return None
    row = await Organization.select(Organization.name).where(Organization.id == target).first()
    return _loaded(row["name"]) if row else None


@dataclass
class _LetterContext:
    """What letters of one delegation share, read once per rendering run."""

    event: dict[str, Any]
    delegation: dict[str, Any]
    issuers: dict[int | None, Any] = field(default_factory=dict)


async def _letter_context(delegation_id: int) -> _LetterContext:
    delegation = await get(delegation_id)
    assert delegation is not None
    return _LetterContext(await event_of(delegation), delegation)


async def letter_data(
    letter: dict[str, Any],
    member_row: dict[str, Any] | None = None,
    context: _LetterContext | None = None,
) -> letter_pdf.LetterData:
    """Everything one letter prints, with the member's passport data in clear."""
    row = member_row or await Delegate.select().where(Delegate.id == letter["delegate"]).first()
    assert row is not None
    context = context or await _letter_context(letter["delegation"])
    event, delegation = context.event, context.delegation
    if letter["issuer"] not in context.issuers:
        context.issuers[letter["issuer"]] = await _issuer_names(letter["issuer"], event)
    zone = ZoneInfo(event["timezone"])
    second = letter["languages"].partition("+")[2] or "en"
    return letter_pdf.LetterData(
        reference=letter["reference"],
        issued_on=letter["issued_on"],
        second_language=second,
        issuer=Translated.load(context.issuers[letter["issuer"]]),
        event_title=Translated.load(_loaded(event["title"])),
        event_city=Translated.load(_loaded(event["city"])),
        event_venue=Translated.load(_loaded(event["venue"])),
        event_starts=event["starts_at"].astimezone(zone).date(),
        event_ends=event["ends_at"].astimezone(zone).date(),
        arrival=row["arrival_at"].astimezone(zone).date() if row["arrival_at"] else None,
        departure=row["departure_at"].astimezone(zone).date() if row["departure_at"] else None,
        name_latin=row["name_latin"],
        name_native=row["name_native"],
        name_zh=row["name_zh"],
        gender=row["gender"],
        date_of_birth=passports.unseal(row["date_of_birth"], "date_of_birth"),
        nationality=row["nationality"],
        passport_number=passports.unseal(row["passport_number"], "passport_number"),
        passport_expires=row["passport_expires"],
        job_title=row["job_title"],
        organization=row["organization_name"],
        delegation=Translated.load(delegation["organization_name"]),
        is_head=row["is_head"],
        signatory_name=letter["signatory_name"],
        signatory_title=letter["signatory_title"],
    )


async def render_letters(delegation_id: int) -> int:
    """The worker's part: render every pending letter of the delegation (at least once
    delivery: a letter rendered twice is simply the same file again), then, when the round
    is complete, mark the letters issued and mail them to the coordinators.

    Rendering is CPU work: it runs in a thread, so that the event loop it shares with other
    jobs (and, under `hongshan serve`, with the web app) keeps answering meanwhile."""
    pending = await VisaLetter.select().where(
        (VisaLetter.delegation == delegation_id) & (VisaLetter.status == "pending")
    )
    rendered = 0
    if not pending:
        await _letters_done(delegation_id)
        return rendered
    context = await _letter_context(delegation_id)
    rows = {
        row["id"]: row
        for row in await Delegate.select().where(
            Delegate.id.is_in([letter["delegate"] for letter in pending])
        )
    }
    for letter in pending:
        try:
            data = await letter_data(letter, rows.get(letter["delegate"]), context)
            pdf = await asyncio.to_thread(letter_pdf.visa_letter_pdf, data)
        except Exception as error:
            await VisaLetter.update(
                {VisaLetter.status: "failed", VisaLetter.error: type(error).__name__}
            ).where((VisaLetter.id == letter["id"]) & (VisaLetter.status == "pending"))
            continue
        await VisaLetter.update(
            {
                VisaLetter.content: passports.seal_bytes(pdf, "visa_letter"),
                VisaLetter.status: "ready",
                VisaLetter.rendered_at: _now(),
            }
        ).where((VisaLetter.id == letter["id"]) & (VisaLetter.status == "pending"))
        rendered += 1
    await _letters_done(delegation_id)
    return rendered


async def _letters_done(delegation_id: int) -> None:
    delegation = await get(delegation_id)
    if delegation is None:
        return
    batch = delegation["letters_batch"]
    statuses = [
        row["status"]
        for row in await VisaLetter.select(VisaLetter.status).where(
            (VisaLetter.delegation == delegation_id) & (VisaLetter.batch == batch)
        )
    ]
    if any(status in ("pending", "failed") for status in statuses):
        return
    await _move(
        delegation_id,
        (S.approved.value,),
        S.letters_issued,
        {Delegation.letters_issued_at: _now()},
    )
    if not statuses:
        return
    event = await event_of(delegation)
    attachments = await _letter_attachments(delegation_id, batch)
    for user in await _coordinators(delegation["organization"]):
        await _mail(
            delegation,
            event,
            user,
            "delegation_letters",
            f"batch{batch}",
            letters=len(attachments),
            attachments=attachments,
        )


def letter_filename(letter: dict[str, Any], name_latin: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9]+", "-", name_latin).strip("-")[:60] or "member"
    return f"{letter['reference']}-{safe}.pdf"


async def _letter_attachments(delegation_id: int, batch: int) -> list[dict[str, str]]:
    rows = (
        await VisaLetter.select(
            VisaLetter.reference,
            VisaLetter.content,
            VisaLetter.delegate.name_latin.as_alias("name_latin"),
        )
        .where(
            (VisaLetter.delegation == delegation_id)
            & (VisaLetter.batch == batch)
            & (VisaLetter.status == "ready")
        )
        .order_by(VisaLetter.sequence)
    )
    return [
        {
            "filename": letter_filename(row, row["name_latin"]),
            "content_type": "application/pdf",
            "data_b64": base64.b64encode(
                passports.open_bytes(row["content"], "visa_letter")
            ).decode("ascii"),
        }
        for row in rows
    ]


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes


async def letter_download(viewer: Viewer, letter_id: int, client: str = "") -> Download | None:
    """One letter's PDF for the foreign-affairs office; None when there is no such file."""
    row = (
        await VisaLetter.select(
            VisaLetter.id,
            VisaLetter.reference,
            VisaLetter.content,
            VisaLetter.delegation,
            VisaLetter.status,
            VisaLetter.delegate.name_latin.as_alias("name_latin"),
        )
        .where(VisaLetter.id == letter_id)
        .first()
    )
    if row is None or row["status"] not in ("ready", "superseded") or not row["content"]:
        return None
    content = passports.open_bytes(row["content"], "visa_letter")
    await record(
        viewer,
        "visa_letter.download",
        "visa_letter",
        letter_id,
        client=client,
        after={"delegation": row["delegation"], "reference": row["reference"]},
    )
    return Download(letter_filename(row, row["name_latin"]), "application/pdf", content)


async def letters_archive(
    viewer: Viewer,
    *,
    delegation_id: int | None = None,
    event_id: int | None = None,
    client: str = "",
) -> Download | None:
    """The current letters of a delegation (or of a whole event) as one zip archive."""
    condition = VisaLetter.status == "ready"
    if delegation_id is not None:
        condition &= VisaLetter.delegation == delegation_id
    if event_id is not None:
        condition &= VisaLetter.event == event_id
    rows = (
        await VisaLetter.select(
            VisaLetter.reference,
            VisaLetter.content,
            VisaLetter.delegate.name_latin.as_alias("name_latin"),
            VisaLetter.delegation.organization.slug.as_alias("organization_slug"),
            VisaLetter.event.slug.as_alias("event_slug"),
        )
        .where(condition)
        .order_by(VisaLetter.sequence)
    )
    if not rows:
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            folder = row["organization_slug"] if delegation_id is None else ""
            name = letter_filename(row, row["name_latin"])
            archive.writestr(
                f"{folder}/{name}" if folder else name,
                passports.open_bytes(row["content"], "visa_letter"),
            )
    scope = f"delegation-{delegation_id}" if delegation_id is not None else "all"
    await record(
        viewer,
        "visa_letter.archive",
        "delegation" if delegation_id is not None else "event",
        delegation_id if delegation_id is not None else event_id,
        client=client,
        after={"letters": len(rows)},
    )
    filename = f"visa-letters-{rows[0]['event_slug']}-{scope}.zip"
    return Download(filename, "application/zip", buffer.getvalue())


async def audit_passport_view(
    viewer: Viewer, object_type: str, object_id: Any, what: str, count: int, client: str = ""
) -> None:
    """A page or file showed passport data in clear: who, what and how many (never the data)."""
    await record(
        viewer,
        f"{object_type}.passport_view",
        object_type,
        object_id,
        client=client,
        after={"view": what, "members": count},
    )


# --- retention ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeItem:
    delegation_id: int
    event_id: int
    event_title: Any
    organization_name: Any
    event_ends_at: datetime
    due_at: datetime
    members: int
    letters: int
    noticed_at: datetime | None


async def purge_plan(
    now: datetime | None = None, within_days: int = NOTICE_DAYS
) -> list[PurgeItem]:
    """The dry-run report: delegations whose passport data is due for removal within
    `within_days` (or overdue), with what would go."""
    now = now or _now()
    horizon = now + timedelta(days=within_days) - timedelta(days=RETENTION_DAYS)
    rows = (
        await _select()
        .where(Delegation.purged_at.is_null() & (Delegation.event.ends_at <= horizon))
        .order_by(Delegation.event.ends_at)
    )
    ends = {
        row["id"]: row["ends_at"]
        for row in await Event.select(Event.id, Event.ends_at).where(
            Event.id.is_in([row["event"] for row in rows] or [0])
        )
    }
    items = []
    for row in rows:
        _prepared(row)
        sealed = await Delegate.count().where(
            (Delegate.delegation == row["id"])
            & ((Delegate.passport_number != "") | (Delegate.date_of_birth != ""))
        )
        files = await VisaLetter.count().where(
            (VisaLetter.delegation == row["id"]) & VisaLetter.content.is_not_null()
        )
        items.append(
            PurgeItem(
                delegation_id=row["id"],
                event_id=row["event"],
                event_title=row["event_title"],
                organization_name=row["organization_name"],
                event_ends_at=ends[row["event"]],
                due_at=ends[row["event"]] + timedelta(days=RETENTION_DAYS),
                members=sealed,
                letters=files,
                noticed_at=row["purge_notice_at"],
            )
        )
    return items


async def purge_delegation(delegation_id: int, actor: Viewer | None = None) -> dict[str, int]:
    """Remove passport numbers, dates of birth, passport expiry dates and letter files."""
    async with write_transaction():
        cleared = (
            await Delegate.update(
                {
                    Delegate.passport_number: "",
                    Delegate.date_of_birth: "",
                    Delegate.passport_index: None,
                    Delegate.passport_expires: None,
                }
            )
            .where(Delegate.delegation == delegation_id)
            .returning(Delegate.id)
        )
        files = (
            await VisaLetter.update({VisaLetter.content: None, VisaLetter.status: "purged"})
            .where(VisaLetter.delegation == delegation_id)
            .returning(VisaLetter.id)
        )
        await Delegation.update({Delegation.purged_at: _now()}).where(
            Delegation.id == delegation_id
        )
    await scrub_letter_mail(delegation_id)
    outcome = {"members": len(cleared), "letters": len(files)}
    await record(actor, "delegation.purge", "delegation", delegation_id, after=outcome)
    return outcome


async def run_retention(now: datetime | None = None) -> dict[str, int]:
    """The daily job: report what is due within a week (once per delegation), and purge what
    is due and was reported at least a week ago. Nothing is removed unreported."""
    now = now or _now()
    plan = await purge_plan(now)
    fresh = [item for item in plan if item.noticed_at is None]
    if fresh:
        ids = [item.delegation_id for item in fresh]
        await Delegation.update({Delegation.purge_notice_at: now}).where(Delegation.id.is_in(ids))
        await record(
            None,
            "delegation.purge_dry_run",
            "delegation",
            ",".join(str(i) for i in ids)[:60],
            after={
                "delegations": ids,
                "members": sum(item.members for item in fresh),
                "letters": sum(item.letters for item in fresh),
            },
        )
        await _mail_purge_report(fresh, now)
    purged = 0
    for item in plan:
        noticed = item.noticed_at
        if noticed is None or item.due_at > now or noticed > now - timedelta(days=NOTICE_DAYS):
            continue
        await purge_delegation(item.delegation_id)
        purged += 1
    return {"reported": len(fresh), "purged": purged}


async def _mail_purge_report(items: list[PurgeItem], now: datetime) -> None:
    for user in await _office_staff():
        lang = user["language"] if user["language"] in i18n.LANGUAGES else "zh"
        with i18n.language(lang):
            rows = [
                {
                    "event": mail_context.text(item.event_title, lang),
                    "organization": mail_context.text(item.organization_name, lang),
                    "due": i18n.format_date(max(item.due_at, now + timedelta(days=NOTICE_DAYS))),
                    "members": item.members,
                    "letters": item.letters,
                }
                for item in items
            ]
        await outbox.queue_mail(
            key=f"delegation_purge_report:{now.date().isoformat()}:{user['id']}",
            recipient=user["email"],
            language=lang,
            template="delegation_purge_report",
            context={
                "name": user["name"],
                "rows": rows,
                "retention_days": RETENTION_DAYS,
                "report_link": f"/{lang}/manage/delegations/retention",
            },
        )


async def scrub_letter_mail(delegation_id: int | None = None) -> int:
    """Drop the letter files from sent letter mails: once delivered, the outbox row need
    not keep passport data. Returns how many rows were scrubbed."""
    prefix = f"delegation_letters:{delegation_id}:" if delegation_id else "delegation_letters:"
    condition = OutboxMessage.idempotency_key.like(f"{prefix}%")
    if delegation_id is None:
        condition &= OutboxMessage.status == OutboxStatus.sent.value
    rows = await OutboxMessage.select(OutboxMessage.id, OutboxMessage.context).where(condition)
    scrubbed = 0
    for row in rows:
        context = _loaded(row["context"]) or {}
        attachments = context.get("attachments") or []
        if not any(item.get("data_b64") for item in attachments):
            continue
        context["attachments"] = []
        context["scrubbed_files"] = [item.get("filename", "") for item in attachments]
        await OutboxMessage.update({OutboxMessage.context: json.dumps(context)}).where(
            OutboxMessage.id == row["id"]
        )
        scrubbed += 1
    return scrubbed


async def resume_letters(now: datetime | None = None) -> int:
    """Trigger rendering again for delegations whose letters wait longer than a few minutes
    (a lost job, a worker that died)."""
    cutoff = (now or _now()) - timedelta(minutes=5)
    rows = await VisaLetter.select(VisaLetter.delegation).where(
        (VisaLetter.status == "pending") & (VisaLetter.created_at < cutoff)
    )
    ids = sorted({row["delegation"] for row in rows})
    for delegation_id in ids:
        # One waiting trigger per delegation: the job keeps no result, so the id is free
        # again as soon as a run ends.
        await jobqueue.enqueue(RENDER_JOB, delegation_id, job_id=f"letters:{delegation_id}:resume")
    return len(ids)
