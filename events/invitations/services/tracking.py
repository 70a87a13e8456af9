"""The tracking table: every invitation of an event with its delivery, answer and
registration, filtered, sorted and paged, and the same rows as a CSV or XLSX file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.query.functions.aggregate import Count

from core.access import Viewer
from core.audit import record
from core.content import json_value, plain_text
from core.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, gettext, zone_name
from core.paging import Page, contains, order, paginate
from core.spreadsheets import Cell, Download, Sheet, download
from core.tables import OutboxStatus
from events.invitations.services import clock
from events.invitations.services.labels import (
    ANSWER_LABELS,
    DELIVERY_LABELS,
    KIND_LABELS,
    WAITING,
    answer_labels,
    delivery_labels,
    kind_labels,
)
from events.invitations.tables import Invitation
from events.services.exports import moment_text
from events.services.labels import registration_status_labels
from events.tables import Registration


@dataclass(frozen=True)
class Filters:
    answer: str = ""
    delivery: str = ""
    kind: str = ""
    language: str = ""
    campaign: str = ""
    search: str = ""

    @classmethod
    def of(cls, **raw: str | None) -> Filters:
        def pick(name: str, allowed: Any) -> str:
            value = (raw.get(name) or "").strip()
            return value if value in allowed else ""

        campaign = (raw.get("campaign") or "").strip()
        return cls(
            answer=pick("answer", ANSWER_LABELS),
            delivery=pick("delivery", DELIVERY_LABELS),
            kind=pick("kind", KIND_LABELS),
            language=pick("language", LANGUAGES),
            campaign=campaign if campaign.isdigit() else "",
            search=(raw.get("q") or "").strip()[:200],
        )

    def as_form(self) -> dict[str, str]:
        return {
            "answer": self.answer,
            "delivery": self.delivery,
            "kind": self.kind,
            "language": self.language,
            "campaign": self.campaign,
            "q": self.search,
        }


SORTS = {
    "invited": Invitation.invited_at,
    "name": Invitation.name,
    "email": Invitation.email,
    "answer": Invitation.answer,
    "answered": Invitation.answered_at,
    "delivery": Invitation.message.status,
}
DEFAULT_SORT = "-invited"


def _where(event_id: int, filters: Filters) -> Any:
    condition = Invitation.event == event_id
    if filters.answer:
        condition &= Invitation.answer == filters.answer
    if filters.delivery == WAITING:
        condition &= Invitation.message.is_null()
    elif filters.delivery:
        condition &= Invitation.message.status == filters.delivery
    if filters.kind:
        condition &= Invitation.kind == filters.kind
    if filters.language:
        condition &= Invitation.language == filters.language
    if filters.campaign:
        condition &= Invitation.campaign == int(filters.campaign)
    if filters.search:
        condition &= contains(Invitation.name, filters.search) | Invitation.email.like(
            f"%{filters.search.lower()}%"
        )
    return condition


def _select() -> Any:
    return Invitation.select(
        *Invitation.all_columns(),
        Invitation.message.status.as_alias("delivery"),
        Invitation.message.last_error.as_alias("delivery_error"),
        Invitation.message.sent_at.as_alias("delivered_at"),
        Invitation.organization.name.as_alias("organization_name"),
        Invitation.registration.code.as_alias("registration_code"),
        Invitation.registration.status.as_alias("registration_status"),
    )


def _prepared(row: dict[str, Any]) -> dict[str, Any]:
    row["delivery"] = row["delivery"] or WAITING
    row["organization_name"] = json_value(row["organization_name"], None)
    return row


async def _with_registrations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark who holds a live registration for the event, however they registered (through
    the invitation, the public form or their coordinator)."""
    missing = [row for row in rows if not row["registration_code"]]
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        found = {
            registration["active_key"]: registration
            for registration in await Registration.select(
                Registration.active_key, Registration.code, Registration.status
            ).where(Registration.active_key.is_in([row["event_email"] for row in chunk]))
        }
        for row in chunk:
            if registration := found.get(row["event_email"]):
                row["registration_code"] = registration["code"]
                row["registration_status"] = registration["status"]
    return rows


async def list_page(
    event_id: int, filters: Filters, sort: str = DEFAULT_SORT, page: int = 1
) -> tuple[Page, str]:
    condition = _where(event_id, filters)
    query, applied = order(_select().where(condition), sort, SORTS, DEFAULT_SORT)
    listing = await paginate(
        query.order_by(Invitation.id), Invitation.count().where(condition), page
    )
    for row in listing.items:
        _prepared(row)
    await _with_registrations(listing.items)
    return listing, applied


async def answer_counts(event_id: int) -> dict[str, int]:
    rows = (
        await Invitation.select(Invitation.answer, Count(alias="n"))
        .where(Invitation.event == event_id)
        .group_by(Invitation.answer)
    )
    found = {row["answer"]: row["n"] for row in rows}
    return {str(key): found.get(key, 0) for key in ANSWER_LABELS}


async def get_invitation(event_id: int, invitation_id: int) -> dict[str, Any] | None:
    return (
        await Invitation.select()
        .where((Invitation.id == invitation_id) & (Invitation.event == event_id))
        .first()
    )


def _header(zone_label: str) -> list[str]:
    return [
        gettext("Name"),
        gettext("E-mail address"),
        gettext("Language"),
        gettext("Organization"),
        gettext("Invited as"),
        gettext("Invited (%(zone)s)", zone=zone_label),
        gettext("Delivery"),
        gettext("Delivery problem"),
        gettext("Delivered (%(zone)s)", zone=zone_label),
        gettext("Answer"),
        gettext("Answered (%(zone)s)", zone=zone_label),
        gettext("Reminders sent"),
        gettext("Registration"),
    ]


def _local(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored UTC moment as the event's wall-clock time (Excel has no time zones)."""
    return (
        clock.aware(value).astimezone(zone).replace(tzinfo=None, microsecond=0) if value else None
    )


def _cells(row: dict[str, Any], zone: ZoneInfo) -> list[Cell]:
    lang = current_language()
    organization = row["organization_name"]
    return [
        row["name"],
        row["email"],
        LANGUAGE_NAMES.get(row["language"], row["language"]),
        plain_text(organization, lang) if organization else "",
        kind_labels().get(row["kind"], row["kind"]),
        _local(row["invited_at"], zone),
        delivery_labels().get(row["delivery"], row["delivery"]),
        row["delivery_error"] if row["delivery"] == OutboxStatus.failed.value else "",
        _local(row["delivered_at"], zone),
        answer_labels().get(row["answer"], row["answer"]),
        _local(row["answered_at"], zone),
        row["reminders_sent"],
        registration_status_labels().get(row["registration_status"] or "", ""),
    ]


def rows(event: dict[str, Any], invitations: list[dict[str, Any]]) -> Iterator[list[Cell]]:
    """The table's rows as cells: moments in the event's zone, which the header names."""
    zone = ZoneInfo(event["timezone"])
    for row in invitations:
        yield _cells(row, zone)


def sheet(event: dict[str, Any], invitations: list[dict[str, Any]]) -> Sheet:
    return Sheet(
        title=gettext("Invitations"),
        header=_header(zone_name(event["timezone"], event["starts_at"])),
        rows=list(rows(event, invitations)),
    )


async def export(
    event: dict[str, Any],
    filters: Filters,
    sort: str,
    kind: str,
    actor: Viewer,
    client: str = "",
    today: date | None = None,
) -> Download:
    """The filtered tracking table as a file (`kind` is "csv" or "xlsx"); exports are logged."""
    query, _applied = order(
        _select().where(_where(event["id"], filters)), sort, SORTS, DEFAULT_SORT
    )
    found = await _with_registrations(
        [_prepared(row) for row in await query.order_by(Invitation.id)]
    )
    day = today or datetime.now(ZoneInfo(event["timezone"])).date()
    result = download(kind, f"{event['slug']}-invitations-{day.isoformat()}", sheet(event, found))
    await record(
        actor,
        "invitation.export",
        "event",
        event["id"],
        client=client,
        after={
            "format": kind,
            "filters": {k: v for k, v in filters.as_form().items() if v},
            "rows": len(found),
        },
    )
    return result


def local_moment(event: dict[str, Any]) -> Any:
    return lambda value: moment_text(clock.aware(value), event["timezone"])
