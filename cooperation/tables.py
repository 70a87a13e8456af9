"""Tables of the cooperation board: demands and offers (one profile table, as partnering
databases keep them), expressions of interest with both sides' consent, cooperation guides
with every version kept, and digest subscriptions."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tables import Organization, User


class ProfileKind(StrEnum):
    demand = "demand"  # an industry (technology) demand
    offer = "offer"  # a technology offer (a research result)


class ProfileStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"  # waiting in the bureau's moderation queue
    returned = "returned"  # sent back with a reason; the poster edits and submits again
    published = "published"
    archived = "archived"  # past its deadline, or taken down


class Profile(Table, tablename="cooperation_profile"):
    """A demand or an offer. Contact details are private: they reach another organization
    only through an expression of interest that both sides consented to."""

    kind = Varchar(length=10, choices=ProfileKind, index=True)
    organization = ForeignKey(Organization, index=True)
    posted_by = ForeignKey(User, null=True)
    title = JSON()  # translated content, as are description and partner_wanted
    description = JSON()
    partner_wanted = JSON()
    field = Varchar(length=40, index=True)  # a key of core.vocabulary.FIELDS
    country = Varchar(length=2, index=True)  # ISO 3166-1 alpha-2
    city = Varchar(length=40, index=True)  # a key of cooperation.services.vocabulary.CITIES
    partner_kinds = JSON()  # organization kinds wanted as partners
    # demands
    budget_min = BigInt(null=True, default=None)
    budget_max = BigInt(null=True, default=None)
    currency = Varchar(length=3, default="")
    deadline = Date(null=True, default=None, index=True)
    # offers
    trl = Integer(null=True, default=None)  # technology readiness level 1–9
    ip_rights = Text(default="")  # patent numbers and applications
    licensing = JSON()  # licensing modes (sale, licence, use first pay later, joint development)
    licensing_keys = Varchar(length=120, default="")  # "|sale|licence|": filterable everywhere
    images = JSON()  # stored image names under <data>/uploads/cooperation
    brochure = Varchar(length=80, default="")  # a stored PDF name
    file_names = Varchar(length=500, default="")  # "|<image>|<brochure>|": who owns a file
    # private until both sides consent
    contact_name = Varchar(length=200, default="")
    contact_email = Varchar(length=254, default="")
    contact_phone = Varchar(length=50, default="")
    status = Varchar(
        length=10, choices=ProfileStatus, default=ProfileStatus.draft.value, index=True
    )
    return_reason = Text(default="")
    terms = JSON()  # the matching features of all its text (cooperation.services.matching)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None, index=True)


class InterestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class InterestRequest(Table, tablename="cooperation_interest"):
    """An expression of interest from one organization in another's profile. The requester
    consents to sharing contacts when sending it; the poster consents by accepting."""

    profile = ForeignKey(Profile, index=True)
    source_profile = ForeignKey(Profile, null=True)  # the requester's own profile it matched
    requester = ForeignKey(User, null=True, index=True)
    organization = ForeignKey(Organization, index=True)  # the requester's organization
    message = Text(default="")
    language = Varchar(length=2, default="zh")  # the requester's language, for replies
    contact_name = Varchar(length=200, default="")
    contact_email = Varchar(length=254, default="")
    contact_phone = Varchar(length=50, default="")
    status = Varchar(
        length=10, choices=InterestStatus, default=InterestStatus.pending.value, index=True
    )
    requester_consented_at = Timestamptz(null=True, default=None)
    owner_consented_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(User, null=True)
    decided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    profile_organization = Varchar(length=40, unique=True)  # "<profile>:<organization>"


class Guide(Table, tablename="cooperation_guide"):
    """A city's cooperation guide for one year; what readers see is its current version."""

    city = Varchar(length=40, index=True)
    year = Integer(index=True)
    organization = ForeignKey(Organization, null=True)
    current_version = Integer(default=0)
    is_published = Boolean(default=False, index=True)
    published_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    city_year = Varchar(length=60, unique=True)  # "<city>:<year>"


class GuideVersion(Table, tablename="cooperation_guide_version"):
    guide = ForeignKey(Guide, index=True)
    number = Integer()
    title = JSON()  # translated content, as are priorities and contacts
    priorities = JSON()
    contacts = JSON()  # a guide's published contacts (public by nature)
    pdf = Varchar(length=80, default="")
    note = Text(default="")  # what changed in this version
    created_by = ForeignKey(User, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    guide_number = Varchar(length=40, unique=True)  # "<guide>:<number>"


class DigestFrequency(StrEnum):
    weekly = "weekly"
    monthly = "monthly"


class Subscription(Table, tablename="cooperation_subscription"):
    """Someone who wants the digest of new demands, offers and guides in some fields and
    countries (empty lists: all of them)."""

    email = Varchar(length=254, unique=True)
    user = ForeignKey(User, null=True, index=True)
    language = Varchar(length=2, default="zh")
    fields = JSON()
    countries = JSON()
    frequency = Varchar(
        length=10, choices=DigestFrequency, default=DigestFrequency.weekly.value, index=True
    )
    active = Boolean(default=True, index=True)
    token = Varchar(length=64, unique=True)  # for the one-click unsubscribe link
    created_at = Timestamptz(default=TimestamptzNow())
    last_period = Varchar(length=10, default="")  # the last period a digest was queued for
