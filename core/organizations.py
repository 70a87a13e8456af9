"""Partner organizations: cities' offices, universities, institutes, companies and labs."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import available_timezones

from core import i18n
from core.access import Viewer, require
from core.accounts import email_problem
from core.audit import record, record_changes
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import current_language, gettext, lazy_gettext
from core.paging import Page, order, paginate
from core.search import partners as partner_search
from core.tables import Organization, OrganizationKind
from core.translated_forms import row_form_values, source_language, translated
from core.uploads import UploadRefused, check_image, remove, store_image

# Partner countries first, in the order the bureau lists them.
PARTNER_COUNTRIES = ("CN", "KZ", "UZ", "KG", "TJ", "TM")
# Territory codes CLDR names that are no country a person holds a passport of.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
WEBSITE_MAX = 300  # the column's length: PostgreSQL refuses anything longer
LOGOS = "logos"  # the uploads folder of organization logos

KIND_LABELS = {
    OrganizationKind.partner_city: lazy_gettext("Partner city"),
    OrganizationKind.government: lazy_gettext("Government body"),
    OrganizationKind.university: lazy_gettext("University"),
    OrganizationKind.institute: lazy_gettext("Research institute"),
    OrganizationKind.company: lazy_gettext("Company"),
    OrganizationKind.laboratory: lazy_gettext("Joint laboratory"),
}

# Fields only organizers may change; a coordinator edits the rest of their own profile.
ADMIN_ONLY_FIELDS = ("slug", "kind", "country", "is_public")
SORTS = {
    "name": Organization.slug,
    "country": Organization.country,
    "created": Organization.created_at,
}


def kind_labels() -> dict[str, str]:
    return {kind.value: str(label) for kind, label in KIND_LABELS.items()}


async def get(slug: str) -> dict[str, Any] | None:
    return await Organization.select().where(Organization.slug == slug).first()


async def list_page(
    *, country: str = "", kind: str = "", sort: str = "name", page: int = 1
) -> tuple[Page, str]:
    condition = Organization.id > 0
    if country:
        condition &= Organization.country == country
    if kind:
        condition &= Organization.kind == kind
    query, applied = order(Organization.select().where(condition), sort, SORTS, "name")
    return await paginate(query, Organization.count().where(condition), page), applied


async def public_by_country() -> list[tuple[str, list[dict[str, Any]]]]:
    """Public organizations grouped by country, partner countries first."""
    rows = (
        await Organization.select()
        .where(Organization.is_public == True)
        .order_by(Organization.slug)
    )
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["country"], []).append(row)
    ranked = sorted(
        groups, key=lambda c: (PARTNER_COUNTRIES.index(c) if c in PARTNER_COUNTRIES else 99, c)
    )
    return [(country, groups[country]) for country in ranked]


def clean(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Turn form fields into column values, and say what is wrong with them."""
    errors: dict[str, str] = {}
    source = source_language(data, errors)
    name = translated(data, "name", source)
    city = translated(data, "city", source)
    slug = data.get("slug", "").strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 80:
        errors["slug"] = gettext("Use lower-case Latin letters, digits and hyphens.")
    if source not in name.text:
        errors[f"name_{source}"] = gettext("Enter the name in its source language.")
    if data.get("kind") not in {k.value for k in OrganizationKind}:
        errors["kind"] = gettext("Choose a kind of organization.")
    country = data.get("country", "").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors["country"] = gettext("Choose a country.")
    if data.get("timezone") not in available_timezones():
        errors["timezone"] = gettext("Choose a time zone.")
    website = data.get("website", "").strip()
    if len(website) > WEBSITE_MAX:
        errors["website"] = gettext("Use at most %(num)d characters.", num=WEBSITE_MAX)
    elif website and not URL_PATTERN.match(website):
        errors["website"] = gettext("Enter a web address starting with http:// or https://.")
    email = data.get("contact_email", "").strip().lower()
    if email and (problem := email_problem(email)):
        errors["contact_email"] = problem
    values = {
        "slug": slug,
        "name": name.dump(),
        "city": city.dump(),
        "kind": data.get("kind", ""),
        "country": country,
        "timezone": data.get("timezone", ""),
        "website": website,
        "contact_email": email,
        "contact_phone": data.get("contact_phone", "").strip()[:50],
        "is_public": data.get("is_public") == "on",
    }
    return values, errors


async def create(
    actor: Viewer, data: dict[str, str], logo: bytes | None = None, client: str = ""
) -> str:
    require(actor, "organization.create")
    values, errors = clean(data)
    _check_logo(logo, errors)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        if await Organization.exists().where(Organization.slug == values["slug"]):
            raise ValidationFailed({"slug": gettext("This short name is already taken.")})
        values["logo"] = _store_logo(logo, values["slug"])
        organization = Organization(**values)
        try:
            await organization.save()
        except BaseException:
            remove(LOGOS, values["logo"])
            raise
    await partner_search.organization_changed(organization.id)
    await record(
        actor, "organization.create", "organization", organization.id, client=client, after=values
    )
    return values["slug"]


async def update(
    actor: Viewer,
    current: dict[str, Any],
    data: dict[str, str],
    logo: bytes | None = None,
    client: str = "",
) -> str:
    require(actor, "organization.edit", current)
    if not actor.is_admin:
        data = {**data, **{f: _form_value(current, f) for f in ADMIN_ONLY_FIELDS}}
    values, errors = clean(data)
    _check_logo(logo, errors)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        taken = await Organization.exists().where(
            (Organization.slug == values["slug"]) & (Organization.id != current["id"])
        )
        if taken:
            raise ValidationFailed({"slug": gettext("This short name is already taken.")})
        values["logo"] = _store_logo(logo, values["slug"]) or current["logo"]
        try:
            await Organization.update(values).where(Organization.id == current["id"])
        except BaseException:
            if values["logo"] != current["logo"]:
                remove(LOGOS, values["logo"])
            raise
    await partner_search.organization_changed(current["id"])
    await record_changes(
        actor,
        "organization.update",
        "organization",
        current["id"],
        client=client,
        before=_comparable(current),
        after=values,
    )
    return values["slug"]


def form_values(organization: dict[str, Any]) -> dict[str, str]:
    """An organization row as the edit form's fields."""
    values = {
        f: _form_value(organization, f)
        for f in (
            "slug",
            "kind",
            "country",
            "timezone",
            "website",
            "contact_email",
            "contact_phone",
            "is_public",
        )
    }
    return {**values, **row_form_values(organization, ("name", "city"))}


def _form_value(organization: dict[str, Any], field: str) -> str:
    value = organization[field]
    if field == "is_public":
        return "on" if value else ""
    return str(value)


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (Translated.load(v).dump() if k in ("name", "city") else v) for k, v in row.items()}


def _check_logo(content: bytes | None, errors: dict[str, str]) -> None:
    if not content:
        return
    try:
        check_image(content)
    except UploadRefused as refusal:
        errors["logo"] = refusal.message
        return ""


def country_choices() -> dict[str, list[tuple[str, str]]]:
    """Countries named in the page language for a choice list: the partner countries first
    (`partners`), then the rest alphabetically (`others`)."""
    names = i18n.locale(current_language()).territories
    others = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2
        and code.isalpha()
        and code not in NOT_COUNTRIES
        and code not in PARTNER_COUNTRIES
    ]
    return {
        "partners": [(code, names.get(code, code)) for code in PARTNER_COUNTRIES],
        "others": sorted(others, key=lambda pair: pair[1].casefold()),
    }


def _store_logo(content: bytes | None, slug: str) -> str:
    """Written only once everything else was accepted: a refused form leaves no file."""
    return store_image(content, LOGOS, slug or "logo") if content else ""
