"""The board's words: kinds and states of profiles, licensing modes, the cities guides and
profiles are placed in, currencies and readiness levels — keys stored in rows, labels
translated when shown."""

from __future__ import annotations

from typing import Any

from cooperation.tables import DigestFrequency, InterestStatus, ProfileKind, ProfileStatus
from core.i18n import lazy_gettext
from core.organizations import KIND_LABELS as ORGANIZATION_KIND_LABELS
from core.tables import OrganizationKind
from core.vocabulary import field_labels, labels

KIND_LABELS = {
    ProfileKind.demand: lazy_gettext("Technology demand"),
    ProfileKind.offer: lazy_gettext("Technology offer"),
}
KIND_PLURALS = {
    ProfileKind.demand: lazy_gettext("Technology demands"),
    ProfileKind.offer: lazy_gettext("Technology offers"),
}
STATUS_LABELS = {
    ProfileStatus.draft: lazy_gettext("Draft"),
    ProfileStatus.submitted: lazy_gettext("Waiting for moderation"),
    ProfileStatus.returned: lazy_gettext("Returned for changes"),
    ProfileStatus.published: lazy_gettext("Published"),
    ProfileStatus.archived: lazy_gettext("Archived"),
}
INTEREST_LABELS = {
    InterestStatus.pending: lazy_gettext("Waiting for an answer"),
    InterestStatus.accepted: lazy_gettext("Accepted"),
    InterestStatus.declined: lazy_gettext("Declined"),
}
LICENSING_LABELS = {
    "sale": lazy_gettext("Sale of rights"),
    "licence": lazy_gettext("Licence"),
    "use_first_pay_later": lazy_gettext("Use first, pay later"),
    "joint_development": lazy_gettext("Joint development"),
}
FREQUENCY_LABELS = {
    DigestFrequency.weekly: lazy_gettext("Weekly"),
    DigestFrequency.monthly: lazy_gettext("Monthly"),
}
# Kinds of partner a profile may ask for (the organization kinds, cities' offices aside).
PARTNER_KINDS = (
    OrganizationKind.university,
    OrganizationKind.institute,
    OrganizationKind.company,
    OrganizationKind.laboratory,
)
# City key → (country, name). Urumqi and the partner cities of Central Asia.
CITIES: dict[str, tuple[str, Any]] = {
    "urumqi": ("CN", lazy_gettext("Urumqi")),
    "almaty": ("KZ", lazy_gettext("Almaty")),
    "astana": ("KZ", lazy_gettext("Astana")),
    "tashkent": ("UZ", lazy_gettext("Tashkent")),
    "bishkek": ("KG", lazy_gettext("Bishkek")),
    "dushanbe": ("TJ", lazy_gettext("Dushanbe")),
    "ashgabat": ("TM", lazy_gettext("Ashgabat")),
}
CURRENCIES = ("CNY", "KZT", "UZS", "KGS", "TJS", "TMT", "USD", "EUR", "RUB")
TRL_LEVELS = tuple(range(1, 10))


def city_labels() -> dict[str, str]:
    return {key: str(name) for key, (_country, name) in CITIES.items()}


def city_country(city: str) -> str:
    return CITIES[city][0] if city in CITIES else ""


def partner_kind_labels() -> dict[str, str]:
    return labels({kind: ORGANIZATION_KIND_LABELS[kind] for kind in PARTNER_KINDS})


def all_labels() -> dict[str, dict[str, str]]:
    """Every label table a page of the board may need, in the current language."""
    return {
        "kinds": labels(KIND_LABELS),
        "kind_plurals": labels(KIND_PLURALS),
        "statuses": labels(STATUS_LABELS),
        "interest": labels(INTEREST_LABELS),
        "licensing": labels(LICENSING_LABELS),
        "frequencies": labels(FREQUENCY_LABELS),
        "fields": field_labels(),
        "cities": city_labels(),
        "partner_kinds": partner_kind_labels(),
    }
