"""Tables of roadshows: the call for projects on a roadshow event, submissions and their
reviews, declared conflicts of interest, pitch slots, what came of each pitch, and the
1:1 meetings of matchmaking (investor flags, interest, requests, unavailable slots)."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tables import Organization, OutboxMessage, User
from events.tables import AgendaSession, Event, Registration


class RoadshowCall(Table, tablename="roadshow_call"):
    """The call for projects of one roadshow event (events.roadshows.services.calls)."""

    event = ForeignKey(Event, unique=True, index=True)
    text = JSON()  # translated content: what the call is for and whom it addresses
    opens_at = Timestamptz()
    closes_at = Timestamptz()
    fields = JSON()  # technology-field keys (core.vocabulary.FIELDS) the call accepts
    criteria = JSON()  # [{"key", "label": translated, "weight": int}]
    reviews_per_submission = Integer(default=3)
    blind = Boolean(default=True)
    pitch_slots = Integer(default=8)
    meeting_tables = Integer(default=10)  # tables for 1:1 meetings in each meeting slot
    rates = JSON()  # {"KZT": 0.014, ...}: CNY for one unit of each currency, for totals
    decisions_sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class SubmissionStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    withdrawn = "withdrawn"


class Decision(StrEnum):
    pending = "pending"
    accepted = "accepted"
    waitlisted = "waitlisted"
    rejected = "rejected"


class Submission(Table, tablename="roadshow_submission"):
    """A project put forward to a call by an organization's account."""

    call = ForeignKey(RoadshowCall, index=True)
    event = ForeignKey(Event, index=True)
    organization = ForeignKey(Organization, index=True)
    submitted_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    language = Varchar(length=2, default="zh")  # the applicant's language, for mail
    code = Varchar(length=12, unique=True)  # what blind reviewers call it: "P-7K3Q9"
    status = Varchar(length=10, choices=SubmissionStatus, default="draft", index=True)
    decision = Varchar(length=10, choices=Decision, default="pending", index=True)
    title = JSON()  # translated content, as is summary
    summary = JSON()
    field = Varchar(length=40)
    trl = Integer(default=1)  # technology readiness level, 1–9
    ip_status = Varchar(length=12, default="none")  # patent, application, none
    ip_numbers = Text(default="")
    stage = Varchar(length=12, default="prototype")
    sought = JSON()  # list of: investment, licence, partner, pilot
    amount = Numeric(digits=(16, 2), null=True, default=None)  # investment sought
    currency = Varchar(length=3, default="CNY")
    licence_terms = Varchar(length=20, default="")  # "standard" or "use_first_pay_later"
    team = JSON()  # [{"name", "role"}]
    deck_file = Varchar(length=80, default="")  # stored name under <data>/uploads/roadshows
    deck_kind = Varchar(length=4, default="")  # pdf or pptx
    video_url = Varchar(length=500, default="")
    submitted_at = Timestamptz(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_mail = ForeignKey(OutboxMessage, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Review(Table, tablename="roadshow_review"):
    """One reviewer's assignment to one submission, and their scores once given."""

    submission = ForeignKey(Submission, index=True)
    reviewer = ForeignKey(User, index=True)
    pair = Varchar(length=40, unique=True)  # "<submission>:<reviewer>": one each
    scores = JSON()  # {criterion key: 0–10}
    comment = Text(default="")
    done = Boolean(default=False, index=True)
    assigned_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Conflict(Table, tablename="roadshow_conflict"):
    """A reviewer's declared conflict of interest with an organization, for one call."""

    call = ForeignKey(RoadshowCall, index=True)
    reviewer = ForeignKey(User, index=True)
    organization = ForeignKey(Organization, index=True)
    key = Varchar(length=40, unique=True)  # "<call>:<reviewer>:<organization>"
    created_at = Timestamptz(default=TimestamptzNow())


class Pitch(Table, tablename="roadshow_pitch"):
    """An accepted submission's slot in the roadshow's agenda."""

    submission = ForeignKey(Submission, unique=True, index=True)
    event = ForeignKey(Event, index=True)
    session = ForeignKey(AgendaSession, null=True, on_delete=OnDelete.set_null)
    position = Integer(default=0)
    presenter = Varchar(length=200, default="")


class OutcomeKind(StrEnum):
    letter_of_intent = "letter_of_intent"
    mou = "mou"
    contract = "contract"
    licence = "licence"
    investment = "investment"
    pilot = "pilot"


class Outcome(Table, tablename="roadshow_outcome"):
    """What came of a pitch: a signed document or deal, with its amount."""

    event = ForeignKey(Event, index=True)
    submission = ForeignKey(Submission, index=True)
    kind = Varchar(length=20, choices=OutcomeKind)
    counterparty = Varchar(length=300)
    country = Varchar(length=2, default="")
    signed_on = Date()
    amount = Numeric(digits=(16, 2), null=True, default=None)
    currency = Varchar(length=3, default="CNY")
    recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class Attendee(Table, tablename="roadshow_attendee"):
    """A registration of the roadshow flagged for matchmaking: an investor or a company
    that may browse the accepted pitches and ask their teams for 1:1 meetings."""

    event = ForeignKey(Event, index=True)
    registration = ForeignKey(Registration, unique=True, index=True)
    investor = Boolean(default=True)


class Interest(Table, tablename="roadshow_interest"):
    """A registrant's mark on an accepted pitch they want to follow."""

    submission = ForeignKey(Submission, index=True)
    user = ForeignKey(User, index=True)
    key = Varchar(length=40, unique=True)  # "<submission>:<user>"


class MeetingStatus(StrEnum):
    requested = "requested"
    accepted = "accepted"
    declined = "declined"


class Meeting(Table, tablename="roadshow_meeting"):
    """A 1:1 meeting an investor asked a pitching team for; once accepted, the scheduler
    (or an organizer) gives it a meeting slot (an agenda session) and a table."""

    event = ForeignKey(Event, index=True)
    submission = ForeignKey(Submission, index=True)
    requester = ForeignKey(User, index=True)
    key = Varchar(length=40, unique=True)  # "<submission>:<requester>": one request each
    message = Text(default="")
    status = Varchar(length=10, choices=MeetingStatus, default="requested", index=True)
    slot = ForeignKey(AgendaSession, null=True, on_delete=OnDelete.set_null)
    table_number = Integer(null=True, default=None)
    no_show = Boolean(default=False)
    answered_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Unavailable(Table, tablename="roadshow_unavailable"):
    """A meeting slot one party (an investor "user:<id>" or a team "submission:<id>")
    cannot attend."""

    slot = ForeignKey(AgendaSession, index=True)
    party = Varchar(length=40, index=True)
    key = Varchar(length=60, unique=True)  # "<slot>:<party>"
