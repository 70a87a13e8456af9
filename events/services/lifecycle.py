"""The life cycle of an event: the steps an event may take from draft to archived, each
checked (no publishing with agenda clashes, no opening after the deadline) and audit-logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel.support import LazyProxy

from core.access import Viewer, require
from core.audit import record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext, lazy_gettext, ngettext
from events import search as event_search
from events.services import agenda
from events.services.events import (
    locked,
)
from events.services.labels import STATUS_LABELS
from events.tables import (
    Event,
    EventStatus,
)


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

    async with write_transaction():
        fresh = await locked(event["id"])
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
    await event_search.event_changed(event["id"])
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
