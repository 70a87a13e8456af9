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
from piccolo.columns.base import OnDelete
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
    """What was done. The actor's name and address are copied in, so the record outlives
    the account: deleting a user empties `actor` and keeps the entry."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(User, null=True, index=True, on_delete=OnDelete.set_null)
    actor_name = Varchar(length=200, default="")
    actor_email = Varchar(length=254, default="", index=True)
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
    # Context keys holding credentials (links with tokens, codes): emptied once sent.
    secret_keys = Varchar(length=300, default="")
    subject = Text(default="")
    status = Varchar(length=10, choices=OutboxStatus, default=OutboxStatus.queued.value, index=True)
    attempts = Integer(default=0)
    last_error = Text(default="")
    next_attempt_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    sent_at = Timestamptz(null=True, default=None)


class FeedKind(StrEnum):
    """What a partner's feed turned out to be (detected on fetch, never typed in)."""

    rss = "rss"
    atom = "atom"
    json = "json"
    ical = "ical"


class FeedSource(Table, tablename="feed_source"):
    """A partner's news or calendar feed, and the health of its fetching (core.feeds.sync)."""

    organization = ForeignKey(Organization, index=True)
    url = Varchar(length=2000)  # never with a user or password in it (see core.feeds.credentials)
    credentials = Varchar(length=500, default="", secret=True)  # "user:password" or ""
    language = Varchar(length=2, default="en")  # the feed's language; "" reads it from the feed
    kind = Varchar(length=10, default="")  # FeedKind; empty until the first successful fetch
    title = Varchar(length=300, default="")  # the feed's own title
    enabled = Boolean(default=True, index=True)
    paused_reason = Varchar(length=40, default="")  # set when paused after repeated failures
    etag = Varchar(length=500, default="")
    last_modified = Varchar(length=100, default="")
    last_attempt_at = Timestamptz(null=True, default=None)
    last_success_at = Timestamptz(null=True, default=None)
    last_status = Integer(null=True, default=None)  # HTTP status of the last answer
    last_error = Varchar(length=40, default="")  # a code from core.feeds.reasons
    last_error_detail = Text(default="")
    last_items_found = Integer(default=0)
    last_items_added = Integer(default=0)
    last_items_updated = Integer(default=0)
    consecutive_errors = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None, index=True)
    lease_until = Timestamptz(null=True, default=None)  # a worker's claim on the next fetch
    created_at = Timestamptz(default=TimestamptzNow())


class FeedItem(Table, tablename="feed_item"):
    """One news item or calendar event from a partner feed, sanitised, kept once per source."""

    source = ForeignKey(FeedSource, index=True)
    organization = ForeignKey(Organization, index=True)
    key = Varchar(length=100, unique=True)  # "<source id>:<hash of guid, or of link + title>"
    kind = Varchar(length=10, default="news", index=True)  # "news" | "event"
    guid = Text(default="")
    link = Varchar(length=2000, default="")
    title = Text(default="")
    summary = Text(default="")  # sanitised HTML
    excerpt = Text(default="")  # plain text
    language = Varchar(length=2, default="en", index=True)
    published_at = Timestamptz(null=True, default=None)
    modified_at = Timestamptz(null=True, default=None)
    sort_at = Timestamptz(default=TimestamptzNow(), index=True)  # published, else first seen
    starts_at = Timestamptz(null=True, default=None, index=True)  # events
    ends_at = Timestamptz(null=True, default=None)
    timezone = Varchar(length=64, default="")
    all_day = Boolean(default=False)
    location = Text(default="")
    content_hash = Varchar(length=64, default="")
    first_seen_at = Timestamptz(default=TimestamptzNow())
    changed_at = Timestamptz(default=TimestamptzNow())


class SearchEntry(Table, tablename="search_entry"):
    """One object's text in one language as search finds it (core.search). A trigram index
    on `terms` sits beside it: an FTS5 table on SQLite, pg_trgm on PostgreSQL. The short
    columns a query filters and ranks by come first: SQLite reads a row's columns in order,
    and the long texts spill into overflow pages."""

    object_key = Varchar(length=100, index=True)  # "<kind>:<object id>"
    kind = Varchar(length=30, index=True)
    object_id = Varchar(length=60)
    language = Varchar(length=2)
    is_public = Boolean(default=True)
    readers = Varchar(length=1000, default="")  # " role:fao org:3 user:7 ": who else finds it
    sort_at = Timestamptz(default=TimestamptzNow())
    path = Varchar(length=500)  # under /<lang>/
    title_key = Text(default="")  # the folded title: hits in it rank first
    title = Text(default="")
    body = Text(default="")
    terms = Text(default="")  # core.search.text.index_text of title, body and aliases
