"""Seats reserved for partner organizations (quotas): together never more than the capacity,
never fewer than already taken; a change that frees seats offers them to the waiting list."""

from __future__ import annotations

from typing import Any

from core.access import Viewer
from core.audit import record
from core.content import plain_text
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext, ngettext
from core.tables import Organization
from events.services import registrations, seats
from events.services.events import (
    ensure_editable,
    locked,
    require_editable,
    whole_number,
)
from events.tables import (
    EventQuota,
)


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
    wanted = whole_number(seats_raw)
    if wanted is None:
        errors["seats"] = gettext("Enter a whole number of seats (0 removes the reservation).")
    if errors:
        raise ValidationFailed(errors)
    assert organization is not None and wanted is not None
    name = plain_text(organization["name"])
    key = f"{event['id']}:{organization['id']}"
    mails = registrations.Mails()
    async with write_transaction():
        fresh = await locked(event["id"])
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
            await registrations.offer_free_seats(event["id"], mails)
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
