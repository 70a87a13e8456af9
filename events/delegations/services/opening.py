"""Opening a delegation: the upcoming events an organization takes part in (as the event core's
participation sources say) and has no delegation for yet, and opening one, once per
organization and event."""

from __future__ import annotations

from typing import Any

from core.access import Viewer
from core.audit import record
from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import gettext
from core.tables import Organization
from events.delegations.services.policy import is_office
from events.delegations.services.states import now
from events.delegations.tables import Delegation
from events.services import participation
from events.tables import Event, EventStatus

OPEN_EVENT_STATUSES = (
    EventStatus.published.value,
    EventStatus.registration_open.value,
    EventStatus.registration_closed.value,
)


async def openable_events(organization_id: int) -> list[dict[str, Any]]:
    """Upcoming events this organization takes part in (a registration, reserved seats, an
    accepted invitation…) and has no delegation for yet."""
    takes_part = participation.takes_part(organization_id)
    if takes_part is None:
        return []
    existing = Delegation.select(Delegation.event).where(Delegation.organization == organization_id)
    return (
        await Event.select(Event.id, Event.slug, Event.title, Event.starts_at, Event.timezone)
        .where(
            takes_part
            & Event.status.is_in(list(OPEN_EVENT_STATUSES))
            & (Event.ends_at > now())
            & Event.id.not_in(existing)
        )
        .order_by(Event.starts_at)
    )


async def _existing(event_id: int, organization_id: int) -> int | None:
    found = (
        await Delegation.select(Delegation.id)
        .where(Delegation.event_organization == f"{event_id}:{organization_id}")
        .first()
    )
    return found["id"] if found else None


async def open_delegation(
    viewer: Viewer, event_slug: str, organization_id: int, client: str = ""
) -> int:
    """Open (or find) the organization's delegation for an event; returns its id."""
    event = await Event.select().where(Event.slug == event_slug).first()
    if event is None:
        raise ValidationFailed({"event": gettext("Choose an event.")})
    existing = await _existing(event["id"], organization_id)
    if existing is not None:
        return existing
    if not is_office(viewer):
        allowed = {row["id"] for row in await openable_events(organization_id)}
        if event["id"] not in allowed:
            raise ValidationFailed(
                {"event": gettext("Your organization does not take part in this event yet.")}
            )
    if not await Organization.exists().where(Organization.id == organization_id):
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
        # Two people opening it at once: the unique key lets one in, the other finds it.
        if "event_organization" not in str(error):
            raise
        found = await _existing(event["id"], organization_id)
        assert found is not None
        return found
    await record(
        viewer,
        "delegation.open",
        "delegation",
        delegation.id,
        client=client,
        after={"event": event["id"], "organization": organization_id},
    )
    return delegation.id


async def without_delegation(event_id: int) -> list[tuple[str, str]]:
    """Partner organizations (partner cities, organizations abroad) with no delegation to
    the event yet, for the office to open one: (id, name in the page language)."""
    taken = Delegation.select(Delegation.organization).where(Delegation.event == event_id)
    rows = (
        await Organization.select(Organization.id, Organization.name)
        .where(
            ((Organization.kind == "partner_city") | (Organization.country != "CN"))
            & Organization.id.not_in(taken)
        )
        .order_by(Organization.slug)
    )
    return [(str(row["id"]), plain_text(row["name"])) for row in rows]
