"""Tables of events: the event itself, its agenda and speakers, its registration form,
registrations with their seats, quotas per partner organization, and waiting-list offers."""

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

from core.tables import Organization, User


class EventKind(StrEnum):
    conference = "conference"
    forum = "forum"
    roadshow = "roadshow"
    matchmaking = "matchmaking"


class EventStatus(StrEnum):
    draft = "draft"
    published = "published"
    registration_open = "registration_open"
    registration_closed = "registration_closed"
    finished = "finished"
    archived = "archived"


class Event(Table, tablename="event"):
    slug = Varchar(length=100, unique=True, index=True)
    kind = Varchar(length=20, choices=EventKind)
    status = Varchar(length=24, choices=EventStatus, default=EventStatus.draft.value, index=True)
    title = JSON()  # translated content, as are summary, description, venue and city
    summary = JSON()
    description = JSON()
    venue = JSON()
    city = JSON()
    map_url = Varchar(length=500, default="")
    host_organization = ForeignKey(Organization, null=True)
    timezone = Varchar(length=64, default="Asia/Urumqi")
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    cover = Varchar(length=200, default="")
    capacity = Integer(null=True, default=None)  # None: no limit
    general_taken = Integer(default=0)  # seats held outside quotas (confirmed or offered)
    approval_required = Boolean(default=False)
    self_registration = Boolean(default=True)  # individuals may register themselves
    registration_opens_at = Timestamptz(null=True, default=None)
    registration_closes_at = Timestamptz(null=True, default=None)
    edits_until = Timestamptz(null=True, default=None)
    offer_hours = Integer(default=48)  # how long a waiting-list offer stays open
    delegations_freeze_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(User, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class EventQuota(Table, tablename="event_quota"):
    """Seats reserved for one partner organization; its people fill these first."""

    event = ForeignKey(Event, index=True)
    organization = ForeignKey(Organization, index=True)
    seats = Integer()
    taken = Integer(default=0)
    event_organization = Varchar(length=40, unique=True)  # "<event>:<organization>"


class SessionKind(StrEnum):
    plenary = "plenary"
    panel = "panel"
    roadshow_slot = "roadshow_slot"
    signing = "signing"
    visit = "visit"
    matchmaking = "matchmaking"
    break_ = "break"


class AgendaSession(Table, tablename="agenda_session"):
    event = ForeignKey(Event, index=True)
    kind = Varchar(length=20, choices=SessionKind, default=SessionKind.plenary.value)
    title = JSON()
    description = JSON()
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    room = Varchar(length=120, default="")
    track = Varchar(length=120, default="")


class Speaker(Table, tablename="speaker"):
    event = ForeignKey(Event, index=True)
    name = JSON()
    position = JSON()  # job title
    affiliation = JSON()
    bio = JSON()
    photo = Varchar(length=200, default="")


class SessionSpeaker(Table, tablename="session_speaker"):
    session = ForeignKey(AgendaSession, index=True)
    speaker = ForeignKey(Speaker, index=True)


class QuestionKind(StrEnum):
    text = "text"
    long_text = "long_text"
    single = "single"
    multiple = "multiple"
    yes_no = "yes_no"
    country = "country"
    date = "date"


class RegistrationQuestion(Table, tablename="registration_question"):
    event = ForeignKey(Event, index=True)
    position = Integer(default=0)
    kind = Varchar(length=20, choices=QuestionKind)
    label = JSON()
    options = JSON()  # [{"value": "...", "label": translated}, ...] for choices
    required = Boolean(default=False)


class RegistrationStatus(StrEnum):
    pending = "pending"  # waits for the organizers' approval
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    offered = "offered"  # a freed seat is held for them until the offer expires
    rejected = "rejected"
    cancelled = "cancelled"


class Registration(Table, tablename="registration"):
    event = ForeignKey(Event, index=True)
    code = Varchar(length=40, unique=True)  # the personal check-in code (in the QR image)
    status = Varchar(length=12, choices=RegistrationStatus, index=True)
    seat = Varchar(length=8, default="")  # "general", "quota" or "" (holds no seat)
    organization = ForeignKey(Organization, null=True, index=True)
    user = ForeignKey(User, null=True, index=True)
    registered_by = ForeignKey(User, null=True)
    name = Varchar(length=200)
    email = Varchar(length=254, index=True)
    language = Varchar(length=2, default="zh")
    answers = JSON()
    reason = Text(default="")  # why it was rejected, for the registrant
    # "<event>:<email>" while the registration is live, None once cancelled or rejected:
    # the unique index then refuses a second live registration of the same person.
    active_key = Varchar(length=300, null=True, default=None, unique=True)
    waitlisted_at = Timestamptz(null=True, default=None, index=True)
    offer_expires_at = Timestamptz(null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)
    checked_in_at = Timestamptz(null=True, default=None)
    checked_in_by = ForeignKey(User, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class OfferStatus(StrEnum):
    open = "open"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"


class WaitlistOffer(Table, tablename="waitlist_offer"):
    registration = ForeignKey(Registration, index=True)
    status = Varchar(length=10, choices=OfferStatus, default=OfferStatus.open.value)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    answered_at = Timestamptz(null=True, default=None)
