"""Reminders: on the organizer's schedule (up to three rounds), one mail per round to everyone
who has not answered yet and whose invitation did arrive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.content import json_value
from core.tables import OutboxStatus
from events.invitations.services import clock
from events.invitations.services.mails import (
    MAIL_BATCH,
    REMINDER_TEMPLATE,
    MailParts,
    mail_batch,
    queue_mail,
    reminder_key,
)
from events.invitations.tables import Answer, CampaignStatus, Invitation, InvitationCampaign
from events.tables import Event


def reminder_rounds(campaign: dict[str, Any]) -> list[datetime]:
    return [datetime.fromisoformat(value) for value in json_value(campaign["reminders"], [])]


async def send_due_reminders(now: datetime | None = None) -> int:
    """The cron job's work: for each sending with a reminder round due, mail everyone who
    has not answered yet (and whose invitation did arrive). Only the latest due round goes
    (rounds missed while no worker ran are not sent in a burst); each mail's key names the
    invitation and the round, so a round is never mailed twice to anyone."""
    now = now or clock.now()
    queued = 0
    rows = await InvitationCampaign.select().where(
        InvitationCampaign.status.is_in([CampaignStatus.sending, CampaignStatus.sent])
        & (InvitationCampaign.expires_at > now)
    )
    for campaign in rows:
        rounds = reminder_rounds(campaign)
        due = [n for n, moment in enumerate(rounds) if moment <= now]
        if not due or due[-1] < campaign["reminders_done"]:
            continue
        number = due[-1]
        queued += await _remind(campaign, number, rounds[number], now)
        await InvitationCampaign.update({InvitationCampaign.reminders_done: number + 1}).where(
            (InvitationCampaign.id == campaign["id"])
            & (InvitationCampaign.reminders_done <= number)
        )
    return queued


async def _remind(campaign: dict[str, Any], number: int, moment: datetime, now: datetime) -> int:
    event = await Event.select().where(Event.id == campaign["event"]).first()
    if event is None:
        return 0
    parts = MailParts(event, campaign)
    last_id = 0
    queued = 0
    while True:
        batch = (
            await Invitation.select()
            .where(
                (Invitation.campaign == campaign["id"])
                & (Invitation.id > last_id)
                & (Invitation.answer == Answer.pending)
                & Invitation.registration.is_null()
                & (Invitation.expires_at > now)
                & (Invitation.invited_at < moment)
                & (Invitation.message.status == OutboxStatus.sent.value)
            )
            .order_by(Invitation.id)
            .limit(MAIL_BATCH)
        )
        if not batch:
            return queued
        async with mail_batch():
            for invitation in batch:
                last_id = invitation["id"]
                key = reminder_key(invitation, number + 1)
                await queue_mail(parts, invitation, key, REMINDER_TEMPLATE)
                # Counted once per round: each round's moment is passed only once.
                await Invitation.update(
                    {
                        Invitation.reminders_sent: Invitation.reminders_sent + 1,
                        Invitation.last_reminded_at: now,
                    }
                ).where(
                    (Invitation.id == invitation["id"])
                    & (
                        Invitation.last_reminded_at.is_null()
                        | (Invitation.last_reminded_at < moment)
                    )
                )
                queued += 1
