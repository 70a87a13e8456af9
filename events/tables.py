"""Tables of events: the event itself, its agenda and speakers, its registration form,
registrations with their seats, quotas per partner organization, and waiting-list offers."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
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


class DelegationStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"
    letters_issued = "letters_issued"
    arrived = "arrived"
    departed = "departed"


class Delegation(Table, tablename="delegation"):
    """A partner organization's delegation to an event (events.services.delegations)."""

    event = ForeignKey(Event, index=True)
    organization = ForeignKey(Organization, index=True)
    event_organization = Varchar(length=40, unique=True)  # "<event>:<organization>": one each
    status = Varchar(length=16, choices=DelegationStatus, default="draft", index=True)
    protocol_rank = Varchar(length=24, default="")  # the head's rank, for the order of precedence
    fao_comment = Text(default="")  # why the foreign-affairs office last returned it
    letters_batch = Integer(default=0)  # the latest round of visa letters
    opened_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    submitted_at = Timestamptz(null=True, default=None)
    returned_at = Timestamptz(null=True, default=None)
    approved_at = Timestamptz(null=True, default=None)
    letters_issued_at = Timestamptz(null=True, default=None)
    purge_notice_at = Timestamptz(null=True, default=None)  # listed in a dry-run report
    purged_at = Timestamptz(null=True, default=None)  # passport data and letters removed
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Delegate(Table, tablename="delegate"):
    """A member of a delegation. `passport_number` and `date_of_birth` hold sealed values
    (events.services.passports), never clear text."""

    delegation = ForeignKey(Delegation, index=True)
    event = ForeignKey(Event, index=True)
    sort_order = Integer(default=0)
    is_head = Boolean(default=False)
    name_native = Varchar(length=200, default="")
    name_latin = Varchar(length=200, default="")
    name_zh = Varchar(length=100, default="")
    gender = Varchar(length=1, default="")
    nationality = Varchar(length=2, default="")
    date_of_birth = Text(default="")
    passport_number = Text(default="")
    passport_index = Varchar(length=80, null=True, default=None, unique=True)  # "<event>:<hmac>"
    passport_expires = Date(null=True, default=None)
    job_title = Varchar(length=200, default="")
    organization_name = Varchar(length=300, default="")
    email = Varchar(length=254, default="")
    languages = Varchar(length=100, default="")  # comma-separated language codes
    interpreter_language = Varchar(length=8, default="")
    diet = Varchar(length=16, default="")
    allergies = Varchar(length=300, default="")
    accessibility = Text(default="")
    arrival_at = Timestamptz(null=True, default=None)
    arrival_transport = Varchar(length=8, default="")
    arrival_number = Varchar(length=20, default="")
    arrival_place = Varchar(length=120, default="")
    departure_at = Timestamptz(null=True, default=None)
    departure_transport = Varchar(length=8, default="")
    departure_number = Varchar(length=20, default="")
    departure_place = Varchar(length=120, default="")
    needs_letter = Boolean(default=False)
    hotel = Varchar(length=200, default="")
    room = Varchar(length=40, default="")
    registration = ForeignKey(Registration, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class VisaLetter(Table, tablename="visa_letter"):
    """One visa invitation letter; `content` is the sealed PDF once a worker has rendered it."""

    delegate = ForeignKey(Delegate, index=True)
    delegation = ForeignKey(Delegation, index=True)
    event = ForeignKey(Event, index=True)
    sequence = Integer()  # per event: the reference number's last part
    reference = Varchar(length=40, unique=True)
    batch = Integer(default=1)
    status = Varchar(length=12, default="pending", index=True)  # pending, ready, failed, ...
    languages = Varchar(length=8, default="zh+en")
    signatory_name = Varchar(length=200, default="")
    signatory_title = Varchar(length=200, default="")
    issuer = ForeignKey(Organization, null=True, on_delete=OnDelete.set_null)
    issued_on = Date()
    content = Bytea(null=True, default=None)
    error = Text(default="")
    requested_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    rendered_at = Timestamptz(null=True, default=None)
