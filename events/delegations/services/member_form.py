"""A member's fields as a form or a spreadsheet row gives them: checking them (errors that
refuse, warnings that do not), what a member still lacks before submitting, and a stored
member as the form's values."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core import i18n
from core.accounts import email_problem, normalize_email
from core.i18n import gettext
from core.moments import local_input, read_moment
from events.delegations.services import passports
from events.delegations.services.vocabulary import (
    DIETS,
    GENDERS,
    MEMBER_FIELDS,
    SPOKEN_LANGUAGES,
    TRANSPORTS,
)

PASSPORT_VALID_MONTHS = 6
LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z' .\-]*$")
CHINESE_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·・•\s]+$")
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")
YES = frozenset({"yes", "on", "1", "true"})
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


def country_known(code: str) -> bool:
    return code in i18n.locale("en").territories


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


def _names(data: dict[str, Any], cleaned: Cleaned) -> None:
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


def _passport(data: dict[str, Any], event: dict[str, Any], cleaned: Cleaned) -> None:
    errors = cleaned.errors
    nationality = str(data.get("nationality", "")).strip().upper()
    if nationality and (len(nationality) != 2 or not country_known(nationality)):
        errors["nationality"] = gettext("Choose a country from the list.")
        nationality = ""
    cleaned.values["nationality"] = nationality
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
    cleaned.values["passport_expires"] = expires
    if expires is not None:
        end = event_end_date(event)
        if expires <= end:
            errors["passport_expires"] = gettext("This passport expires before the event ends.")
        elif expires < add_months(end, PASSPORT_VALID_MONTHS):
            cleaned.warnings["passport_expires"] = gettext(
                "This passport expires within six months of the event's end: visas usually "
                "need six months' validity. Ask for a new passport if you can."
            )


def clean_member(data: dict[str, Any], event: dict[str, Any]) -> Cleaned:
    """Check one member's fields as a form or a spreadsheet row gives them (text values;
    `languages` a list or comma-separated). Blank passport fields keep what is stored."""
    cleaned = Cleaned()
    errors, values = cleaned.errors, cleaned.values
    _names(data, cleaned)
    values["gender"] = _choice(data, "gender", GENDERS, errors)
    _passport(data, event, cleaned)
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


def lacks(row: dict[str, Any]) -> list[str]:
    """The fields this member still lacks before the delegation can be submitted."""
    return [name for name in REQUIRED if row.get(name) in (None, "")]


def expiry_warning(row: dict[str, Any], event: dict[str, Any]) -> bool:
    expires = row.get("passport_expires")
    return bool(expires and expires < add_months(event_end_date(event), PASSPORT_VALID_MONTHS))


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
