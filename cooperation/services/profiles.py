"""Demands and offers as their posters keep them: the form's rules, saving a draft or
submitting it for moderation, and who may see what. Posters edit only their organization's
profiles; contact details are never part of what others read (see `public_fields`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cooperation.services import files, matching
from cooperation.services.vocabulary import (
    CITIES,
    CURRENCIES,
    LICENSING_LABELS,
    PARTNER_KINDS,
    city_country,
)
from cooperation.tables import Profile, ProfileKind, ProfileStatus
from core.access import Viewer, can, require, rule
from core.accounts import email_problem
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.tables import Organization
from core.translated_forms import (
    check_length,
    form_values,
    require_source_text,
    source_language,
    translated,
)
from core.uploads import UploadRefused
from core.vocabulary import FIELDS

TITLE_MAX = 200
TEXT_MAX = 5000
BUDGET_MAX = 10**13
CONTACT_COLUMNS = ("contact_name", "contact_email", "contact_phone")
TRANSLATED_COLUMNS = ("title", "description", "partner_wanted")


@rule("cooperation.post")
def _post(viewer: Viewer, _obj: Any) -> bool:
    return bool(viewer.organization_ids)


@rule("cooperation.edit")
def _edit(viewer: Viewer, profile: Any) -> bool:
    return isinstance(profile, dict) and viewer.acts_for(profile.get("organization"))


@rule("cooperation.moderate")
def _moderate(_viewer: Viewer, _obj: Any) -> bool:
    return False  # the bureau (organizers) only


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


@dataclass(frozen=True)
class Uploads:
    """Files sent with the form: new images and a new brochure (None when none was chosen)."""

    images: tuple[bytes, ...] = ()
    brochure: bytes | None = None


# --- reading -------------------------------------------------------------------------------


async def get(profile_id: int) -> dict[str, Any] | None:
    return await Profile.select().output(load_json=True).where(Profile.id == profile_id).first()


def public_fields(profile: dict[str, Any]) -> dict[str, Any]:
    """A profile without its contact details: what anyone but its own organization reads."""
    return {key: value for key, value in profile.items() if key not in CONTACT_COLUMNS}


async def visible(viewer: Viewer, profile_id: int) -> dict[str, Any] | None:
    """A profile for its page: published ones for everybody, others for their organization
    and the bureau only (None otherwise, as if there were none)."""
    profile = await get(profile_id)
    if profile is None:
        return None
    if profile["status"] == ProfileStatus.published.value or can(
        viewer, "cooperation.edit", profile
    ):
        return profile
    return None


async def editable(viewer: Viewer, profile_id: int) -> dict[str, Any]:
    """The profile its organization (or the bureau) is about to change; 404 for others."""
    profile = await get(profile_id)
    require(viewer, "cooperation.edit", profile or {"organization": None})
    assert profile is not None
    return profile


async def of_organizations(organization_ids: list[int]) -> list[dict[str, Any]]:
    if not organization_ids:
        return []
    return (
        await Profile.select()
        .output(load_json=True)
        .where(Profile.organization.is_in(organization_ids))
        .order_by(Profile.updated_at, ascending=False)
    )


async def posting_organizations(viewer: Viewer) -> list[dict[str, Any]]:
    """The organizations `viewer` may post for: their own; every one for the bureau."""
    query = Organization.select(Organization.id, Organization.slug, Organization.name)
    if not viewer.is_admin:
        if not viewer.organization_ids:
            return []
        query = query.where(Organization.id.is_in(list(viewer.organization_ids)))
    return await query.order_by(Organization.slug)


# --- the form -------------------------------------------------------------------------------


def new_form_values(viewer: Viewer, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "source_language": viewer.language,
        "contact_name": viewer.name,
        "contact_email": viewer.email,
        "partner_kinds": [],
        "licensing": [],
    }


def form_values_of(profile: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": profile["kind"],
        "source_language": Translated.load(profile["title"]).source,
        "field": profile["field"],
        "city": profile["city"],
        "partner_kinds": list(profile["partner_kinds"] or []),
        "licensing": list(profile["licensing"] or []),
        "budget_min": "" if profile["budget_min"] is None else str(profile["budget_min"]),
        "budget_max": "" if profile["budget_max"] is None else str(profile["budget_max"]),
        "currency": profile["currency"],
        "deadline": profile["deadline"].isoformat() if profile["deadline"] else "",
        "trl": "" if profile["trl"] is None else str(profile["trl"]),
        "ip_rights": profile["ip_rights"],
        **{column: profile[column] for column in CONTACT_COLUMNS},
    }
    for column in TRANSLATED_COLUMNS:
        values.update(form_values(profile[column], column))
    return values


def _integer(
    raw: str, name: str, errors: dict[str, str], low: int, high: int, message: str
) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw.replace(" ", "").replace(",", ""))
    except ValueError:
        errors[name] = message
        return None
    if not low <= value <= high:
        errors[name] = message
        return None
    return value


def _texts(data: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    source = source_language(data, errors)
    values: dict[str, Any] = {}
    for column, limit in (
        ("title", TITLE_MAX),
        ("description", TEXT_MAX),
        ("partner_wanted", TEXT_MAX),
    ):
        content = translated(data, column, source)
        check_length(content, column, limit, errors)
        if column != "partner_wanted":
            require_source_text(content, column, errors)
        values[column] = content.dump()
    return values


def _place(data: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {"field": data.get("field", ""), "city": data.get("city", "")}
    if values["field"] not in FIELDS:
        errors["field"] = gettext("Choose a field.")
    if values["city"] not in CITIES:
        errors["city"] = gettext("Choose a city.")
    values["country"] = city_country(values["city"])
    return values


def _demand_terms(data: dict[str, str], errors: dict[str, str], on: date) -> dict[str, Any]:
    amount = gettext("Enter a whole number of at least 0.")
    values: dict[str, Any] = {
        "budget_min": _integer(
            data.get("budget_min", ""), "budget_min", errors, 0, BUDGET_MAX, amount
        ),
        "budget_max": _integer(
            data.get("budget_max", ""), "budget_max", errors, 0, BUDGET_MAX, amount
        ),
        "currency": data.get("currency", ""),
        "deadline": None,
    }
    low, high = values["budget_min"], values["budget_max"]
    if low is not None and high is not None and low > high:
        errors["budget_max"] = gettext("The upper end must not be below the lower end.")
    if (low is not None or high is not None) and values["currency"] not in CURRENCIES:
        errors["currency"] = gettext("Choose the currency of the budget.")
    if low is None and high is None and values["currency"] not in CURRENCIES:
        values["currency"] = ""
    raw = data.get("deadline", "")
    if raw:
        try:
            values["deadline"] = date.fromisoformat(raw)
        except ValueError:
            errors["deadline"] = gettext("Enter a date.")
        else:
            if values["deadline"] <= on:
                errors["deadline"] = gettext("The deadline must be after today.")
    return values


def _offer_terms(
    data: dict[str, str], licensing: list[str], errors: dict[str, str]
) -> dict[str, Any]:
    trl = _integer(
        data.get("trl", ""), "trl", errors, 1, 9, gettext("Choose a readiness level from 1 to 9.")
    )
    if trl is None and "trl" not in errors:
        errors["trl"] = gettext("Choose a readiness level from 1 to 9.")
    chosen = [mode for mode in dict.fromkeys(licensing) if mode in LICENSING_LABELS]
    if not chosen:
        errors["licensing"] = gettext("Choose at least one way to license it.")
    ip_rights = data.get("ip_rights", "")
    if len(ip_rights) > 2000:
        errors["ip_rights"] = gettext("Use at most %(num)d characters.", num=2000)
    return {
        "trl": trl,
        "licensing": chosen,
        "licensing_keys": "|" + "|".join(chosen) + "|" if chosen else "",
        "ip_rights": ip_rights,
    }


def _contacts(data: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    values = {column: data.get(column, "") for column in CONTACT_COLUMNS}
    if not values["contact_name"]:
        errors["contact_name"] = gettext("Enter the name of the contact person.")
    problem = email_problem(values["contact_email"].lower())
    if problem:
        errors["contact_email"] = problem
    values["contact_email"] = values["contact_email"].lower()
    if len(values["contact_name"]) > 200 or len(values["contact_phone"]) > 50:
        errors["contact_phone"] = gettext("Use at most %(num)d characters.", num=50)
    return values


def clean(
    kind: str,
    data: dict[str, str],
    *,
    partner_kinds: list[str],
    licensing: list[str],
    on: date,
) -> dict[str, Any]:
    """The form's values as columns, or ValidationFailed with every problem at once."""
    errors: dict[str, str] = {}
    values = {**_texts(data, errors), **_place(data, errors), **_contacts(data, errors)}
    values["partner_kinds"] = [k for k in dict.fromkeys(partner_kinds) if k in PARTNER_KINDS]
    if kind == ProfileKind.demand:
        values.update(_demand_terms(data, errors, on))
    else:
        values.update(_offer_terms(data, licensing, errors))
    if errors:
        raise ValidationFailed(errors)
    return values


def _store_uploads(
    uploads: Uploads, kept_images: list[str], errors: dict[str, str]
) -> dict[str, Any]:
    """Write the checked files; nothing is written when any of them is refused."""
    if len(kept_images) + len(uploads.images) > files.MAX_IMAGES:
        errors["images"] = gettext("Add at most %(num)d images.", num=files.MAX_IMAGES)
        return {}
    written: list[str] = []
    try:
        images = [files.store_picture(content, "offer") for content in uploads.images]
        written.extend(images)
        brochure = files.store_pdf(uploads.brochure, "brochure") if uploads.brochure else ""
        written.append(brochure)
    except UploadRefused as refused:
        files.remove(written)
        errors["images" if len(written) < len(uploads.images) else "brochure"] = refused.message
        return {}
    values: dict[str, Any] = {"images": kept_images + images}
    if brochure:
        values["brochure"] = brochure
    return values


def file_names(images: list[str], brochure: str) -> str:
    """The lookup key of a profile's files (see `Profile.file_names`)."""
    names = [name for name in [*images, brochure] if name]
    return "|" + "|".join(names) + "|" if names else ""


async def _organization_for(viewer: Viewer, slug: str, errors: dict[str, str]) -> int | None:
    choices = await posting_organizations(viewer)
    chosen = next((o for o in choices if o["slug"] == slug), None) if slug else None
    if chosen is None and len(choices) == 1 and not viewer.is_admin:
        chosen = choices[0]
    if chosen is None:
        errors["organization"] = gettext("Choose the organization you post for.")
        return None
    return int(chosen["id"])


# --- saving ---------------------------------------------------------------------------------


async def create(
    viewer: Viewer,
    kind: str,
    data: dict[str, str],
    *,
    partner_kinds: list[str],
    licensing: list[str],
    uploads: Uploads = Uploads(),
    submit: bool = False,
    client: str = "",
    on: date | None = None,
) -> int:
    """A new demand or offer for one of the viewer's organizations; submitted for moderation
    when `submit`, else kept as a draft. Returns its id."""
    require(viewer, "cooperation.post")
    if kind not in ProfileKind.__members__:
        raise ValidationFailed({"": gettext("Choose what you are posting.")})
    errors: dict[str, str] = {}
    organization = await _organization_for(viewer, data.get("organization", ""), errors)
    try:
        values = clean(
            kind, data, partner_kinds=partner_kinds, licensing=licensing, on=on or today()
        )
    except ValidationFailed as failed:
        raise ValidationFailed({**errors, **failed.errors}) from None
    if kind == ProfileKind.offer:
        values.update(_store_uploads(uploads, [], errors))
    if errors:
        raise ValidationFailed(errors)
    moment = now()
    values.update(
        kind=kind,
        organization=organization,
        posted_by=viewer.id,
        status=(ProfileStatus.submitted if submit else ProfileStatus.draft).value,
        submitted_at=moment if submit else None,
        created_at=moment,
        updated_at=moment,
        images=values.get("images", []),
        licensing=values.get("licensing", []),
        file_names=file_names(values.get("images", []), values.get("brochure", "")),
    )
    values["terms"] = matching.features(values)
    async with write_transaction():
        inserted = await Profile.insert(Profile(**values)).returning(Profile.id)
    profile_id = int(inserted[0]["id"])
    await record(viewer, "cooperation.create", "cooperation_profile", profile_id, client=client)
    return profile_id


async def update(
    viewer: Viewer,
    profile: dict[str, Any],
    data: dict[str, str],
    *,
    partner_kinds: list[str],
    licensing: list[str],
    uploads: Uploads = Uploads(),
    remove_images: tuple[str, ...] = (),
    submit: bool = False,
    client: str = "",
    on: date | None = None,
) -> None:
    """Save changes; a changed profile goes back to moderation when submitted, and a
    published one is taken down until the bureau publishes it again."""
    require(viewer, "cooperation.edit", profile)
    if profile["status"] == ProfileStatus.archived.value:
        raise ValidationFailed({"": gettext("An archived profile can no longer be changed.")})
    errors: dict[str, str] = {}
    values = clean(
        profile["kind"], data, partner_kinds=partner_kinds, licensing=licensing, on=on or today()
    )
    if profile["kind"] == ProfileKind.offer:
        kept = [name for name in profile["images"] or [] if name not in set(remove_images)]
        values.update(_store_uploads(uploads, kept, errors))
    if errors:
        raise ValidationFailed(errors)
    moment = now()
    status = ProfileStatus.submitted if submit else ProfileStatus.draft
    values.update(status=status.value, updated_at=moment, return_reason=profile["return_reason"])
    if submit:
        values["submitted_at"] = moment
    if profile["kind"] == ProfileKind.offer:
        values["file_names"] = file_names(
            values["images"], values.get("brochure") or profile["brochure"]
        )
    values["terms"] = matching.features({**profile, **values})
    async with write_transaction():
        await Profile.update(values).where(Profile.id == profile["id"])
    await record(viewer, "cooperation.update", "cooperation_profile", profile["id"], client=client)


async def submit(viewer: Viewer, profile: dict[str, Any], client: str = "") -> None:
    """A draft or returned profile goes to the bureau's moderation queue."""
    require(viewer, "cooperation.edit", profile)
    movable = (ProfileStatus.draft.value, ProfileStatus.returned.value)
    updated = (
        await Profile.update(
            {
                Profile.status: ProfileStatus.submitted.value,
                Profile.submitted_at: now(),
                Profile.updated_at: now(),
            }
        )
        .where((Profile.id == profile["id"]) & Profile.status.is_in(list(movable)))
        .returning(Profile.id)
    )
    if not updated:
        raise ValidationFailed(
            {"": gettext("Only a draft or a returned profile can be submitted.")}
        )
    await record(viewer, "cooperation.submit", "cooperation_profile", profile["id"], client=client)
