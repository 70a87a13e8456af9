"""Core tables: who people are, which organization they act for, what was done, what was mailed."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Role(StrEnum):
    """Platform-wide roles; project roles (lead/member) live with each project's team."""

    admin = "admin"
    fao = "fao"
    coordinator = "coordinator"
    reviewer = "reviewer"
    member = "member"


class OrganizationKind(StrEnum):
    partner_city = "partner_city"
    government = "government"
    university = "university"
    institute = "institute"
    company = "company"
    laboratory = "laboratory"


class Organization(Table, tablename="organization"):
    slug = Varchar(length=80, unique=True, index=True)
    name = JSON()  # translated content
    kind = Varchar(length=20, choices=OrganizationKind)
    country = Varchar(length=2, index=True)  # ISO 3166-1 alpha-2
    city = JSON()  # translated content
    timezone = Varchar(length=64, default="Asia/Urumqi")
    website = Varchar(length=300, default="")
    contact_email = Varchar(length=254, default="")
    contact_phone = Varchar(length=50, default="")
    logo = Varchar(length=200, default="")  # file name under <data>/uploads/logos
    is_public = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class User(Table, tablename="account"):
    email = Varchar(length=254, unique=True, index=True)  # stored lower-case
    name = Varchar(length=200, default="")
    password_hash = Varchar(length=200, default="", secret=True)
    role = Varchar(length=20, choices=Role, default=Role.member.value)
    language = Varchar(length=2, default="zh")
    timezone = Varchar(length=64, default="Asia/Urumqi")
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class Membership(Table, tablename="membership"):
    """A person acting for a partner organization (a coordinator's city office, say)."""

    user = ForeignKey(User, index=True)
    organization = ForeignKey(Organization, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class AccountToken(Table, tablename="account_token"):
    """Single-use links: accepting an invitation to an account, resetting a password."""

    user = ForeignKey(User, index=True)
    purpose = Varchar(length=20)  # "invite" | "reset"
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class AuditEntry(Table, tablename="audit_entry"):
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(User, null=True, index=True)
    action = Varchar(length=60)
    object_type = Varchar(length=60, index=True)
    object_id = Varchar(length=60, default="")
    client = Varchar(length=64, default="")
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)


class OutboxStatus(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class OutboxMessage(Table, tablename="outbox_message"):
    """A mail is a row first; a job sends it. The unique key makes every send idempotent."""

    idempotency_key = Varchar(length=200, unique=True)
    recipient = Varchar(length=254, index=True)
    language = Varchar(length=2)
    template = Varchar(length=80)
    context = JSON()
    subject = Text(default="")
    status = Varchar(length=10, choices=OutboxStatus, default=OutboxStatus.queued.value, index=True)
    attempts = Integer(default=0)
    last_error = Text(default="")
    next_attempt_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    sent_at = Timestamptz(null=True, default=None)
