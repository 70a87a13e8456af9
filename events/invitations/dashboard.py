"""Invitations on a coordinator's desk (core.dashboard): invitations to their organization, or
to them, still waiting for an answer, one line per event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.access import Viewer
from core.db import counts_by
from core.hooks import Panel, PanelItem
from core.i18n import gettext
from core.tables import Role
from events.dashboard import event_lines
from events.invitations.tables import Invitation


def _addressed_to(viewer: Viewer) -> Any:
    mine = Invitation.user == (viewer.id or 0)
    if viewer.organization_ids:
        mine |= Invitation.organization.is_in(sorted(viewer.organization_ids))
    return mine


async def awaiting_answer(viewer: Viewer, now: datetime) -> list[PanelItem]:
    counts = await counts_by(
        Invitation.event,
        _addressed_to(viewer) & (Invitation.answer == "pending") & (Invitation.expires_at > now),
    )
    return await event_lines(counts, lambda lang, slug: f"/{lang}/events/{slug}/")


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
