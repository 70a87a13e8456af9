"""Tables of joint-lab projects: the project and its partners and team, milestones, periodic
progress reports with every version kept, the bureau's comments, indicators and files."""

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


class ProjectKind(StrEnum):
    joint_laboratory = "joint_laboratory"
    research_base = "research_base"
    technology_transfer_centre = "technology_transfer_centre"
    pilot = "pilot"


class ProjectStatus(StrEnum):
    planned = "planned"
    active = "active"
    completed = "completed"
    suspended = "suspended"


class ReportFrequency(StrEnum):
    quarterly = "quarterly"
    annual = "annual"


class Project(Table, tablename="project"):
    slug = Varchar(length=100, unique=True, index=True)
    name = JSON()  # translated content, as are summary and description
    summary = JSON()
    description = JSON()
    kind = Varchar(length=30, choices=ProjectKind)
    field = Varchar(length=40)  # a key of core.vocabulary.FIELDS
    countries = JSON()  # ISO 3166-1 alpha-2 codes
    starts_on = Date()
    ends_on = Date(null=True, default=None)
    status = Varchar(
        length=12, choices=ProjectStatus, default=ProjectStatus.active.value, index=True
    )
    is_public = Boolean(default=True)
    report_frequency = Varchar(
        length=10, choices=ReportFrequency, default=ReportFrequency.quarterly.value
    )
    logo = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PartnerSide(StrEnum):
    china = "china"
    partner = "partner"


class ProjectPartner(Table, tablename="project_partner"):
    project = ForeignKey(Project, index=True)
    organization = ForeignKey(Organization, index=True)
    side = Varchar(length=10, choices=PartnerSide)


class TeamRole(StrEnum):
    lead = "lead"
    member = "member"


class TeamMember(Table, tablename="team_member"):
    project = ForeignKey(Project, index=True)
    user = ForeignKey(User, index=True)
    role = Varchar(length=10, choices=TeamRole)
    project_user = Varchar(length=40, unique=True)  # "<project>:<user>": one membership each
    created_at = Timestamptz(default=TimestamptzNow())


class ProjectImage(Table, tablename="project_image"):
    project = ForeignKey(Project, index=True)
    file = Varchar(length=200)
    caption = JSON()
    position = Integer(default=0)


class MilestoneStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class Milestone(Table, tablename="milestone"):
    project = ForeignKey(Project, index=True)
    title = JSON()
    due_on = Date(index=True)
    status = Varchar(length=12, choices=MilestoneStatus, default=MilestoneStatus.planned.value)
    percent = Integer(default=0)
    evidence_links = JSON()  # list of URLs
    completed_on = Date(null=True, default=None)
    overdue_mailed_on = Date(null=True, default=None)  # at most one reminder a week
    version = Integer(default=1)  # optimistic locking: an edit names the version it started from
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(User, null=True)


class Indicator(Table, tablename="indicator"):
    """What reports count: the built-in ones and those the bureau adds."""

    key = Varchar(length=40, unique=True)
    label = JSON()
    unit = JSON()
    builtin = Boolean(default=False)
    position = Integer(default=0)
    active = Boolean(default=True)


class ReportStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    changes_requested = "changes_requested"
    accepted = "accepted"


class ProgressReport(Table, tablename="progress_report"):
    project = ForeignKey(Project, index=True)
    period = Varchar(length=10)  # "2026-Q3" or "2026"
    period_starts_on = Date()
    period_ends_on = Date()
    due_on = Date(index=True)
    status = Varchar(length=20, choices=ReportStatus, default=ReportStatus.draft.value, index=True)
    current_version = Integer(default=0)
    submitted_at = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    reminded_before_on = Date(null=True, default=None)
    reminded_late_on = Date(null=True, default=None)
    project_period = Varchar(length=120, unique=True)  # "<project>:<period>"


class ReportVersion(Table, tablename="report_version"):
    """Every saved state of a report is kept; the latest is `report.current_version`."""

    report = ForeignKey(ProgressReport, index=True)
    number = Integer()
    narrative = JSON()  # translated content
    highlight = JSON()  # translated: what the public timeline shows once accepted
    indicators = JSON()  # {indicator key: number}
    submitted = Boolean(default=False)
    created_by = ForeignKey(User, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    report_number = Varchar(length=40, unique=True)  # "<report>:<number>"


class ReviewAction(StrEnum):
    comment = "comment"
    request_changes = "request_changes"
    accept = "accept"


class ReportComment(Table, tablename="report_comment"):
    report = ForeignKey(ProgressReport, index=True)
    version = Integer()
    author = ForeignKey(User, null=True)
    action = Varchar(length=20, choices=ReviewAction)
    body = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Attachment(Table, tablename="attachment"):
    """A file kept under <data>/uploads/projects, served only to those allowed to see it."""

    project = ForeignKey(Project, index=True)
    milestone = ForeignKey(Milestone, null=True, index=True)
    report = ForeignKey(ProgressReport, null=True, index=True)
    report_version = Integer(null=True, default=None)
    removed_in_version = Integer(null=True, default=None)  # a later save left it out
    original_name = Varchar(length=255)
    stored_name = Varchar(length=80, unique=True)
    content_type = Varchar(length=100)
    size = BigInt()
    uploaded_by = ForeignKey(User, null=True)
    uploaded_at = Timestamptz(default=TimestamptzNow())
