"""The invitation mail: what every mail of one sending shares per language (built once), each
recipient's personal part, the outbox keys that keep a mail from going twice, and the preview
organizers read before sending."""

from __future__ import annotations

import base64
import contextlib
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from core import i18n, mail, outbox
from core.content import Translated, json_value, plain_text
from core.db import write_transaction
from core.i18n import LANGUAGES
from core.settings import get_settings
from core.tables import Organization
from events.invitations.services import clock
from events.invitations.services.texts import paragraphs
from events.invitations.services.tokens import token_of
from events.services import mail_context
from events.services.calendar import event_calendar

MAIL_TEMPLATE = "invitation"
REMINDER_TEMPLATE = "invitation_reminder"
BATCH = 200  # invitations created per round trip
# Mails queued per batch. On SQLite a batch is one transaction, holding the single write lock
# while the same worker's send jobs wait for it to claim and record their messages: a short
# hold keeps them far from the busy timeout ("database is locked") on a busy machine.
MAIL_BATCH = 25


def calendar_attachment(event: dict[str, Any], lang: str) -> dict[str, str]:
    return {
        "filename": f"{event['slug']}.ics",
        "content_type": "text/calendar; charset=utf-8",
        "data_b64": base64.b64encode(event_calendar(event, lang)).decode("ascii"),
    }


class MailParts:
    """What every mail of one sending shares, per language: built once, not per recipient."""

    def __init__(self, event: dict[str, Any], campaign: dict[str, Any]) -> None:
        self.event = event
        self.subject = Translated.load(json_value(campaign["subject"], None))
        self.message = Translated.load(json_value(campaign["message"], None))
        self._shared: dict[str, dict[str, Any]] = {}
        self._organizations: dict[int, Any] = {}

    def shared(self, lang: str, expires_at: datetime) -> dict[str, Any]:
        key = f"{lang}:{expires_at.isoformat()}"
        if key not in self._shared:
            event = self.event
            with i18n.language(lang):
                self._shared[key] = {
                    "event_id": event["id"],
                    "subject": self.subject.show(lang).text,
                    "message": paragraphs(self.message.show(lang).text),
                    "event_title": plain_text(event["title"], lang),
                    "summary": plain_text(event["summary"], lang),
                    "venue": plain_text(event["venue"], lang),
                    "city": plain_text(event["city"], lang),
                    "map_url": event["map_url"] or "",
                    "when": mail_context.event_when(event),
                    "respond_by": i18n.format_datetime(expires_at, event["timezone"]),
                    "event_link": mail_context.event_path(lang, event["slug"]),
                    "group_link": f"/{lang}/events/{event['slug']}/register/group",
                    "attachments": [calendar_attachment(event, lang)],
                }
        return self._shared[key]

    async def organization(self, organization_id: int | None) -> Any:
        if organization_id is None:
            return None
        if organization_id not in self._organizations:
            row = (
                await Organization.select(Organization.name)
                .where(Organization.id == organization_id)
                .first()
            )
            self._organizations[organization_id] = row["name"] if row else None
        return self._organizations[organization_id]

    async def context(self, invitation: dict[str, Any]) -> dict[str, Any]:
        lang = invitation["language"] if invitation["language"] in LANGUAGES else "zh"
        token = token_of(invitation)
        name = await self.organization(invitation["organization"])
        return {
            **self.shared(lang, clock.aware(invitation["expires_at"])),
            "invitation_id": invitation["id"],
            "name": invitation["name"],
            "organization": plain_text(name, lang) if name else "",
            "invitation_link": f"/{lang}/invitations/{token}/",
            "accept_link": f"/{lang}/invitations/{token}/accept",
            "decline_link": f"/{lang}/invitations/{token}/decline",
        }


async def queue_mail(parts: MailParts, invitation: dict[str, Any], key: str, template: str) -> int:
    """One outbox message for this invitation, under `key` (a second call finds it taken)."""
    return await outbox.queue_mail(
        key=key,
        recipient=invitation["email"],
        language=invitation["language"],
        template=template,
        context=await parts.context(invitation),
        secret_keys=("invitation_link", "accept_link", "decline_link"),
    )


def _key_base(invitation: dict[str, Any]) -> str:
    # The id alone could come back (SQLite reuses the highest id after a delete); a piece of
    # the token's hash makes the key this invitation's own, and tells nothing of the token.
    return f"invitation:{invitation['id']}-{invitation['token_hash'][:12]}"


def send_key(invitation: dict[str, Any], sends: int) -> str:
    """One outbox key per invitation and purposeful send: a repeated job finds it taken."""
    return f"{_key_base(invitation)}:send:{sends}"


def reminder_key(invitation: dict[str, Any], round_number: int) -> str:
    """One outbox key per invitation and reminder round: a round never mails anyone twice."""
    return f"{_key_base(invitation)}:reminder:{round_number}"


def preview(
    event: dict[str, Any], campaign: dict[str, Any], lang: str, name: str
) -> mail.RenderedMail:
    """The mail as a recipient reading `lang` gets it (with placeholder links)."""
    parts = MailParts(event, campaign)
    shared = dict(parts.shared(lang, clock.aware(campaign["expires_at"])))
    shared.pop("attachments")
    placeholder = "…"
    context = {
        **shared,
        "name": name,
        "organization": "",
        "invitation_link": f"/{lang}/invitations/{placeholder}/",
        "accept_link": f"/{lang}/invitations/{placeholder}/accept",
        "decline_link": f"/{lang}/invitations/{placeholder}/decline",
    }
    return mail.render(MAIL_TEMPLATE, lang, context)


def mail_batch() -> AbstractAsyncContextManager[Any]:
    """How a batch of mails is queued (MAIL_BATCH of them). SQLite: in one transaction, since
    a commit per message would make the database, not the mail server, the limit; a send job
    triggered inside it waits for SQLite's single write lock and then finds its row.
    PostgreSQL: without one, as a job triggered inside a transaction could look before the
    commit, find nothing, and leave the message to the next sweep a minute later."""
    if get_settings().is_sqlite:
        return write_transaction()
    return contextlib.nullcontext()
