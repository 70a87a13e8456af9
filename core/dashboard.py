"""A signed-in person's desk: the panels of their work queue, gathered from every domain's
`dashboard_panels` hook, and the core's own (mail that failed, feeds in trouble)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.access import Viewer
from core.domains import load_domains
from core.hooks import Panel, PanelItem
from core.i18n import current_language, gettext
from core.tables import FeedSource, OutboxMessage, OutboxStatus, Role


async def panels_for(viewer: Viewer) -> list[Panel]:
    """Every panel the domains have for this person, in their order."""
    if not viewer.is_authenticated:
        return []
    hooks = [hook for domain in load_domains() for hook in domain.dashboard_panels]
    found: list[Sequence[Panel]] = []
    for hook in hooks:  # one after another: SQLite opens a connection per query
        found.append(await hook(viewer))
    return sorted((panel for panels in found for panel in panels), key=lambda p: p.order)


def _troubled_feeds(viewer: Viewer) -> Any:
    troubled = (FeedSource.consecutive_errors > 0) | (FeedSource.paused_reason != "")
    if viewer.is_admin:
        return troubled
    return troubled & FeedSource.organization.is_in(sorted(viewer.organization_ids) or [0])


async def core_panels(viewer: Viewer) -> list[Panel]:
    """Organizers: failed mail and feeds in error; coordinators: their own feeds in error."""
    if not (viewer.is_admin or viewer.has_role(Role.coordinator)):
        return []
    lang = current_language()
    feeds = await FeedSource.count().where(_troubled_feeds(viewer))
    items = []
    if viewer.is_admin:
        failed = await OutboxMessage.count().where(
            OutboxMessage.status == OutboxStatus.failed.value
        )
        items.append(
            PanelItem(
                gettext("E-mails that could not be sent"),
                failed,
                f"/{lang}/manage/outbox/?status=failed",
                urgent=True,
            )
        )
    items.append(
        PanelItem(gettext("Partner feeds in error"), feeds, f"/{lang}/manage/feeds/", urgent=True)
    )
    return [
        Panel(
            title=gettext("Mail and feeds"),
            items=tuple(items),
            order=90,
            link=f"/{lang}/manage/feeds/",
            link_label=gettext("All partner feeds"),
        )
    ]
