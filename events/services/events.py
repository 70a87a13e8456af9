"""Events as organizers shape them: the event and its life cycle, seats reserved for partner
organizations (quotas), and the questions of its registration form.

Times are typed in the event's own time zone and stored in UTC. Every change is audit-logged
with what it was before and after.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import available_timezones

from babel.support import LazyProxy
from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Count

from core.access import Viewer, require, rule
from core.audit import changed_fields, jsonable, record, record_changes
from core.content import Translated
from core.db import engine, write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, current_language, gettext, lazy_gettext, ngettext
from core.moments import date_range, local_input, read_moment
from core.paging import Page, order, paginate
from core.tables import Organization
from core.translated_forms import check_length, row_form_values, source_language, translated
from core.uploads import UploadRefused, store_image
from events.services import registrations, seats
from events.tables import (
    Event,
    EventKind,
    EventQuota,
    EventStatus,
    QuestionKind,
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

KIND_LABELS = {
    EventKind.conference: lazy_gettext("Conference"),
    EventKind.forum: lazy_gettext("Forum"),
    EventKind.roadshow: lazy_gettext("Roadshow"),
    EventKind.matchmaking: lazy_gettext("Matchmaking session"),
}
STATUS_LABELS = {
    EventStatus.draft: lazy_gettext("Draft"),
    EventStatus.published: lazy_gettext("Published"),
    EventStatus.registration_open: lazy_gettext("Registration open"),
    EventStatus.registration_closed: lazy_gettext("Registration closed"),
    EventStatus.finished: lazy_gettext("Finished"),
    EventStatus.archived: lazy_gettext("Archived"),
}
FIELD_LABELS = {
    "title": lazy_gettext("Title"),
    "summary": lazy_gettext("Summary"),
    "description": lazy_gettext("Description"),
    "venue": lazy_gettext("Venue and address"),
    "city": lazy_gettext("City"),
}
REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.pending: lazy_gettext("Waiting for approval"),
    RegistrationStatus.confirmed: lazy_gettext("Confirmed"),
    RegistrationStatus.waitlisted: lazy_gettext("On the waiting list"),
    RegistrationStatus.offered: lazy_gettext("Seat offered"),
    RegistrationStatus.rejected: lazy_gettext("Rejected"),
    RegistrationStatus.cancelled: lazy_gettext("Cancelled"),
}
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


def kind_labels() -> dict[str, str]:
    return {kind.value: str(label) for kind, label in KIND_LABELS.items()}


def status_labels() -> dict[str, str]:
    return {status.value: str(label) for status, label in STATUS_LABELS.items()}


def registration_status_labels() -> dict[str, str]:
    return {status.value: str(label) for status, label in REGISTRATION_STATUS_LABELS.items()}


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

    capacity = _whole_number(data.get("capacity", ""))
    if data.get("capacity", "").strip() and (capacity is None or capacity < 1):
        errors["capacity"] = gettext(
            "Enter a whole number of at least 1, or leave it empty for no limit."
        )
    offer_hours = _whole_number(data.get("offer_hours", "")) or 0
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


def _whole_number(raw: str) -> int | None:
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


async def _locked(event_id: int) -> dict[str, Any] | None:
    """The event's row, read again inside a write transaction. On PostgreSQL the row stays
    locked until the transaction ends, so concurrent changes to capacity, reserved seats and
    status are decided one after another (SQLite's IMMEDIATE transactions already do that)."""
    query = Event.select().where(Event.id == event_id)
    if isinstance(engine(), PostgresEngine):
        query = query.lock_rows()
    return await query.first()


async def _offer_to_waiting_list(event_id: int, mails: Any) -> None:
    """Seats that a higher capacity or a changed reservation makes free go to the waiting
    list in order, exactly as a cancelled seat does (with an offer that expires)."""
    # The registrations service keeps this step private; it is the one place that makes
    # offers, so it is reused here rather than copied.
    await registrations._offer_free_seats(event_id, mails)


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
    mails = registrations._Mails()
    async with write_transaction():
        fresh = await _locked(current["id"])
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
            await _offer_to_waiting_list(current["id"], mails)
    await mails.send()
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


# --- the life cycle --------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """A step an event may take; `confirm` is asked first for steps that cannot be undone."""

    target: str
    label: LazyProxy
    confirm: LazyProxy | None = None


TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    EventStatus.draft: (Transition(EventStatus.published, lazy_gettext("Publish")),),
    EventStatus.published: (
        Transition(EventStatus.registration_open, lazy_gettext("Open registration")),
        Transition(EventStatus.draft, lazy_gettext("Unpublish (back to draft)")),
    ),
    EventStatus.registration_open: (
        Transition(EventStatus.registration_closed, lazy_gettext("Close registration")),
    ),
    EventStatus.registration_closed: (
        Transition(EventStatus.registration_open, lazy_gettext("Reopen registration")),
        Transition(
            EventStatus.finished,
            lazy_gettext("Mark as finished"),
            lazy_gettext(
                "A finished event cannot open registration again. Mark this event as finished?"
            ),
        ),
    ),
    EventStatus.finished: (
        Transition(
            EventStatus.archived,
            lazy_gettext("Archive"),
            lazy_gettext(
                "An archived event can no longer be changed, and this cannot be undone. "
                "Archive this event?"
            ),
        ),
    ),
    EventStatus.archived: (),
}


def allowed_transitions(status: str) -> tuple[Transition, ...]:
    return TRANSITIONS.get(status, ())


def transition_to(status: str, target: str) -> Transition | None:
    return next((t for t in allowed_transitions(status) if t.target == target), None)


class ClashesFound(ValidationFailed):
    """Publishing refused because the agenda has clashes; `clashes` says which."""

    def __init__(self, clashes: list[str]) -> None:
        super().__init__(
            {
                "": ngettext(
                    "The agenda has %(num)d clash. Resolve it before publishing.",
                    "The agenda has %(num)d clashes. Resolve them before publishing.",
                    len(clashes),
                )
            }
        )
        self.clashes = clashes


async def change_status(actor: Viewer, event: dict[str, Any], target: str, client: str = "") -> str:
    """Move the event one allowed step; returns the new status."""
    require(actor, "event.manage", event)
    from events.services import agenda  # agenda builds on this module

    async with write_transaction():
        fresh = await _locked(event["id"])
        if fresh is None:
            raise ValidationFailed({"": gettext("This event does not exist.")})
        current = fresh["status"]
        if transition_to(current, target) is None:
            raise ValidationFailed(
                {
                    "": gettext(
                        "An event that is “%(current)s” cannot become “%(target)s”.",
                        current=STATUS_LABELS.get(current, current),
                        target=STATUS_LABELS.get(target, target),
                    )
                }
            )
        if target == EventStatus.published:
            clashes = await agenda.clashes(event["id"])
            if clashes:
                raise ClashesFound([str(clash) for clash in clashes])
        if target == EventStatus.registration_open:
            closes = fresh["registration_closes_at"]
            if closes is not None and closes <= datetime.now(UTC):
                raise ValidationFailed(
                    {
                        "": gettext(
                            "The registration deadline has passed. Move it later before "
                            "opening registration."
                        )
                    }
                )
        await Event.update({Event.status: target, Event.updated_at: datetime.now(UTC)}).where(
            Event.id == event["id"]
        )
    await record(
        actor,
        "event.status",
        "event",
        event["id"],
        client=client,
        before={"status": current},
        after={"status": target},
    )
    return target


# --- quotas --------------------------------------------------------------------------------


async def quotas(event_id: int) -> list[dict[str, Any]]:
    """Seats reserved per partner organization, with the organization's slug and name."""
    rows = (
        await EventQuota.select(
            EventQuota.id,
            EventQuota.seats,
            EventQuota.taken,
            EventQuota.organization,
            EventQuota.organization.slug.as_alias("organization_slug"),
            EventQuota.organization.name.as_alias("organization_name"),
        )
        .where(EventQuota.event == event_id)
        .order_by(EventQuota.organization.slug)
    )
    return rows


async def set_quota(
    actor: Viewer, event: dict[str, Any], organization_slug: str, seats_raw: str, client: str = ""
) -> None:
    """Reserve `seats` for an organization (0 removes the reservation). The reservations
    together never exceed the capacity, and never fall below seats already taken."""
    require_editable(actor, event)
    errors: dict[str, str] = {}
    organization = (
        await Organization.select(Organization.id, Organization.slug, Organization.name)
        .where(Organization.slug == organization_slug.strip())
        .first()
    )
    if organization is None:
        errors["organization"] = gettext("Choose a partner organization.")
    wanted = _whole_number(seats_raw)
    if wanted is None:
        errors["seats"] = gettext("Enter a whole number of seats (0 removes the reservation).")
    if errors:
        raise ValidationFailed(errors)
    assert organization is not None and wanted is not None
    name = plain(organization["name"])
    key = f"{event['id']}:{organization['id']}"
    mails = registrations._Mails()
    async with write_transaction():
        fresh = await _locked(event["id"])
        assert fresh is not None
        ensure_editable(fresh)
        existing = await EventQuota.select().where(EventQuota.event_organization == key).first()
        taken = existing["taken"] if existing else 0
        before = existing["seats"] if existing else 0
        if wanted < taken:
            raise ValidationFailed(
                {
                    "seats": ngettext(
                        "%(organization)s already holds %(num)d of these seats; the reservation "
                        "cannot be smaller.",
                        "%(organization)s already holds %(num)d of these seats; the reservation "
                        "cannot be smaller.",
                        taken,
                        organization=name,
                    )
                }
            )
        if fresh["capacity"] is not None:
            others = await seats.reserved_seats(event["id"]) - before
            # Seats held outside reservations count too: reserving them again would let the
            # reservation and the general pool together go over the capacity.
            room = fresh["capacity"] - fresh["general_taken"] - others
            if wanted > room:
                raise ValidationFailed(
                    {
                        "seats": ngettext(
                            "Only %(num)d seat can still be reserved within the capacity.",
                            "Only %(num)d seats can still be reserved within the capacity.",
                            max(room, 0),
                        )
                    }
                )
        if existing is None and wanted > 0:
            await EventQuota(
                event=event["id"],
                organization=organization["id"],
                seats=wanted,
                taken=0,
                event_organization=key,
            ).save()
        elif existing is not None and wanted == 0:
            await EventQuota.delete().where(EventQuota.id == existing["id"])
        elif existing is not None:
            await EventQuota.update({EventQuota.seats: wanted}).where(
                EventQuota.id == existing["id"]
            )
        if wanted != before:
            await _offer_to_waiting_list(event["id"], mails)
    await mails.send()
    if before != wanted:
        await record(
            actor,
            "event.quota",
            "event",
            event["id"],
            client=client,
            before={"organization": organization["slug"], "seats": before},
            after={"organization": organization["slug"], "seats": wanted},
        )


def plain(value: Any) -> str:
    """Translated content as plain text in the page language (for messages, not pages)."""
    return Translated.load(value).show(current_language()).text


# --- the registration form -------------------------------------------------------------------

QUESTION_KIND_LABELS = {
    QuestionKind.text: lazy_gettext("Short text"),
    QuestionKind.long_text: lazy_gettext("Long text"),
    QuestionKind.single: lazy_gettext("Single choice"),
    QuestionKind.multiple: lazy_gettext("Multiple choice"),
    QuestionKind.yes_no: lazy_gettext("Yes or no"),
    QuestionKind.country: lazy_gettext("Country"),
    QuestionKind.date: lazy_gettext("Date"),
}
CHOICE_KINDS = (QuestionKind.single.value, QuestionKind.multiple.value)
_OPTION_FIELD = re.compile(r"^option_(\d{1,3})_(value|zh|ru|kk|en)$")
BLANK_OPTION_ROWS = 3


def question_kind_labels() -> dict[str, str]:
    return {kind.value: str(label) for kind, label in QUESTION_KIND_LABELS.items()}


async def questions(event_id: int) -> list[dict[str, Any]]:
    rows = (
        await RegistrationQuestion.select()
        .where(RegistrationQuestion.event == event_id)
        .order_by(RegistrationQuestion.position)
        .order_by(RegistrationQuestion.id)
    )
    for row in rows:
        row["options"] = _options(row["options"])
    return rows


async def get_question(event_id: int, question_id: int) -> dict[str, Any] | None:
    row = (
        await RegistrationQuestion.select()
        .where((RegistrationQuestion.id == question_id) & (RegistrationQuestion.event == event_id))
        .first()
    )
    if row is not None:
        row["options"] = _options(row["options"])
    return row


def _options(raw: Any) -> list[dict[str, Any]]:
    options = json.loads(raw) if isinstance(raw, str) else raw
    return list(options or [])


def option_rows(values: dict[str, str]) -> list[int]:
    """Indexes of the option rows a question form shows: those filled in, plus blanks."""
    used = [int(m.group(1)) for key in values if (m := _OPTION_FIELD.match(key))]
    count = max(used) + 1 if used else 0
    return list(range(count + BLANK_OPTION_ROWS))


def clean_question(
    data: dict[str, str], existing_values: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Kind, label, whether it is required and (for choices) the options of one question."""
    errors: dict[str, str] = {}
    source = source_language(data, errors)
    kind = data.get("kind", "")
    if kind not in {k.value for k in QuestionKind}:
        errors["kind"] = gettext("Choose a kind of question.")
    label = translated(data, "label", source)
    if source not in label.text:
        errors[f"label_{source}"] = gettext("Enter the question in its source language.")
    check_length(label, "label", 500, errors)
    options: list[dict[str, Any]] = []
    if kind in CHOICE_KINDS:
        options = _clean_options(data, source, existing_values or [], errors)
    return {
        "kind": kind,
        "label": label.dump(),
        "required": data.get("required") == "on",
        "options": options,
    }, errors


def _clean_options(
    data: dict[str, str], source: str, existing_values: list[str], errors: dict[str, str]
) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    taken = set(existing_values)
    for index in option_rows(data):
        label = translated(data, f"option_{index}", source)
        if not label:
            continue
        if source not in label.text:
            errors[f"option_{index}_{source}"] = gettext(
                "Enter the option in the question's source language."
            )
        check_length(label, f"option_{index}", 200, errors)
        value = data.get(f"option_{index}_value", "").strip()
        if value not in existing_values:
            value = _fresh_value(taken)
        taken.add(value)
        options.append({"value": value, "label": label.dump()})
    if len(options) < 2:
        errors["options"] = gettext("Give at least two options to choose from.")
    return options


def _fresh_value(taken: set[str]) -> str:
    number = 1
    while f"o{number}" in taken:
        number += 1
    return f"o{number}"


def question_form_values(question: dict[str, Any]) -> dict[str, str]:
    values = row_form_values(question, ("label",))
    values.update({"kind": question["kind"], "required": "on" if question["required"] else ""})
    for index, option in enumerate(question["options"]):
        label = Translated.load(option["label"])
        values[f"option_{index}_value"] = str(option["value"])
        values.update({f"option_{index}_{lang}": label.text.get(lang, "") for lang in LANGUAGES})
    return values


async def _answers_to(question: dict[str, Any]) -> list[Any]:
    """Answers registrants have already given to a question."""
    rows = await Registration.select(Registration.answers).where(
        Registration.event == question["event"]
    )
    given = []
    for row in rows:
        answers = json.loads(row["answers"]) if isinstance(row["answers"], str) else row["answers"]
        value = (answers or {}).get(str(question["id"]))
        if value not in (None, "", []):
            given.append(value)
    return given


async def add_question(
    actor: Viewer, event: dict[str, Any], data: dict[str, str], client: str = ""
) -> int:
    require_editable(actor, event)
    values, errors = clean_question(data)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        last = (
            await RegistrationQuestion.select(RegistrationQuestion.position)
            .where(RegistrationQuestion.event == event["id"])
            .order_by(RegistrationQuestion.position, ascending=False)
            .first()
        )
        question = RegistrationQuestion(
            event=event["id"], position=(last["position"] + 1) if last else 0, **values
        )
        await question.save()
    await record(
        actor,
        "event.question.create",
        "registration_question",
        question.id,
        client=client,
        after={"event": event["id"], **values},
    )
    return question.id


async def update_question(
    actor: Viewer,
    event: dict[str, Any],
    question: dict[str, Any],
    data: dict[str, str],
    client: str = "",
) -> None:
    require_editable(actor, event)
    existing_values = [str(option["value"]) for option in question["options"]]
    values, errors = clean_question(data, existing_values)
    given = await _answers_to(question)
    if given and values["kind"] != question["kind"] and "kind" not in errors:
        errors["kind"] = gettext(
            "Registrants have already answered this question; its kind can no longer change."
        )
    if given and values["kind"] in CHOICE_KINDS and not errors:
        kept = {option["value"] for option in values["options"]}
        chosen = {
            str(v) for answer in given for v in (answer if isinstance(answer, list) else [answer])
        }
        dropped = [o for o in question["options"] if o["value"] in chosen - kept]
        if dropped:
            errors["options"] = gettext(
                "Registrants have already chosen “%(option)s”; keep that option or rename it.",
                option=plain(dropped[0]["label"]),
            )
    if errors:
        raise ValidationFailed(errors)
    await RegistrationQuestion.update(values).where(RegistrationQuestion.id == question["id"])
    before = {
        "kind": question["kind"],
        "label": Translated.load(question["label"]).dump(),
        "required": question["required"],
        "options": question["options"],
    }
    await record_changes(
        actor,
        "event.question.update",
        "registration_question",
        question["id"],
        client=client,
        before=before,
        after=values,
    )


async def remove_question(
    actor: Viewer, event: dict[str, Any], question: dict[str, Any], client: str = ""
) -> None:
    require_editable(actor, event)
    await RegistrationQuestion.delete().where(RegistrationQuestion.id == question["id"])
    await record(
        actor,
        "event.question.delete",
        "registration_question",
        question["id"],
        client=client,
        before={
            "event": event["id"],
            "kind": question["kind"],
            "label": Translated.load(question["label"]).dump(),
        },
    )


async def move_question(
    actor: Viewer, event: dict[str, Any], question: dict[str, Any], step: int, client: str = ""
) -> None:
    """Move a question one place up (step -1) or down (+1); positions are renumbered."""
    require_editable(actor, event)
    async with write_transaction():
        ordered = [row["id"] for row in await questions(event["id"])]
        index = ordered.index(question["id"])
        target = index + (1 if step > 0 else -1)
        if not 0 <= target < len(ordered):
            return
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, question_id in enumerate(ordered):
            await RegistrationQuestion.update({RegistrationQuestion.position: position}).where(
                RegistrationQuestion.id == question_id
            )
    await record(
        actor,
        "event.question.move",
        "registration_question",
        question["id"],
        client=client,
        before={"position": index},
        after={"position": target},
    )
