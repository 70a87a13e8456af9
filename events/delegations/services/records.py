"""Reading delegations and their members: one delegation with its organization's and event's
names, a coordinator's delegations, the members of one, and member counts."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from core.access import Viewer
from core.content import json_value
from events.delegations.tables import Delegate, Delegation
from events.tables import Event


def select_delegations() -> Any:
    """A select of delegations with their organization's and event's names and slugs; rows go
    through `prepared` before use."""
    return Delegation.select(
        *Delegation.all_columns(),
        Delegation.organization.slug.as_alias("organization_slug"),
        Delegation.organization.name.as_alias("organization_name"),
        Delegation.organization.country.as_alias("organization_country"),
        Delegation.event.slug.as_alias("event_slug"),
        Delegation.event.title.as_alias("event_title"),
    )


def prepared(row: dict[str, Any]) -> dict[str, Any]:
    """A row of `select_delegations` with its translated names read."""
    row["organization_name"] = json_value(row["organization_name"])
    row["event_title"] = json_value(row["event_title"])
    return row


async def get(delegation_id: int) -> dict[str, Any] | None:
    row = await select_delegations().where(Delegation.id == delegation_id).first()
    return prepared(row) if row else None


async def event_of(delegation: dict[str, Any]) -> dict[str, Any]:
    event = await Event.select().where(Event.id == delegation["event"]).first()
    assert event is not None
    return event


async def for_viewer(viewer: Viewer) -> list[dict[str, Any]]:
    """A coordinator's delegations: their organizations', newest event first."""
    if not viewer.organization_ids:
        return []
    rows = (
        await select_delegations()
        .where(Delegation.organization.is_in(sorted(viewer.organization_ids)))
        .order_by(Delegation.event.starts_at, ascending=False)
    )
    counts = await member_counts([row["id"] for row in rows])
    for row in rows:
        prepared(row)
        row["members"] = counts.get(row["id"], 0)
    return rows


async def member_counts(delegation_ids: list[int]) -> dict[int, int]:
    if not delegation_ids:
        return {}
    rows = (
        await Delegate.select(Delegate.delegation, Count(alias="n"))
        .where(Delegate.delegation.is_in(delegation_ids))
        .group_by(Delegate.delegation)
    )
    return {row["delegation"]: row["n"] for row in rows}


async def members(delegation_id: int) -> list[dict[str, Any]]:
    return (
        await Delegate.select()
        .where(Delegate.delegation == delegation_id)
        .order_by(Delegate.is_head, ascending=False)
        .order_by(Delegate.sort_order)
        .order_by(Delegate.id)
    )


async def member(delegation: dict[str, Any], member_id: int) -> dict[str, Any] | None:
    return (
        await Delegate.select()
        .where((Delegate.id == member_id) & (Delegate.delegation == delegation["id"]))
        .first()
    )
