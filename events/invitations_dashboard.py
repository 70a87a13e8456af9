"""Invitations on a coordinator's desk (core.dashboard): invitations to their organization, or
to them, still waiting for an answer, one line per event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from core.access import Viewer
from core.content import plain_text
from core.hooks import Panel, PanelItem
from core.i18n import current_language, gettext
from core.tables import Role
from events.tables import Event, Invitation


def _addressed_to(viewer: Viewer) -> Any:
    mine = Invitation.user == (viewer.id or 0)
    if viewer.organization_ids:
        mine |= Invitation.organization.is_in(sorted(viewer.organization_ids))
    return mine


async def awaiting_answer(viewer: Viewer, now: datetime) -> list[PanelItem]:
    counts = (
        await Invitation.select(Invitation.event, Count(alias="count"))
        .where(
            _addressed_to(viewer) & (Invitation.answer == "pending") & (Invitation.expires_at > now)
        )
        .group_by(Invitation.event)
    )
    by_event = {row["event"]: int(row["count"]) for row in counts}
    events = (
        await Event.select(Event.id, Event.slug, Event.title)
        .where(Event.id.is_in(list(by_event) or [0]))
        .order_by(Event.starts_at)
    )
    lang = current_language()
    return [
        PanelItem(
            plain_text(event["title"]),
            by_event[event["id"]],
            f"/{lang}/events/{event['slug']}/",
            urgent=True,
        )
        for event in events
    ]


async def panels(viewer: Viewer) -> list[Panel]:
    if not viewer.has_role(Role.coordinator):
        return []
    items = await awaiting_answer(viewer, datetime.now(UTC))
    return [
        Panel(
            title=gettext("Invitations awaiting your answer"),
            items=tuple(items),
            order=15,
            link_label=gettext("Answer through the link in the invitation e-mail."),
        )
    ]
