"""Which events an organization takes part in, asked by features that work per organization
and event (a delegation may only be opened for such an event).

A source maps an organization id to a Piccolo select of one column of event ids, usable in
`Event.id.is_in(...)`. The event core registers its own (registrations and reserved seats);
features add theirs with `add_source` when they are loaded (accepted invitations do), so the
event core never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events.tables import Event, EventQuota, Registration, RegistrationStatus

Source = Callable[[int], Any]
_sources: list[Source] = []


def add_source(source: Source) -> None:
    """Count `source`'s events as taken part in too (adding the same source twice is no-op)."""
    if source not in _sources:
        _sources.append(source)


def sources() -> tuple[Source, ...]:
    return tuple(_sources)


def takes_part(organization_id: int) -> Any:
    """A where-clause on Event: the events this organization takes part in."""
    condition = None
    for source in _sources:
        clause = Event.id.is_in(source(organization_id))
        condition = clause if condition is None else condition | clause
    return condition


def registered(organization_id: int) -> Any:
    """Events with a confirmed or pending registration of the organization's people."""
    return Registration.select(Registration.event).where(
        (Registration.organization == organization_id)
        & Registration.status.is_in([RegistrationStatus.confirmed, RegistrationStatus.pending])
    )


def reserved(organization_id: int) -> Any:
    """Events that reserve seats for the organization."""
    return EventQuota.select(EventQuota.event).where(EventQuota.organization == organization_id)


add_source(registered)
add_source(reserved)
