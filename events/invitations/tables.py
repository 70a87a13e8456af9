"""Tables of invitations: one sending (a campaign) and one invitation per recipient and event.

They belong to the `events` Piccolo app (events/piccolo_app.py lists this module), so moving
them here from events/tables.py changed no schema.
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tables import Organization, OutboxMessage, User
from events.tables import Event, Registration


class CampaignStatus(StrEnum):
    draft = "draft"
    sending = "sending"
    sent = "sent"


class Kind(StrEnum):
    """How a recipient came to be invited."""

    organization = "organization"
    account = "account"
    listed = "list"


class Answer(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class InvitationCampaign(Table, tablename="invitation_campaign"):
    """One sending of invitations: its text in four languages, whom it goes to (kept until it is
    sent), when its links expire and when reminders go (events.invitations.services)."""

    event = ForeignKey(Event, index=True)
    status = Varchar(length=10, choices=CampaignStatus, default="draft", index=True)
    subject = JSON()  # translated content, as is message
    message = JSON()
    recipients = JSON()  # [{name, email, language, kind, organization, user}]
    planned = Integer(default=0)  # invitations this sending creates
    expires_at = Timestamptz()  # answer by: the links stop working then
    reminders = JSON()  # the reminder rounds: UTC moments (ISO text), in order
    reminders_done = Integer(default=0)  # rounds already handled
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class Invitation(Table, tablename="invitation"):
    """One recipient invited to one event: their personal token (only its hash is kept), the
    e-mail that carried it, and their answer."""

    event = ForeignKey(Event, index=True)
    # Stored as campaign_id: an index named after a plain `campaign` column would take the
    # name of the invitation_campaign table.
    campaign = ForeignKey(InvitationCampaign, index=True, db_column_name="campaign_id")
    event_email = Varchar(length=300, unique=True)  # "<event>:<email>": one per person and event
    kind = Varchar(length=12, choices=Kind, index=True)
    organization = ForeignKey(Organization, null=True, index=True, on_delete=OnDelete.set_null)
    user = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    name = Varchar(length=200)
    email = Varchar(length=254, index=True)
    language = Varchar(length=2, default="zh")
    token_hash = Varchar(length=64, unique=True)
    token_nonce = Varchar(length=32)
    expires_at = Timestamptz()
    answer = Varchar(length=10, choices=Answer, default="pending", index=True)
    answered_at = Timestamptz(null=True, default=None)
    message = ForeignKey(OutboxMessage, null=True, on_delete=OnDelete.set_null)  # latest send
    sends = Integer(default=1)  # purposeful sends (the first and each resend)
    reminders_sent = Integer(default=0)
    last_reminded_at = Timestamptz(null=True, default=None)
    registration = ForeignKey(Registration, null=True, on_delete=OnDelete.set_null)
    invited_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    invited_at = Timestamptz(default=TimestamptzNow(), index=True)
