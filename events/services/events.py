"""Events as organizers shape them: reading and listing events, the event form, creating and
editing (times typed in the event's zone, stored in UTC; every change audit-logged with what
it was before and after). The life cycle, quotas and registration questions have modules of
their own; the words are in `labels`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import available_timezones

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Count

from core.access import Viewer, require, rule
from core.audit import changed_fields, jsonable, record
from core.content import Translated
from core.db import engine, write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext, ngettext
from core.moments import date_range, local_input, read_moment
from core.paging import Page, order, paginate
from core.tables import Organization
from core.translated_forms import check_length, row_form_values, source_language, translated
from core.uploads import UploadRefused, store_image
from events import search as event_search
from events.services import registrations, seats
from events.services.labels import FIELD_LABELS, KIND_LABELS, STATUS_LABELS
from events.tables import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
# Path segments of the back office that an event's short name must not take.
RESERVED_SLUGS = frozenset({"new", "media"})
MEDIA_FOLDER = "events"  # covers and speaker photos, under <data>/uploads/events
MAX_COVER_BYTES = 3 * 1024 * 1024

CONTENT_FIELDS = ("title", "summary", "description", "venue", "city")
# Longest text accepted per language, by field.
CONTENT_LIMITS = {"title": 200, "summary": 600, "description": 20000, "venue": 300, "city": 100}

LIVE_REGISTRATIONS = (
    RegistrationStatus.pending.value,
    RegistrationStatus.confirmed.value,
    RegistrationStatus.waitlisted.value,
    RegistrationStatus.offered.value,
)
SORTS = {
    "starts": Event.starts_at,
    "slug": Event.slug,
    "status": Event.status,
    "created": Event.created_at,
}


@rule("event.manage")
def _manage_event(_viewer: Viewer, _event: Any) -> bool:
    return False  # organizers only (admins pass every rule)


# --- reading -------------------------------------------------------------------------------


async def get(slug: str) -> dict[str, Any] | None:
    return await Event.select().where(Event.slug == slug).first()


async def get_by_id(event_id: int) -> dict[str, Any] | None:
    return await Event.select().where(Event.id == event_id).first()


async def live_registration_counts(event_ids: list[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    rows = (
        await Registration.select(Registration.event, Count(alias="n"))
        .where(
            Registration.event.is_in(event_ids)
            & Registration.status.is_in(list(LIVE_REGISTRATIONS))
        )
        .group_by(Registration.event)
    )
    return {row["event"]: row["n"] for row in rows}


async def list_page(
    *, status: str = "", kind: str = "", sort: str = "-starts", page: int = 1
) -> tuple[Page, str]:
    """Events for the organizers' list, each with its seats held and live registrations."""
    condition = Event.id > 0
    if status in STATUS_LABELS:
        condition &= Event.status == status
    if kind in KIND_LABELS:
        condition &= Event.kind == kind
    query, applied = order(Event.select().where(condition), sort, SORTS, "-starts")
    listing = await paginate(query, Event.count().where(condition), page)
    registered = await live_registration_counts([item["id"] for item in listing.items])
    for item in listing.items:
        item["seats"] = await seats.counts(item)
        item["registrations"] = registered.get(item["id"], 0)
        item["dates"] = date_range(item["starts_at"], item["ends_at"], item["timezone"])
    return listing, applied


async def organizations() -> list[dict[str, Any]]:
    """Organizations to choose from (host, quotas), in slug order."""
    return await Organization.select(
        Organization.id, Organization.slug, Organization.name
    ).order_by(Organization.slug)


def missing_translations(event: dict[str, Any]) -> list[dict[str, Any]]:
    """For each content field that lacks a language: its label and the languages missing
    (an empty field lacks all four)."""
    missing = []
    for field in CONTENT_FIELDS:
        content = Translated.load(event[field])
        if content.missing():
            missing.append(
                {
                    "field": field,
                    "label": str(FIELD_LABELS[field]),
                    "languages": content.missing(),
                    "empty": not content,
                }
            )
    return missing


async def summary(event: dict[str, Any]) -> dict[str, Any]:
    """What the overview page shows: seats, registrations by status, arrivals."""
    rows = (
        await Registration.select(Registration.status, Count(alias="n"))
        .where(Registration.event == event["id"])
        .group_by(Registration.status)
    )
    by_status = {row["status"]: row["n"] for row in rows}
    checked_in = await Registration.count().where(
        (Registration.event == event["id"]) & Registration.checked_in_at.is_not_null()
    )
    return {
        "seats": await seats.counts(event),
        "reserved": await seats.reserved_seats(event["id"]),
        "by_status": {
            status.value: by_status.get(status.value, 0) for status in RegistrationStatus
        },
        "checked_in": checked_in,
        "questions": await RegistrationQuestion.count().where(
            RegistrationQuestion.event == event["id"]
        ),
    }


# --- creating and editing --------------------------------------------------------------------


def clean(data: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Turn the event form's fields into column values, and say what is wrong with them.
    `host_organization` stays a slug here; `create`/`update` resolve it."""
    errors: dict[str, str] = {}
    source = source_language(data, errors)
    content = {field: translated(data, field, source) for field in CONTENT_FIELDS}
    if source not in content["title"].text:
        errors[f"title_{source}"] = gettext("Enter the title in its source language.")
    for field, limit in CONTENT_LIMITS.items():
        check_length(content[field], field, limit, errors)

    slug = data.get("slug", "").strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 80:
        errors["slug"] = gettext("Use lower-case Latin letters, digits and hyphens.")
    elif slug in RESERVED_SLUGS:
        errors["slug"] = gettext("This short name is reserved; choose another.")
    kind = data.get("kind", "")
    if kind not in {k.value for k in EventKind}:
        errors["kind"] = gettext("Choose a kind of event.")
    map_url = data.get("map_url", "").strip()
    if map_url and (not URL_PATTERN.match(map_url) or len(map_url) > 500):
        errors["map_url"] = gettext("Enter a web address starting with http:// or https://.")

    zone = data.get("timezone", "")
    moments: dict[str, datetime | None] = dict.fromkeys(
        ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "edits_until")
    )
    if zone not in available_timezones():
        errors["timezone"] = gettext("Choose a time zone.")
    else:
        for name in moments:
            moments[name] = read_moment(
                data, name, zone, errors, required=name in ("starts_at", "ends_at")
            )
    starts, ends = moments["starts_at"], moments["ends_at"]
    opens, closes = moments["registration_opens_at"], moments["registration_closes_at"]
    if starts and ends and ends <= starts:
        errors["ends_at"] = gettext("The end must be after the start.")
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = gettext("Registration must close after it opens.")
    elif closes and ends and closes > ends:
        errors["registration_closes_at"] = gettext("Registration must close before the event ends.")
    if moments["edits_until"] and ends and moments["edits_until"] > ends:
        errors["edits_until"] = gettext("Changes must stop before the event ends.")

    capacity = whole_number(data.get("capacity", ""))
    if data.get("capacity", "").strip() and (capacity is None or capacity < 1):
        errors["capacity"] = gettext(
            "Enter a whole number of at least 1, or leave it empty for no limit."
        )
    offer_hours = whole_number(data.get("offer_hours", "")) or 0
    if not 1 <= offer_hours <= 720:
        errors["offer_hours"] = gettext("Enter a number of hours between 1 and 720.")

    values: dict[str, Any] = {
        "slug": slug,
        "kind": kind,
        **{field: content[field].dump() for field in CONTENT_FIELDS},
        "map_url": map_url,
        "timezone": zone,
        **moments,
        "capacity": capacity if capacity and capacity >= 1 else None,
        "offer_hours": offer_hours,
        "approval_required": data.get("approval_required") == "on",
        "self_registration": data.get("self_registration") == "on",
        "host_organization": data.get("host_organization", "").strip(),
    }
    return values, errors


def whole_number(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if re.fullmatch(r"\d{1,9}", raw) else None


def form_values(event: dict[str, Any], host_slug: str = "") -> dict[str, str]:
    """An event row as the edit form's fields, times in the event's zone."""
    zone = event["timezone"]
    values = row_form_values(event, CONTENT_FIELDS)
    values.update(
        {
            "slug": event["slug"],
            "kind": event["kind"],
            "map_url": event["map_url"],
            "timezone": zone,
            "capacity": "" if event["capacity"] is None else str(event["capacity"]),
            "offer_hours": str(event["offer_hours"]),
            "approval_required": "on" if event["approval_required"] else "",
            "self_registration": "on" if event["self_registration"] else "",
            "host_organization": host_slug,
        }
    )
    for name in (
        "starts_at",
        "ends_at",
        "registration_opens_at",
        "registration_closes_at",
        "edits_until",
    ):
        values[name] = local_input(event[name], zone)
    return values


def new_form_values() -> dict[str, str]:
    return {
        "source_language": "zh",
        "kind": EventKind.forum.value,
        "timezone": "Asia/Urumqi",
        "offer_hours": "48",
        "self_registration": "on",
    }


async def _host_id(slug: str, errors: dict[str, str]) -> int | None:
    if not slug:
        return None
    row = await Organization.select(Organization.id).where(Organization.slug == slug).first()
    if row is None:
        errors["host_organization"] = gettext("Choose an organization from the list.")
        return None
    return row["id"]


def _cover(content: bytes | None, slug: str, errors: dict[str, str]) -> str:
    if not content:
        return ""
    try:
        return store_image(content, MEDIA_FOLDER, f"cover-{slug or 'event'}", MAX_COVER_BYTES)
    except UploadRefused as refusal:
        errors["cover"] = refusal.message
        return ""


async def locked(event_id: int) -> dict[str, Any] | None:
    """The event's row, read again inside a write transaction. On PostgreSQL the row stays
    locked until the transaction ends, so concurrent changes to capacity, reserved seats and
    status are decided one after another (SQLite's IMMEDIATE transactions already do that)."""
    query = Event.select().where(Event.id == event_id)
    if isinstance(engine(), PostgresEngine):
        query = query.lock_rows()
    return await query.first()


def ensure_editable(event: dict[str, Any]) -> None:
    if event["status"] == EventStatus.archived:
        raise ValidationFailed({"": gettext("An archived event can no longer be changed.")})


def require_editable(actor: Viewer, event: dict[str, Any]) -> None:
    """The actor may manage the event, and it is not archived."""
    require(actor, "event.manage", event)
    ensure_editable(event)


async def create(
    actor: Viewer, data: dict[str, str], cover: bytes | None = None, client: str = ""
) -> str:
    """A new event, always as a draft; returns its short name."""
    require(actor, "event.manage")
    values, errors = clean(data)
    values["host_organization"] = await _host_id(values["host_organization"], errors)
    if errors:
        raise ValidationFailed(errors)
    values["cover"] = _cover(cover, values["slug"], errors)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        if await Event.exists().where(Event.slug == values["slug"]):
            raise ValidationFailed({"slug": gettext("This short name is already taken.")})
        event = Event(
            **values, status=EventStatus.draft.value, created_by=actor.id, general_taken=0
        )
        await event.save()
    await event_search.event_changed(event.id)
    await record(actor, "event.create", "event", event.id, client=client, after=jsonable(values))
    return values["slug"]


async def update(
    actor: Viewer,
    current: dict[str, Any],
    data: dict[str, str],
    cover: bytes | None = None,
    client: str = "",
) -> str:
    """Save the edit form; returns the (possibly new) short name."""
    require_editable(actor, current)
    values, errors = clean(data)
    values["host_organization"] = await _host_id(values["host_organization"], errors)
    if errors:
        raise ValidationFailed(errors)
    values["cover"] = _cover(cover, values["slug"], errors) or current["cover"]
    if errors:
        raise ValidationFailed(errors)
    mails = registrations.Mails()
    async with write_transaction():
        fresh = await locked(current["id"])
        if fresh is None:
            raise ValidationFailed({"": gettext("This event does not exist.")})
        ensure_editable(fresh)
        taken = await Event.exists().where(
            (Event.slug == values["slug"]) & (Event.id != current["id"])
        )
        if taken:
            raise ValidationFailed({"slug": gettext("This short name is already taken.")})
        committed = fresh["general_taken"] + await seats.reserved_seats(current["id"])
        if values["capacity"] is not None and values["capacity"] < committed:
            raise ValidationFailed(
                {
                    "capacity": ngettext(
                        "The capacity cannot be below %(num)d: that seat is reserved for "
                        "partner organizations or already held.",
                        "The capacity cannot be below %(num)d: that many seats are reserved "
                        "for partner organizations or already held.",
                        committed,
                    )
                }
            )
        await Event.update({**values, "updated_at": datetime.now(UTC)}).where(
            Event.id == current["id"]
        )
        if fresh["capacity"] is not None and (
            values["capacity"] is None or values["capacity"] > fresh["capacity"]
        ):
            await registrations.offer_free_seats(current["id"], mails)
    await mails.send()
    await event_search.event_changed(current["id"])
    before, after = changed_fields(_comparable(fresh), values)
    if after:
        await record(
            actor,
            "event.update",
            "event",
            current["id"],
            client=client,
            before=jsonable(before),
            after=jsonable(after),
        )
    return values["slug"]


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (Translated.load(value).dump() if key in CONTENT_FIELDS else value)
        for key, value in row.items()
    }
