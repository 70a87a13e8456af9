"""The words of projects: kinds, fields, statuses, team roles and the built-in indicators,
each with a label translated when shown (lazy_gettext), in one place for every page and mail.
The fields of technology are the shared taxonomy of `core.vocabulary`."""

from __future__ import annotations

from dataclasses import dataclass

from babel.support import LazyProxy

from core.i18n import lazy_gettext
from core.vocabulary import field_labels, labels
from projects.tables import (
    MilestoneStatus,
    ProjectKind,
    ProjectStatus,
    ReportFrequency,
    ReportStatus,
    ReviewAction,
    TeamRole,
)

KINDS = {
    ProjectKind.joint_laboratory: lazy_gettext("Joint laboratory"),
    ProjectKind.research_base: lazy_gettext("Research base"),
    ProjectKind.technology_transfer_centre: lazy_gettext("Technology transfer centre"),
    ProjectKind.pilot: lazy_gettext("Pilot project"),
}

PROJECT_STATUSES = {
    ProjectStatus.planned: lazy_gettext("Planned"),
    ProjectStatus.active: lazy_gettext("Active"),
    ProjectStatus.completed: lazy_gettext("Completed"),
    ProjectStatus.suspended: lazy_gettext("Suspended"),
}

FREQUENCIES = {
    ReportFrequency.quarterly: lazy_gettext("Quarterly"),
    ReportFrequency.annual: lazy_gettext("Annual"),
}

TEAM_ROLES = {
    TeamRole.lead: lazy_gettext("Project lead"),
    TeamRole.member: lazy_gettext("Team member"),
}

PARTNER_SIDES = {
    "china": lazy_gettext("Chinese side"),
    "partner": lazy_gettext("Partner side"),
}

MILESTONE_STATUSES = {
    MilestoneStatus.planned: lazy_gettext("Planned"),
    MilestoneStatus.in_progress: lazy_gettext("In progress"),
    MilestoneStatus.done: lazy_gettext("Done"),
    MilestoneStatus.cancelled: lazy_gettext("Cancelled"),
}

REPORT_STATUSES = {
    ReportStatus.draft: lazy_gettext("Draft"),
    ReportStatus.submitted: lazy_gettext("Submitted for review"),
    ReportStatus.changes_requested: lazy_gettext("Changes requested"),
    ReportStatus.accepted: lazy_gettext("Accepted"),
}

REVIEW_ACTIONS = {
    ReviewAction.comment: lazy_gettext("Comment"),
    ReviewAction.request_changes: lazy_gettext("Changes requested"),
    ReviewAction.accept: lazy_gettext("Accepted"),
}


@dataclass(frozen=True)
class BuiltinIndicator:
    key: str
    label: LazyProxy
    unit: LazyProxy
    integral: bool = True  # counted in whole numbers


BUILTIN_INDICATORS = (
    BuiltinIndicator("papers", lazy_gettext("Papers published"), lazy_gettext("papers")),
    BuiltinIndicator(
        "patents_filed", lazy_gettext("Patent applications filed"), lazy_gettext("applications")
    ),
    BuiltinIndicator("patents_granted", lazy_gettext("Patents granted"), lazy_gettext("patents")),
    BuiltinIndicator(
        "samples_exchanged",
        lazy_gettext("Germplasm and samples exchanged"),
        lazy_gettext("samples"),
    ),
    BuiltinIndicator("people_trained", lazy_gettext("People trained"), lazy_gettext("people")),
    BuiltinIndicator("joint_events", lazy_gettext("Joint events held"), lazy_gettext("events")),
    BuiltinIndicator(
        "funding_received",
        lazy_gettext("Funding received"),
        lazy_gettext("thousand yuan"),
        integral=False,
    ),
)
BUILTIN_KEYS = tuple(indicator.key for indicator in BUILTIN_INDICATORS)


def kind_labels() -> dict[str, str]:
    return labels(KINDS)


def project_status_labels() -> dict[str, str]:
    return labels(PROJECT_STATUSES)


def frequency_labels() -> dict[str, str]:
    return labels(FREQUENCIES)


def team_role_labels() -> dict[str, str]:
    return labels(TEAM_ROLES)


def side_labels() -> dict[str, str]:
    return labels(PARTNER_SIDES)


def milestone_status_labels() -> dict[str, str]:
    return labels(MILESTONE_STATUSES)


def report_status_labels() -> dict[str, str]:
    return labels(REPORT_STATUSES)


def review_action_labels() -> dict[str, str]:
    return labels(REVIEW_ACTIONS)


def all_labels() -> dict[str, dict[str, str]]:
    """Every label table, for templates."""
    return {
        "kinds": kind_labels(),
        "fields": field_labels(),
        "project_statuses": project_status_labels(),
        "frequencies": frequency_labels(),
        "team_roles": team_role_labels(),
        "sides": side_labels(),
        "milestone_statuses": milestone_status_labels(),
        "report_statuses": report_status_labels(),
        "review_actions": review_action_labels(),
    }
