"""The words of delegations: states, genders, diets, transport, protocol ranks, spoken
languages and the member form's fields, each translated when shown."""

from __future__ import annotations

from core import i18n
from core.i18n import current_language, gettext, lazy_gettext
from core.vocabulary import labels
from events.delegations.tables import DelegationStatus

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


def status_labels() -> dict[str, str]:
    return labels(STATUS_LABELS)


def language_name(code: str) -> str:
    return i18n.locale(current_language()).languages.get(code, code)


def language_labels() -> dict[str, str]:
    return {code: language_name(code) for code in SPOKEN_LANGUAGES}


def letter_language(nationality: str) -> str:
    """The letter's language beside Chinese: Russian where it is the common one, else English."""
    return "ru" if nationality.upper() in RUSSIAN_LETTER_COUNTRIES else "en"


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


def page_labels() -> dict[str, object]:
    """The label tables every delegation page shows values with."""
    return {
        "statuses": status_labels(),
        "status_badges": labels(STATUS_BADGES),
        "genders": labels(GENDERS),
        "diets": labels(DIETS),
        "transports": labels(TRANSPORTS),
        "ranks": labels(PROTOCOL_RANKS),
        "spoken": language_labels(),
        "field_labels": field_labels(),
    }
