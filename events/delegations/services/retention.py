"""Removing passport data after the event: a daily dry-run report tells the foreign-affairs
office what goes within a week, and what was reported at least a week ago and is due goes:
passport numbers, dates of birth, passport expiry dates and letter files. Letter files also
leave the outbox once their mail is sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core import i18n, outbox
from core.access import Viewer
from core.audit import record
from core.content import json_value, plain_text
from core.db import write_transaction
from core.tables import OutboxMessage, OutboxStatus
from events.delegations.services import mail
from events.delegations.services.records import prepared, select_delegations
from events.delegations.services.states import now
from events.delegations.tables import Delegate, Delegation, LetterStatus, VisaLetter
from events.tables import Event

RETENTION_DAYS = 90  # passport data is purged this long after the event ends
NOTICE_DAYS = 7  # the dry-run report goes out this long before a purge


@dataclass(frozen=True)
class PurgeItem:
    delegation_id: int
    event_id: int
    event_title: Any
    organization_name: Any
    event_ends_at: datetime
    due_at: datetime
    members: int
    letters: int
    noticed_at: datetime | None


async def _item(row: dict[str, Any], ends_at: datetime) -> PurgeItem:
    sealed = await Delegate.count().where(
        (Delegate.delegation == row["id"])
        & ((Delegate.passport_number != "") | (Delegate.date_of_birth != ""))
    )
    files = await VisaLetter.count().where(
        (VisaLetter.delegation == row["id"]) & VisaLetter.content.is_not_null()
    )
    return PurgeItem(
        delegation_id=row["id"],
        event_id=row["event"],
        event_title=row["event_title"],
        organization_name=row["organization_name"],
        event_ends_at=ends_at,
        due_at=ends_at + timedelta(days=RETENTION_DAYS),
        members=sealed,
        letters=files,
        noticed_at=row["purge_notice_at"],
    )


async def purge_plan(
    moment: datetime | None = None, within_days: int = NOTICE_DAYS
) -> list[PurgeItem]:
    """The dry-run report: delegations whose passport data is due for removal within
    `within_days` (or overdue), with what would go."""
    moment = moment or now()
    horizon = moment + timedelta(days=within_days) - timedelta(days=RETENTION_DAYS)
    rows = (
        await select_delegations()
        .where(Delegation.purged_at.is_null() & (Delegation.event.ends_at <= horizon))
        .order_by(Delegation.event.ends_at)
    )
    ends = {
        row["id"]: row["ends_at"]
        for row in await Event.select(Event.id, Event.ends_at).where(
            Event.id.is_in([row["event"] for row in rows] or [0])
        )
    }
    return [await _item(prepared(row), ends[row["event"]]) for row in rows]


async def purge_delegation(delegation_id: int, actor: Viewer | None = None) -> dict[str, int]:
    """Remove passport numbers, dates of birth, passport expiry dates and letter files."""
    async with write_transaction():
        cleared = (
            await Delegate.update(
                {
                    Delegate.passport_number: "",
                    Delegate.date_of_birth: "",
                    Delegate.passport_index: None,
                    Delegate.passport_expires: None,
                }
            )
            .where(Delegate.delegation == delegation_id)
            .returning(Delegate.id)
        )
        files = (
            await VisaLetter.update(
                {VisaLetter.content: None, VisaLetter.status: LetterStatus.purged}
            )
            .where(VisaLetter.delegation == delegation_id)
            .returning(VisaLetter.id)
        )
        await Delegation.update({Delegation.purged_at: now()}).where(Delegation.id == delegation_id)
    await scrub_letter_mail(delegation_id)
    outcome = {"members": len(cleared), "letters": len(files)}
    await record(actor, "delegation.purge", "delegation", delegation_id, after=outcome)
    return outcome


async def run_retention(moment: datetime | None = None) -> dict[str, int]:
    """The daily job: report what is due within a week (once per delegation), and purge what
    is due and was reported at least a week ago. Nothing is removed unreported."""
    moment = moment or now()
    plan = await purge_plan(moment)
    fresh = [item for item in plan if item.noticed_at is None]
    if fresh:
        ids = [item.delegation_id for item in fresh]
        await Delegation.update({Delegation.purge_notice_at: moment}).where(
            Delegation.id.is_in(ids)
        )
        await record(
            None,
            "delegation.purge_dry_run",
            "delegation",
            ",".join(str(i) for i in ids)[:60],
            after={
                "delegations": ids,
                "members": sum(item.members for item in fresh),
                "letters": sum(item.letters for item in fresh),
            },
        )
        await _mail_report(fresh, moment)
    purged = 0
    reported_by = moment - timedelta(days=NOTICE_DAYS)
    for item in plan:
        noticed = item.noticed_at
        if noticed is None or item.due_at > moment or noticed > reported_by:
            continue
        await purge_delegation(item.delegation_id)
        purged += 1
    return {"reported": len(fresh), "purged": purged}


async def _mail_report(items: list[PurgeItem], moment: datetime) -> None:
    earliest = moment + timedelta(days=NOTICE_DAYS)
    for user in await mail.office_staff():
        lang = mail.language_of(user)
        with i18n.language(lang):
            rows = [
                {
                    "event": plain_text(item.event_title, lang),
                    "organization": plain_text(item.organization_name, lang),
                    "due": i18n.format_date(max(item.due_at, earliest)),
                    "members": item.members,
                    "letters": item.letters,
                }
                for item in items
            ]
        await outbox.queue_mail(
            key=f"delegation_purge_report:{moment.date().isoformat()}:{user['id']}",
            recipient=user["email"],
            language=lang,
            template="delegation_purge_report",
            context={
                "name": user["name"],
                "rows": rows,
                "retention_days": RETENTION_DAYS,
                "report_link": f"/{lang}/manage/delegations/retention",
            },
        )


async def scrub_letter_mail(delegation_id: int | None = None) -> int:
    """Drop the letter files from letter mails (all sent ones, or every one of a purged
    delegation): once delivered, the outbox row need not keep passport data. Returns how
    many rows were scrubbed."""
    prefix = f"delegation_letters:{delegation_id}:" if delegation_id else "delegation_letters:"
    condition = OutboxMessage.idempotency_key.like(f"{prefix}%")
    if delegation_id is None:
        condition &= OutboxMessage.status == OutboxStatus.sent.value
    rows = await OutboxMessage.select(OutboxMessage.id, OutboxMessage.context).where(condition)
    scrubbed = 0
    for row in rows:
        context = json_value(row["context"]) or {}
        attachments = context.get("attachments") or []
        if not any(item.get("data_b64") for item in attachments):
            continue
        context["attachments"] = []
        context["scrubbed_files"] = [item.get("filename", "") for item in attachments]
        await OutboxMessage.update({OutboxMessage.context: json.dumps(context)}).where(
            OutboxMessage.id == row["id"]
        )
        scrubbed += 1
    return scrubbed
