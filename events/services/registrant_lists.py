"""The registrant's side of registrations: their place in the waiting list, who may see a
registration, and the lists of one's own (or one's organization's) registrations."""

from __future__ import annotations

from typing import Any

from core.access import Viewer, rule
from core.accounts import normalize_email
from core.paging import Page, order, paginate
from core.tables import Role
from events.tables import (
    Event,
    Registration,
    RegistrationStatus,
)


@rule("event.registration.registrant")
def _acts_as_registrant(viewer: Viewer, registration: Any) -> bool:
    """The registrant (by account or e-mail), or a coordinator of the organization that
    registered them. Anyone else is told the registration does not exist."""
    if not isinstance(registration, dict):
        return False
    if registration.get("user") is not None and registration["user"] == viewer.id:
        return True
    if viewer.email and registration.get("email") == normalize_email(viewer.email):
        return True
    return viewer.has_role(Role.coordinator) and viewer.acts_for(registration.get("organization"))


def _visible_to(viewer: Viewer) -> Any:
    """The registrations `event.registration.registrant` lets this viewer see, as a query."""
    condition = Registration.email == normalize_email(viewer.email or "-")
    if viewer.id is not None:
        condition |= Registration.user == viewer.id
    if viewer.has_role(Role.coordinator) and viewer.organization_ids:
        condition |= Registration.organization.is_in(sorted(viewer.organization_ids))
    return condition


REGISTRANT_SORTS = {
    "date": Registration.event.starts_at,
    "event": Registration.event.slug,
    "name": Registration.name,
    "status": Registration.status,
    "registered": Registration.created_at,
}


async def registrant_page(
    viewer: Viewer,
    *,
    status: str = "",
    event_slug: str = "",
    sort: str = "-date",
    page: int = 1,
) -> tuple[Page, str]:
    """One page of the viewer's own registrations and, for coordinators, their
    organization's; filtered by status and event."""
    condition = _visible_to(viewer)
    if status in RegistrationStatus.__members__:
        condition &= Registration.status == status
    if event_slug:
        condition &= Registration.event.slug == event_slug
    query = Registration.select(
        Registration.code,
        Registration.name,
        Registration.email,
        Registration.status,
        Registration.organization,
        Registration.created_at,
        Registration.event.slug.as_alias("event_slug"),
        Registration.event.title.as_alias("event_title"),
        Registration.event.starts_at.as_alias("event_starts_at"),
        Registration.event.timezone.as_alias("event_timezone"),
    ).where(condition)
    query, applied = order(query, sort, REGISTRANT_SORTS, "-date")
    return await paginate(query, Registration.count().where(condition), page), applied


async def registrant_events(viewer: Viewer) -> list[dict[str, Any]]:
    """The events among the viewer's registrations, for the list's filter."""
    # A subquery, not DISTINCT over the join: PostgreSQL cannot compare JSON (the title).
    mine = Registration.select(Registration.event).where(_visible_to(viewer))
    return (
        await Event.select(Event.slug, Event.title, Event.starts_at)
        .where(Event.id.is_in(mine))
        .order_by(Event.starts_at, ascending=False)
    )
