"""The words of invitations: how a recipient was chosen, their answer, the delivery of their
mail and the state of a sending, each translated when shown."""

from __future__ import annotations

from core.i18n import lazy_gettext
from core.tables import OutboxStatus
from core.vocabulary import labels
from events.invitations.tables import Answer, CampaignStatus, Kind

WAITING = "waiting"  # an invitation whose mail is not in the outbox yet

KIND_LABELS = {
    Kind.organization: lazy_gettext("Partner organization"),
    Kind.account: lazy_gettext("Account"),
    Kind.listed: lazy_gettext("From a list"),
}
ANSWER_LABELS = {
    Answer.pending: lazy_gettext("No answer yet"),
    Answer.accepted: lazy_gettext("Accepted"),
    Answer.declined: lazy_gettext("Declined"),
}
DELIVERY_LABELS = {
    WAITING: lazy_gettext("Being prepared"),
    OutboxStatus.queued.value: lazy_gettext("Queued"),
    OutboxStatus.sending.value: lazy_gettext("Sending"),
    OutboxStatus.sent.value: lazy_gettext("Sent"),
    OutboxStatus.failed.value: lazy_gettext("Failed"),
}
# The same groups counted in a draft's summary.
KIND_COUNT_LABELS = {
    Kind.organization: lazy_gettext("Coordinators of partner organizations"),
    Kind.account: lazy_gettext("People with accounts"),
    Kind.listed: lazy_gettext("People from lists"),
}
CAMPAIGN_STATUS_LABELS = {
    CampaignStatus.draft: lazy_gettext("Draft"),
    CampaignStatus.sending: lazy_gettext("Sending"),
    CampaignStatus.sent: lazy_gettext("Sent"),
}


def kind_labels() -> dict[str, str]:
    return labels(KIND_LABELS)


def kind_count_labels() -> dict[str, str]:
    return labels(KIND_COUNT_LABELS)


def answer_labels() -> dict[str, str]:
    return labels(ANSWER_LABELS)


def delivery_labels() -> dict[str, str]:
    return labels(DELIVERY_LABELS)


def campaign_status_labels() -> dict[str, str]:
    return labels(CAMPAIGN_STATUS_LABELS)
