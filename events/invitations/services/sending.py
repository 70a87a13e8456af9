"""Sending: starting a draft, the background job that creates one invitation per recipient
and queues one outbox message each, resuming sendings whose job was lost, and trying failed
mails again or sending an invitation again on purpose.

`event_email` is unique: one invitation per person and event, ever; a second copy goes only by
resending on purpose. The outbox rows are the truth for the progress organizers watch, and
their keys keep a repeated job from mailing anyone twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core import jobqueue, outbox
from core.access import Viewer
from core.audit import record
from core.content import json_value
from core.errors import ValidationFailed
from core.i18n import gettext
from core.tables import OutboxStatus
from events.invitations.services import clock
from events.invitations.services.drafts import draft_summary
from events.invitations.services.mails import (
    BATCH,
    MAIL_BATCH,
    MAIL_TEMPLATE,
    MailParts,
    mail_batch,
    queue_mail,
    send_key,
)
from events.invitations.services.recipients import Recipient, stored
from events.invitations.services.tokens import new_nonce, token, token_hash
from events.invitations.tables import CampaignStatus, Invitation, InvitationCampaign
from events.tables import Event

CAMPAIGN_JOB = "send_invitation_campaign"


async def send(
    actor: Viewer, event: dict[str, Any], campaign: dict[str, Any], client: str = ""
) -> None:
    """Start sending a draft: the job creates the invitations and queues their mails."""
    summary = await draft_summary(event, campaign)
    if summary["total"] == 0:
        raise ValidationFailed(
            {"": gettext("Everyone on this draft already has an invitation to this event.")}
        )
    if clock.aware(campaign["expires_at"]) <= clock.now():
        raise ValidationFailed(
            {"": gettext("The answer-by date has passed: change it before sending.")}
        )
    started = (
        await InvitationCampaign.update(
            {
                InvitationCampaign.status: CampaignStatus.sending,
                InvitationCampaign.planned: summary["total"],
                InvitationCampaign.sent_at: clock.now(),
            }
        )
        .where(
            (InvitationCampaign.id == campaign["id"])
            & (InvitationCampaign.status == CampaignStatus.draft)
        )
        .returning(InvitationCampaign.id)
    )
    if not started:
        return  # sent already (a second click): nothing more to do
    await record(
        actor,
        "invitation.send",
        "event",
        event["id"],
        client=client,
        after={
            "campaign": campaign["id"],
            "recipients": summary["total"],
            "skipped": len(summary["skipped"]),
        },
    )
    await trigger(campaign["id"])


async def trigger(campaign_id: int) -> None:
    await jobqueue.enqueue(CAMPAIGN_JOB, campaign_id, job_id=f"invitation-campaign:{campaign_id}")


def _new_invitation(
    event_id: int, campaign: dict[str, Any], person: Recipient, now: datetime
) -> Invitation:
    nonce = new_nonce()
    return Invitation(
        event=event_id,
        campaign=campaign["id"],
        event_email=f"{event_id}:{person.email}",
        kind=person.kind,
        organization=person.organization,
        user=person.user,
        name=person.name,
        email=person.email,
        language=person.language,
        token_hash=token_hash(token(event_id, person.email, nonce)),
        token_nonce=nonce,
        expires_at=campaign["expires_at"],
        invited_by=campaign["created_by"],
        invited_at=now,
    )


async def run_campaign(campaign_id: int) -> int:
    """The job behind a sending; safe to run again at any point (a crashed worker, a
    duplicate trigger). Creates the invitations (those already invited to the event are
    skipped by the unique `event_email`), then queues one mail for each invitation that has
    none yet, under a key per invitation and send. Returns how many mails it queued."""
    campaign = await InvitationCampaign.select().where(InvitationCampaign.id == campaign_id).first()
    if campaign is None or campaign["status"] != CampaignStatus.sending:
        return 0
    event = await Event.select().where(Event.id == campaign["event"]).first()
    if event is None:
        return 0
    people = stored(json_value(campaign["recipients"], []))
    now = clock.now()
    for start in range(0, len(people), BATCH):
        rows = [
            _new_invitation(event["id"], campaign, p, now) for p in people[start : start + BATCH]
        ]
        await Invitation.insert(*rows).on_conflict(
            target=Invitation.event_email, action="DO NOTHING"
        )
    created = await Invitation.count().where(Invitation.campaign == campaign_id)
    await InvitationCampaign.update({InvitationCampaign.planned: created}).where(
        InvitationCampaign.id == campaign_id
    )
    parts = MailParts(event, campaign)
    queued = 0
    while True:
        batch = (
            await Invitation.select()
            .where((Invitation.campaign == campaign_id) & Invitation.message.is_null())
            .order_by(Invitation.id)
            .limit(MAIL_BATCH)
        )
        if not batch:
            break
        async with mail_batch():
            for invitation in batch:
                key = send_key(invitation, 1)
                message_id = await queue_mail(parts, invitation, key, MAIL_TEMPLATE)
                await Invitation.update({Invitation.message: message_id}).where(
                    Invitation.id == invitation["id"]
                )
        queued += len(batch)
    # The list has served its purpose: the invitations hold who was invited from now on.
    await InvitationCampaign.update(
        {InvitationCampaign.status: CampaignStatus.sent, InvitationCampaign.recipients: []}
    ).where(
        (InvitationCampaign.id == campaign_id)
        & (InvitationCampaign.status == CampaignStatus.sending)
    )
    return queued


async def resume_stalled() -> int:
    """Trigger again every sending whose job may have been lost (a worker that died); a
    trigger while the job waits or runs is a no-op, and a repeated run does no harm."""
    rows = await InvitationCampaign.select(InvitationCampaign.id).where(
        InvitationCampaign.status == CampaignStatus.sending
    )
    for row in rows:
        await trigger(row["id"])
    return len(rows)


async def retry(actor: Viewer, invitation: dict[str, Any], client: str = "") -> bool:
    """A failed mail goes again (the same message: a fresh round of attempts)."""
    if invitation["message"] is None or not await outbox.resend(invitation["message"]):
        return False
    await record(actor, "invitation.retry", "invitation", invitation["id"], client=client, after={})
    return True


async def retry_failed(actor: Viewer, campaign: dict[str, Any], client: str = "") -> int:
    rows = await Invitation.select(Invitation.message).where(
        (Invitation.campaign == campaign["id"])
        & (Invitation.message.status == OutboxStatus.failed.value)
    )
    retried = 0
    for row in rows:
        retried += int(await outbox.resend(row["message"]))
    await record(
        actor,
        "invitation.retry_failed",
        "event",
        campaign["event"],
        client=client,
        after={"campaign": campaign["id"], "retried": retried},
    )
    return retried


async def resend(
    actor: Viewer, event: dict[str, Any], invitation: dict[str, Any], client: str = ""
) -> None:
    """Send an invitation again on purpose: a new mail with the same personal links. Two
    clicks at once compute the same key, so they still queue one mail."""
    campaign = (
        await InvitationCampaign.select()
        .where(InvitationCampaign.id == invitation["campaign_id"])  # stored as campaign_id
        .first()
    )
    assert campaign is not None
    if clock.aware(invitation["expires_at"]) <= clock.now():
        raise ValidationFailed({"": gettext("This invitation has expired.")})
    sends = invitation["sends"] + 1
    parts = MailParts(event, campaign)
    message_id = await queue_mail(parts, invitation, send_key(invitation, sends), MAIL_TEMPLATE)
    await Invitation.update({Invitation.sends: sends, Invitation.message: message_id}).where(
        (Invitation.id == invitation["id"]) & (Invitation.sends < sends)
    )
    await record(
        actor,
        "invitation.resend",
        "invitation",
        invitation["id"],
        client=client,
        after={"sends": sends},
    )
