"""The words of the event core: kinds, statuses, registration statuses, question kinds and
the event form's fields, each translated when shown."""

from __future__ import annotations

from core.i18n import lazy_gettext
from core.vocabulary import labels
from events.tables import EventKind, EventStatus, QuestionKind, RegistrationStatus, SessionKind

KIND_LABELS = {
    EventKind.conference: lazy_gettext("Conference"),
    EventKind.forum: lazy_gettext("Forum"),
    EventKind.roadshow: lazy_gettext("Roadshow"),
    EventKind.matchmaking: lazy_gettext("Matchmaking session"),
}
STATUS_LABELS = {
    EventStatus.draft: lazy_gettext("Draft"),
    EventStatus.published: lazy_gettext("Published"),
    EventStatus.registration_open: lazy_gettext("Registration open"),
    EventStatus.registration_closed: lazy_gettext("Registration closed"),
    EventStatus.finished: lazy_gettext("Finished"),
    EventStatus.archived: lazy_gettext("Archived"),
}
FIELD_LABELS = {
    "title": lazy_gettext("Title"),
    "summary": lazy_gettext("Summary"),
    "description": lazy_gettext("Description"),
    "venue": lazy_gettext("Venue and address"),
    "city": lazy_gettext("City"),
}
REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.pending: lazy_gettext("Waiting for approval"),
    RegistrationStatus.confirmed: lazy_gettext("Confirmed"),
    RegistrationStatus.waitlisted: lazy_gettext("On the waiting list"),
    RegistrationStatus.offered: lazy_gettext("Seat offered"),
    RegistrationStatus.rejected: lazy_gettext("Rejected"),
    RegistrationStatus.cancelled: lazy_gettext("Cancelled"),
}
QUESTION_KIND_LABELS = {
    QuestionKind.text: lazy_gettext("Short text"),
    QuestionKind.long_text: lazy_gettext("Long text"),
    QuestionKind.single: lazy_gettext("Single choice"),
    QuestionKind.multiple: lazy_gettext("Multiple choice"),
    QuestionKind.yes_no: lazy_gettext("Yes or no"),
    QuestionKind.country: lazy_gettext("Country"),
    QuestionKind.date: lazy_gettext("Date"),
}


def kind_labels() -> dict[str, str]:
    return labels(KIND_LABELS)


def status_labels() -> dict[str, str]:
    return labels(STATUS_LABELS)


def registration_status_labels() -> dict[str, str]:
    return labels(REGISTRATION_STATUS_LABELS)


def question_kind_labels() -> dict[str, str]:
    return labels(QUESTION_KIND_LABELS)


SESSION_KIND_LABELS = {
    SessionKind.plenary: lazy_gettext("Plenary session"),
    SessionKind.panel: lazy_gettext("Panel discussion"),
    SessionKind.roadshow_slot: lazy_gettext("Roadshow slot"),
    SessionKind.signing: lazy_gettext("Signing ceremony"),
    SessionKind.visit: lazy_gettext("Visit"),
    SessionKind.matchmaking: lazy_gettext("Matchmaking"),
    SessionKind.break_: lazy_gettext("Break"),
}


def session_kind_labels() -> dict[str, str]:
    return labels(SESSION_KIND_LABELS)
