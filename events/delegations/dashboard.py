"""Delegations on a person's desk (core.dashboard). The foreign-affairs office: delegations
submitted for review, visa letters failed or still waiting, arrivals in the next 72 hours,
passport data due for removal. A coordinator: what their delegations still lack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core.access import Viewer
from core.content import plain_text
from core.db import counts_by
from core.hooks import Panel, PanelItem
from core.i18n import current_language, gettext
from core.tables import Role
from events.delegations.tables import Delegate, Delegation, DelegationStatus, VisaLetter
from events.tables import Event

ARRIVALS_AHEAD = timedelta(hours=72)
OPEN_FOR_EDITS = (DelegationStatus.draft.value, DelegationStatus.returned.value)


def _now() -> datetime:
    return datetime.now(UTC)


async def office_counts(now: datetime) -> dict[str, int]:
    submitted = await Delegation.count().where(
        Delegation.status == DelegationStatus.submitted.value
    )
    failed = await VisaLetter.count().where(VisaLetter.status == "failed")
    waiting = await VisaLetter.count().where(VisaLetter.status == "pending")
    arriving = await Delegate.count().where(
        (Delegate.arrival_at >= now) & (Delegate.arrival_at <= now + ARRIVALS_AHEAD)
    )
    # The retention job marks a delegation once its passport data falls due for removal.
    purge = await Delegation.count().where(
        Delegation.purge_notice_at.is_not_null() & Delegation.purged_at.is_null()
    )
    return {
        "submitted": submitted,
        "failed": failed,
        "waiting": waiting,
        "arriving": arriving,
        "purge": purge,
    }


async def office_panels(now: datetime) -> list[Panel]:
    lang = current_language()
    counts = await office_counts(now)
    board = f"/{lang}/manage/delegations/"
    return [
        Panel(
            title=gettext("Delegations"),
            items=(
                PanelItem(
                    gettext("Submitted for review"),
                    counts["submitted"],
                    f"{board}?status=submitted",
                    urgent=True,
                ),
                PanelItem(
                    gettext("Visa letters that failed"), counts["failed"], board, urgent=True
                ),
                PanelItem(gettext("Visa letters not yet generated"), counts["waiting"], board),
                PanelItem(
                    gettext("Arrivals in the next 72 hours"),
                    counts["arriving"],
                    f"{board}arrivals",
                ),
                PanelItem(
                    gettext("Passport data due for removal"),
                    counts["purge"],
                    f"{board}retention",
                    urgent=True,
                ),
            ),
            order=10,
            link=board,
            link_label=gettext("All delegations"),
        )
    ]


async def missing_items(viewer: Viewer) -> list[dict[str, Any]]:
    """Per open delegation of the viewer's organizations: members without passport data and
    members without arrival details."""
    delegations = (
        await Delegation.select(Delegation.id, Delegation.event, Delegation.status)
        .where(
            Delegation.organization.is_in(sorted(viewer.organization_ids) or [0])
            & Delegation.status.is_in(list(OPEN_FOR_EDITS))
        )
        .order_by(Delegation.id)
    )
    ids = [row["id"] for row in delegations] or [0]
    no_passport = await counts_by(
        Delegate.delegation, Delegate.delegation.is_in(ids) & (Delegate.passport_number == "")
    )
    no_arrival = await counts_by(
        Delegate.delegation, Delegate.delegation.is_in(ids) & Delegate.arrival_at.is_null()
    )
    titles = {
        row["id"]: row
        for row in await Event.select(Event.id, Event.title).where(
            Event.id.is_in([row["event"] for row in delegations] or [0])
        )
    }
    return [
        {
            "id": row["id"],
            "status": row["status"],
            "event_title": titles[row["event"]]["title"],
            "missing": no_passport.get(row["id"], 0) + no_arrival.get(row["id"], 0),
        }
        for row in delegations
    ]


async def coordinator_panels(viewer: Viewer) -> list[Panel]:
    lang = current_language()
    rows = await missing_items(viewer)
    items = []
    for row in rows:
        title = plain_text(row["event_title"])
        label = (
            gettext("%(event)s: returned by the office; details missing", event=title)
            if row["status"] == DelegationStatus.returned.value
            else gettext("%(event)s: details missing", event=title)
        )
        items.append(
            PanelItem(
                label, row["missing"], f"/{lang}/account/delegations/{row['id']}/", urgent=True
            )
        )
    return [
        Panel(
            title=gettext("Your delegations"),
            items=tuple(items),
            order=16,
            link=f"/{lang}/account/delegations/",
            link_label=gettext("All your delegations"),
        )
    ]


async def panels(viewer: Viewer) -> list[Panel]:
    if viewer.has_role(Role.fao):
        return await office_panels(_now())
    if viewer.has_role(Role.coordinator):
        return await coordinator_panels(viewer)
    return []
