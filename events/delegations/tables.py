"""Tables of the foreign-affairs office's delegations: a partner organization's delegation to
an event, its members (with sealed passport data) and their visa invitation letters. They
belong to the Piccolo app `events` (events/piccolo_app.py lists this module)."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import Boolean, Bytea, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tables import Organization, User
from events.tables import Event, Registration


class DelegationStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"
    letters_issued = "letters_issued"
    arrived = "arrived"
    departed = "departed"


class Delegation(Table, tablename="delegation"):
    """A partner organization's delegation to an event (events.delegations.services)."""

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
    (events.delegations.services.passports), never clear text."""

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


class LetterStatus(StrEnum):
    pending = "pending"  # waits for a worker to render it
    ready = "ready"
    failed = "failed"
    superseded = "superseded"  # a later round replaced it
    purged = "purged"  # its file was removed after the event


class VisaLetter(Table, tablename="visa_letter"):
    """One visa invitation letter; `content` is the sealed PDF once a worker has rendered it."""

    delegate = ForeignKey(Delegate, index=True)
    delegation = ForeignKey(Delegation, index=True)
    event = ForeignKey(Event, index=True)
    sequence = Integer()  # per event: the reference number's last part
    reference = Varchar(length=40, unique=True)
    batch = Integer(default=1)
    status = Varchar(length=12, choices=LetterStatus, default="pending", index=True)
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
