"""A sending's life as organizers follow it: who may invite, the sendings of an event, and
each one's progress read from its outbox rows (queued, sent, failed) with the failures."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from core.access import Viewer, rule
from core.content import json_value, plain_text
from core.i18n import current_language
from core.tables import OutboxStatus
from events.invitations.tables import CampaignStatus, Invitation, InvitationCampaign

INVITE = "event.invite"


@rule(INVITE)
def _invite(_viewer: Viewer, _event: Any) -> bool:
    return False  # organizers only (admins pass every rule)


async def get_campaign(event_id: int, campaign_id: int) -> dict[str, Any] | None:
    return (
        await InvitationCampaign.select()
        .where((InvitationCampaign.id == campaign_id) & (InvitationCampaign.event == event_id))
        .first()
    )


async def of_event(event_id: int) -> list[dict[str, Any]]:
    rows = (
        await InvitationCampaign.select(
            InvitationCampaign.id,
            InvitationCampaign.status,
            InvitationCampaign.subject,
            InvitationCampaign.planned,
            InvitationCampaign.created_at,
            InvitationCampaign.sent_at,
            InvitationCampaign.reminders,
            InvitationCampaign.reminders_done,
        )
        .where(InvitationCampaign.event == event_id)
        .order_by(InvitationCampaign.id, ascending=False)
    )
    for row in rows:
        row["subject"] = json_value(row["subject"], None)
        row["reminders"] = json_value(row["reminders"], [])
        row["label"] = plain_text(row["subject"], current_language())
        row["progress"] = await progress(row)
    return rows


async def progress(campaign: dict[str, Any]) -> dict[str, Any]:
    """Queued, sent and failed mails of one sending, from the outbox rows; mails not in the
    outbox yet count as queued."""
    if campaign["status"] == CampaignStatus.draft:
        return {"total": 0, "queued": 0, "sent": 0, "failed": 0, "done": False, "percent": 0}
    rows = (
        await Invitation.select(Invitation.message.status.as_alias("status"), Count(alias="n"))
        .where(Invitation.campaign == campaign["id"])
        .group_by(Invitation.message.status)
    )
    counts = {row["status"]: row["n"] for row in rows}
    sent = counts.get(OutboxStatus.sent.value, 0)
    failed = counts.get(OutboxStatus.failed.value, 0)
    total = max(campaign["planned"], sum(counts.values()))
    queued = max(total - sent - failed, 0)
    done = campaign["status"] == CampaignStatus.sent and queued == 0
    return {
        "total": total,
        "queued": queued,
        "sent": sent,
        "failed": failed,
        "done": done,
        "percent": round(100 * (sent + failed) / total) if total else 100,
    }


async def failures(campaign_id: int, limit: int = 200) -> list[dict[str, Any]]:
    return (
        await Invitation.select(
            Invitation.id,
            Invitation.name,
            Invitation.email,
            Invitation.message.last_error.as_alias("error"),
            Invitation.message.attempts.as_alias("attempts"),
        )
        .where(
            (Invitation.campaign == campaign_id)
            & (Invitation.message.status == OutboxStatus.failed.value)
        )
        .order_by(Invitation.id)
        .limit(limit)
    )
