"""What the foreign-affairs office's boards read: the events with delegations, all delegations
with their state and counts (filtered, sorted, paged), the members of an event's delegations,
and the order of precedence of the heads of delegation.

Boards plan with every delegation handed in at least once (drafts are the coordinators'
business)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.aggregate import Count

from core import i18n
from core.content import json_value, plain_text
from core.paging import Page, order, paginate
from events.delegations.services.records import member_counts, prepared, select_delegations
from events.delegations.services.states import ON_BOARDS, now
from events.delegations.services.vocabulary import PROTOCOL_RANKS, status_labels
from events.delegations.tables import Delegate, Delegation, LetterStatus, VisaLetter
from events.tables import Event

SORTS = {
    "event": Delegation.event.starts_at,
    "organization": Delegation.organization.slug,
    "status": Delegation.status,
    "updated": Delegation.updated_at,
}
DEFAULT_SORT = "-updated"


async def events_with_delegations() -> list[dict[str, Any]]:
    having = Delegation.select(Delegation.event)
    return (
        await Event.select(Event.id, Event.slug, Event.title, Event.starts_at, Event.timezone)
        .where(Event.id.is_in(having))
        .order_by(Event.starts_at, ascending=False)
    )


async def pick_event(slug: str) -> dict[str, Any] | None:
    """The event a board shows: the one asked for, else the next one with delegations (or
    the latest past one)."""
    if slug:
        return await Event.select().where(Event.slug == slug).first()
    having = Delegation.select(Delegation.event)
    upcoming = (
        await Event.select()
        .where(Event.id.is_in(having) & (Event.ends_at >= now()))
        .order_by(Event.starts_at)
        .first()
    )
    if upcoming:
        return upcoming
    return (
        await Event.select()
        .where(Event.id.is_in(having))
        .order_by(Event.starts_at, ascending=False)
        .first()
    )


# --- all delegations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    event: str = ""
    status: str = ""
    organization: str = ""

    def as_form(self) -> dict[str, str]:
        return {"event": self.event, "status": self.status, "organization": self.organization}


def _where(filters: Filters) -> Any:
    condition = Delegation.id.is_not_null()
    if filters.event:
        condition &= Delegation.event.slug == filters.event
    if filters.status in status_labels():
        condition &= Delegation.status == filters.status
    if filters.organization:
        condition &= Delegation.organization.slug == filters.organization
    return condition


async def _counted(table: Any, column: Any, condition: Any) -> dict[int, int]:
    """Rows of `table` per delegation (`column` is its delegation column)."""
    rows = await table.select(column, Count(alias="n")).where(condition).group_by(column)
    return {row["delegation"]: row["n"] for row in rows}


async def with_counts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of `select_delegations`, prepared, with members, letters needed and ready, and
    the head's name."""
    ids = [row["id"] for row in rows] or [0]
    members = await member_counts(ids)
    needing = await _counted(
        Delegate,
        Delegate.delegation,
        Delegate.delegation.is_in(ids) & (Delegate.needs_letter == True),
    )
    ready = await _counted(
        VisaLetter,
        VisaLetter.delegation,
        VisaLetter.delegation.is_in(ids) & (VisaLetter.status == LetterStatus.ready),
    )
    heads = {
        row["delegation"]: row
        for row in await Delegate.select(
            Delegate.delegation, Delegate.name_native, Delegate.name_latin
        ).where(Delegate.delegation.is_in(ids) & (Delegate.is_head == True))
    }
    for row in rows:
        prepared(row)
        row["members"] = members.get(row["id"], 0)
        row["letters_needed"] = needing.get(row["id"], 0)
        row["letters_ready"] = ready.get(row["id"], 0)
        head = heads.get(row["id"])
        row["head"] = (head["name_native"] or head["name_latin"]) if head else ""
    return rows


async def overview_page(filters: Filters, sort: str, page: int) -> tuple[Page, str]:
    condition = _where(filters)
    query, applied = order(select_delegations().where(condition), sort, SORTS, DEFAULT_SORT)
    listing = await paginate(
        query.order_by(Delegation.id), Delegation.count().where(condition), page
    )
    await with_counts(listing.items)
    return listing, applied


async def overview_rows(filters: Filters, sort: str) -> list[dict[str, Any]]:
    query, _applied = order(select_delegations().where(_where(filters)), sort, SORTS, DEFAULT_SORT)
    return await with_counts(await query.order_by(Delegation.id))


async def status_counts(event_id: int | None) -> dict[str, int]:
    query = Delegation.select(Delegation.status, Count(alias="n")).group_by(Delegation.status)
    if event_id is not None:
        query = query.where(Delegation.event == event_id)
    found = {row["status"]: row["n"] for row in await query}
    return {status: found.get(status, 0) for status in status_labels()}


# --- the members behind the boards --------------------------------------------------------------


async def board_members(event_id: int) -> list[dict[str, Any]]:
    """Members of the event's delegations that are on the boards, with their delegation."""
    rows = (
        await Delegate.select(
            *Delegate.all_columns(),
            Delegate.delegation.status.as_alias("delegation_status"),
            Delegate.delegation.protocol_rank.as_alias("protocol_rank"),
            Delegate.delegation.organization.name.as_alias("delegation_name"),
            Delegate.delegation.organization.country.as_alias("delegation_country"),
            Delegate.registration.code.as_alias("registration_code"),
            Delegate.registration.status.as_alias("registration_status"),
            Delegate.registration.checked_in_at.as_alias("checked_in_at"),
        )
        .where((Delegate.event == event_id) & Delegate.delegation.status.is_in(ON_BOARDS))
        .order_by(Delegate.delegation.organization.slug)
        .order_by(Delegate.is_head, ascending=False)
        .order_by(Delegate.sort_order)
        .order_by(Delegate.id)
    )
    for row in rows:
        row["delegation_name"] = json_value(row["delegation_name"])
        row["delegation_text"] = plain_text(row["delegation_name"])
        row["display_name"] = row["name_native"] or row["name_latin"]
    return rows


async def protocol(event_id: int) -> list[dict[str, Any]]:
    """Delegations on the boards, their heads in order of precedence: rank, then the
    country's and the organization's names."""
    delegations = await with_counts(
        await select_delegations().where(
            (Delegation.event == event_id) & Delegation.status.is_in(ON_BOARDS)
        )
    )
    heads = {
        row["delegation"]: row
        for row in await Delegate.select().where(
            (Delegate.event == event_id) & (Delegate.is_head == True)
        )
    }
    ranks = list(PROTOCOL_RANKS)
    for row in delegations:
        row["head_row"] = heads.get(row["id"])
        row["rank_index"] = (
            ranks.index(row["protocol_rank"]) if row["protocol_rank"] in ranks else len(ranks)
        )
        row["country_text"] = i18n.country_name(row["organization_country"] or "")
        row["organization_text"] = plain_text(row["organization_name"])
    delegations.sort(
        key=lambda r: (r["rank_index"], r["country_text"].casefold(), r["organization_text"])
    )
    for place, row in enumerate(delegations, start=1):
        row["place"] = place
    return delegations
