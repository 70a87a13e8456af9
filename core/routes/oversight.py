"""Oversight for organizers: the audit log, and the mail outbox with a way to resend failures.

The queries behind both lists live here as small functions (filters → where clause → page);
the handlers only parse the request and render.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from piccolo.columns import Column
from piccolo.query import Select
from piccolo.query.functions.aggregate import Count

from core import audit, outbox
from core.access import Viewer
from core.i18n import gettext, lazy_gettext
from core.pages import client_address, form_data, lang_path, role_required, viewer_of
from core.paging import Page, order, paginate, parse_page
from core.tables import AuditEntry, OutboxMessage, OutboxStatus

# A changed value longer than this is cut short in the list (the full text is in its title).
VALUE_PREVIEW = 120

STATUS_LABELS = {
    OutboxStatus.queued: lazy_gettext("Queued"),
    OutboxStatus.sending: lazy_gettext("Sending"),
    OutboxStatus.sent: lazy_gettext("Sent"),
    OutboxStatus.failed: lazy_gettext("Failed"),
}
OUTBOX_SORTS = {"created": OutboxMessage.created_at, "recipient": OutboxMessage.recipient}
# What the outbox list may carry through a resend and back (anything else is dropped).
OUTBOX_QUERY_KEYS = ("status", "recipient", "sort", "page")


def _where(query: Any, conditions: list[Any]) -> Any:
    return query.where(*conditions) if conditions else query


def _query_string(values: dict[str, str]) -> str:
    """`a=1&b=2&` for the non-empty values: ready for the pager and sort links to extend."""
    shown = {key: value for key, value in values.items() if value}
    return urlencode(shown) + "&" if shown else ""


async def _distinct(column: Column) -> list[str]:
    rows = await column._meta.table.select(column).distinct().order_by(column)
    return [row[column._meta.name] for row in rows if row[column._meta.name]]


# --- The audit log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""
    action: str = ""
    actor: str = ""
    date_from: str = ""
    date_to: str = ""

    def as_form(self) -> dict[str, str]:
        """The values under the names the filter form and the URL use."""
        return {
            "object_type": self.object_type,
            "action": self.action,
            "actor": self.actor,
            "from": self.date_from,
            "to": self.date_to,
        }


def _day_start(raw: str, zone: str) -> datetime | None:
    """Midnight of a `YYYY-MM-DD` day in the reader's zone, as UTC; None when it is no date."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _audit_conditions(filters: AuditFilters, zone: str) -> tuple[list[Any], dict[str, str]]:
    conditions: list[Any] = []
    errors: dict[str, str] = {}
    if filters.object_type:
        conditions.append(AuditEntry.object_type == filters.object_type)
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.actor:
        # Addresses are stored lower-case, so LIKE (ILIKE is PostgreSQL-only) is enough.
        conditions.append(AuditEntry.actor_email.like(f"%{filters.actor.lower()}%"))
    start = _day_start(filters.date_from, zone) if filters.date_from else None
    end = _day_start(filters.date_to, zone) if filters.date_to else None
    if filters.date_from and start is None:
        errors["from"] = gettext("Enter a date such as 2026-09-01.")
    if filters.date_to and end is None:
        errors["to"] = gettext("Enter a date such as 2026-09-01.")
    if start and end and end < start:
        errors["to"] = gettext("The end date is before the start date.")
        return conditions, errors
    if start:
        conditions.append(AuditEntry.at >= start)
    if end:  # the whole of the last day counts
        conditions.append(AuditEntry.at < end + timedelta(days=1))
    return conditions, errors


def _loaded(value: Any) -> dict[str, Any] | None:
    """A JSON column as a dict (Piccolo hands JSON back as text)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"": value}
    return value if isinstance(value, dict) else {"": value}


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested values as dotted keys, so a changed translation reads `name.text.ru`."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}.{key}" if prefix and key else prefix or key
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, path))
        else:
            flat[path] = value
    return flat


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def changes(before: Any, after: Any) -> list[dict[str, str]]:
    """What an entry changed, key by key: only keys whose value differs, as plain text
    (the template escapes it). A new object lists the values it was given."""
    old = _flatten(_loaded(before) or {})
    new = _flatten(_loaded(after) or {})
    rows = []
    for key in dict.fromkeys([*old, *new]):
        if old.get(key) == new.get(key):
            continue
        if key not in old and _is_blank(new.get(key)):
            continue
        rows.append(
            {
                "key": key,
                "before": _text(old.get(key)),
                "after": _text(new.get(key)),
                "had_before": key in old,
            }
        )
    return rows


async def audit_page(filters: AuditFilters, zone: str, number: int) -> tuple[Page, dict[str, str]]:
    """One page of the log, newest first, with what is wrong with the filters (if anything)."""
    conditions, errors = _audit_conditions(filters, zone)
    query = AuditEntry.select(
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.actor_email,
        AuditEntry.actor_name,
        AuditEntry.action,
        AuditEntry.object_type,
        AuditEntry.object_id,
        AuditEntry.client,
        AuditEntry.before,
        AuditEntry.after,
    ).order_by(AuditEntry.at, AuditEntry.id, ascending=False)
    page = await paginate(_where(query, conditions), _where(AuditEntry.count(), conditions), number)
    for entry in page.items:
        entry["changes"] = changes(entry.pop("before"), entry.pop("after"))
    return page, errors


def _choices(options: list[str], current: str) -> list[tuple[str, str]]:
    """Select options for codes; a value that matches nothing stays selectable, so the form
    shows what was asked."""
    if current and current not in options:
        options = [*options, current]
    return [(option, option) for option in options]


@get("/manage/audit/", guards=[role_required()])
async def audit_log(
    request: Request,
    object_type: FromQuery[str] = "",
    action: FromQuery[str] = "",
    actor: FromQuery[str] = "",
    date_from: Annotated[str, QueryParameter(name="from")] = "",
    date_to: Annotated[str, QueryParameter(name="to")] = "",
    page: FromQuery[str] = "",
) -> Template:
    zone = viewer_of(request).timezone
    filters = AuditFilters(
        object_type.strip(), action.strip(), actor.strip(), date_from.strip(), date_to.strip()
    )
    listing, errors = await audit_page(filters, zone, parse_page(page))
    return Template(
        "core/manage/audit.html",
        context={
            "page": listing,
            "filters": filters.as_form(),
            "errors": errors,
            "zone": zone,
            "object_types": _choices(await _distinct(AuditEntry.object_type), filters.object_type),
            "actions": _choices(await _distinct(AuditEntry.action), filters.action),
            "filter_query": _query_string(filters.as_form()),
            "preview": VALUE_PREVIEW,
        },
    )


# --- The mail outbox -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxFilters:
    status: str = ""
    recipient: str = ""


def status_labels() -> dict[str, str]:
    return {status.value: str(label) for status, label in STATUS_LABELS.items()}


def _outbox_conditions(filters: OutboxFilters) -> list[Any]:
    conditions: list[Any] = []
    if filters.status in status_labels():
        conditions.append(OutboxMessage.status == filters.status)
    if filters.recipient:
        # Recipients are stored lower-case, so LIKE (ILIKE is PostgreSQL-only) is enough.
        conditions.append(OutboxMessage.recipient.like(f"%{filters.recipient.lower()}%"))
    return conditions


async def outbox_page(filters: OutboxFilters, sort: str, number: int) -> tuple[Page, str]:
    """One page of messages in the chosen order (newest first unless asked otherwise)."""
    conditions = _outbox_conditions(filters)
    query: Select = OutboxMessage.select(
        OutboxMessage.id,
        OutboxMessage.created_at,
        OutboxMessage.recipient,
        OutboxMessage.language,
        OutboxMessage.template,
        OutboxMessage.subject,
        OutboxMessage.status,
        OutboxMessage.attempts,
        OutboxMessage.last_error,
        OutboxMessage.sent_at,
    )
    query, applied = order(_where(query, conditions), sort, OUTBOX_SORTS, "-created")
    # Rows created in the same instant keep a stable order across pages.
    query = query.order_by(OutboxMessage.id, ascending=not applied.startswith("-"))
    return await paginate(query, _where(OutboxMessage.count(), conditions), number), applied


async def status_counts() -> dict[str, int]:
    """How many messages are in each state, every state listed (zero included)."""
    rows = await OutboxMessage.select(OutboxMessage.status, Count(alias="n")).group_by(
        OutboxMessage.status
    )
    counted = {row["status"]: row["n"] for row in rows}
    return {status.value: counted.get(status.value, 0) for status in OutboxStatus}


def outbox_return_query(raw: str) -> str:
    """The list's own query string, as sent back by a resend form, reduced to known keys."""
    kept = {key: value for key, value in parse_qsl(raw) if key in OUTBOX_QUERY_KEYS}
    return _query_string(kept)


async def resend_failed(viewer: Viewer, message_id: int, client: str) -> bool:
    """Queue a failed message for a fresh round of attempts, and log who asked.
    False when the message is not failed (nothing changes then)."""
    if not await outbox.resend(message_id):
        return False
    await audit.record(
        viewer,
        "outbox.resend",
        "outbox_message",
        message_id,
        client=client,
        before={"status": OutboxStatus.failed.value},
        after={"status": OutboxStatus.queued.value},
    )
    return True


@get("/manage/outbox/", guards=[role_required()])
async def outbox_list(
    request: Request,
    status: FromQuery[str] = "",
    recipient: FromQuery[str] = "",
    sort: FromQuery[str] = "-created",
    page: FromQuery[str] = "",
) -> Template:
    filters = OutboxFilters(status.strip(), recipient.strip())
    listing, applied = await outbox_page(filters, sort, parse_page(page))
    filter_query = _query_string(asdict(filters))
    return Template(
        "core/manage/outbox.html",
        context={
            "page": listing,
            "sort": applied,
            "filters": asdict(filters),
            "filter_query": filter_query,
            "list_query": f"{filter_query}sort={applied}&page={listing.number}",
            "counts": await status_counts(),
            "statuses": status_labels(),
            "zone": viewer_of(request).timezone,
        },
    )


@post("/manage/outbox/{message_id:int}/resend", guards=[role_required()])
async def outbox_resend(request: Request, message_id: FromPath[int]) -> Redirect:
    if not await OutboxMessage.exists().where(OutboxMessage.id == message_id):
        raise NotFoundException()
    back = outbox_return_query((await form_data(request)).get("back", ""))
    resent = await resend_failed(viewer_of(request), message_id, client_address(request))
    flag = "resent=1" if resent else "not_failed=1"
    return Redirect(lang_path(f"manage/outbox/?{back}{flag}"), status_code=303)


pages = [audit_log, outbox_list, outbox_resend]
