"""Drafts of a sending: the organizer's recipients, text and schedule, checked as a whole
(nothing is kept while anything is wrong), saved, changed, discarded and summarised."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from core import i18n
from core.access import Viewer
from core.audit import record
from core.content import json_value, plain_text
from core.errors import ValidationFailed
from core.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, gettext
from core.moments import local_input, read_moment
from core.tables import Organization
from events.invitations.services import clock
from events.invitations.services.lists import RowProblem, check_lists, file_rows, pasted_rows
from events.invitations.services.recipients import (
    Recipient,
    from_accounts,
    from_organizations,
    merged,
    stored,
)
from events.invitations.services.texts import text_values, translated
from events.invitations.tables import CampaignStatus, Invitation, InvitationCampaign, Kind

MAX_RECIPIENTS = 20_000
MAX_REMINDERS = 3
SUBJECT_LIMIT = 200
MESSAGE_LIMIT = 5000
SHOWN_PROBLEMS = 200  # bad rows listed on the form; the count says how many more


class RecipientsRefused(ValidationFailed):
    """The form's errors, plus every bad row of the lists: nothing is saved."""

    def __init__(self, errors: dict[str, str], problems: list[RowProblem]) -> None:
        super().__init__(errors)
        self.problems = problems


@dataclass
class DraftInput:
    """What the organizer submitted: the form's fields, chosen organizations and accounts,
    and an uploaded file if any."""

    data: dict[str, str]
    organizations: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    file_name: str = ""
    file_content: bytes | None = None


def schedule(
    event: dict[str, Any], data: dict[str, str], errors: dict[str, str]
) -> tuple[datetime, list[datetime]]:
    zone = event["timezone"]
    now = clock.now()
    expires = read_moment(data, "expires_at", zone, errors) or clock.aware(event["starts_at"])
    if "expires_at" not in errors:
        if expires <= now:
            errors["expires_at"] = gettext("Choose a moment in the future.")
        elif expires > clock.aware(event["ends_at"]):
            errors["expires_at"] = gettext("Answers cannot be due after the event has ended.")
    rounds: list[datetime] = []
    for number in range(1, MAX_REMINDERS + 1):
        name = f"reminder_{number}"
        moment = read_moment(data, name, zone, errors)
        if moment is None:
            continue
        if moment <= now:
            errors[name] = gettext("Choose a moment in the future.")
        elif moment >= expires:
            errors[name] = gettext("Reminders go before answers are due.")
        else:
            rounds.append(moment)
    return expires, sorted(set(rounds))


async def _check(
    event: dict[str, Any], submitted: DraftInput
) -> tuple[list[Recipient], dict[str, Any]]:
    """Every check of a draft; RecipientsRefused lists what is wrong, and nothing is kept."""
    data = submitted.data
    errors: dict[str, str] = {}
    lists = [pasted_rows(data.get("people", ""))]
    if submitted.file_content is not None:
        try:
            lists.append(file_rows(submitted.file_name or "?", submitted.file_content))
        except ValueError as error:
            errors["people_file"] = str(error)
    listed, problems = check_lists(lists)
    if problems:
        errors["people"] = _problems_sentence(len(problems))
    groups = [
        await from_organizations(submitted.organizations, errors),
        await from_accounts(submitted.users, errors),
        listed,
    ]
    recipients, repeats = merged(groups)
    if not recipients and not errors:
        errors[""] = gettext("Choose at least one recipient.")
    if len(recipients) > MAX_RECIPIENTS:
        errors[""] = gettext(
            "At most %(limit)s people can be invited at once.",
            limit=i18n.format_number(MAX_RECIPIENTS),
        )
    source = data.get("source_language", "zh")
    subject = translated(data, "subject", source)
    message = translated(data, "message", source)
    for lang in LANGUAGES:
        if len(subject.text.get(lang, "")) > SUBJECT_LIMIT:
            errors[f"subject_{lang}"] = gettext("Use at most %(num)d characters.", num=200)
        if len(message.text.get(lang, "")) > MESSAGE_LIMIT:
            errors[f"message_{lang}"] = gettext("Use at most %(num)d characters.", num=5000)
    needed = sorted({person.language for person in recipients}, key=LANGUAGES.index)
    if not recipients:
        needed = [source if source in LANGUAGES else "zh"]
    for lang in needed:
        count = sum(1 for person in recipients if person.language == lang)
        for name, content in (("subject", subject), ("message", message)):
            if lang not in content.text:
                errors.setdefault(
                    f"{name}_{lang}",
                    i18n.ngettext(
                        "%(num)d recipient reads %(language)s: write this in it too.",
                        "%(num)d recipients read %(language)s: write this in it too.",
                        count,
                        language=LANGUAGE_NAMES[lang],
                    )
                    if count
                    else gettext("Write this in the language it is written first in."),
                )
    expires, rounds = schedule(event, data, errors)
    if errors:
        raise RecipientsRefused(errors, problems)
    values = {
        "subject": subject.dump(),
        "message": message.dump(),
        "recipients": [asdict(person) for person in recipients],
        "planned": len(recipients),
        "expires_at": expires,
        "reminders": [moment.isoformat() for moment in rounds],
    }
    return recipients, {**values, "merged": repeats}


def _problems_sentence(count: int) -> str:
    return i18n.ngettext(
        "%(num)d row of the list has a problem: correct it and check again. Nothing was saved.",
        "%(num)d rows of the lists have problems: correct them and check again. Nothing was saved.",
        count,
    )


async def create_draft(
    actor: Viewer, event: dict[str, Any], submitted: DraftInput, client: str = ""
) -> int:
    """A checked draft, ready to preview and send. Raises RecipientsRefused."""
    _recipients, values = await _check(event, submitted)
    merged = values.pop("merged")
    inserted = await InvitationCampaign.insert(
        InvitationCampaign(event=event["id"], created_by=actor.id, **values)
    ).returning(InvitationCampaign.id)
    campaign_id = inserted[0]["id"]
    await record(
        actor,
        "invitation.draft",
        "event",
        event["id"],
        client=client,
        after={"campaign": campaign_id, "recipients": values["planned"], "merged": merged},
    )
    return campaign_id


async def update_draft(
    actor: Viewer,
    event: dict[str, Any],
    campaign: dict[str, Any],
    submitted: DraftInput,
    client: str = "",
) -> None:
    _recipients, values = await _check(event, submitted)
    values.pop("merged")
    updated = (
        await InvitationCampaign.update(
            {getattr(InvitationCampaign, key): value for key, value in values.items()}
        )
        .where(
            (InvitationCampaign.id == campaign["id"])
            & (InvitationCampaign.status == CampaignStatus.draft)
        )
        .returning(InvitationCampaign.id)
    )
    if not updated:
        raise ValidationFailed({"": gettext("This invitation has already been sent.")})
    await record(
        actor,
        "invitation.draft_update",
        "event",
        event["id"],
        client=client,
        after={"campaign": campaign["id"], "recipients": values["planned"]},
    )


async def discard_draft(
    actor: Viewer, event: dict[str, Any], campaign: dict[str, Any], client: str = ""
) -> None:
    deleted = (
        await InvitationCampaign.delete()
        .where(
            (InvitationCampaign.id == campaign["id"])
            & (InvitationCampaign.status == CampaignStatus.draft)
        )
        .returning(InvitationCampaign.id)
    )
    if not deleted:
        raise ValidationFailed({"": gettext("This invitation has already been sent.")})
    await record(
        actor,
        "invitation.discard",
        "event",
        event["id"],
        client=client,
        after={"campaign": campaign["id"]},
    )


def draft_form_values(event: dict[str, Any], campaign: dict[str, Any]) -> dict[str, Any]:
    """A draft back in its form: the text, the schedule, the chosen organizations and accounts,
    and every listed person as a line of the pasted list."""
    values: dict[str, Any] = text_values(campaign)
    values["expires_at"] = local_input(campaign["expires_at"], event["timezone"])
    for number, moment in enumerate(json_value(campaign["reminders"], []), start=1):
        values[f"reminder_{number}"] = local_input(
            datetime.fromisoformat(moment), event["timezone"]
        )
    people = stored(json_value(campaign["recipients"], []))
    values["people"] = "\n".join(
        f"{p.name}, {p.email}, {p.language}" for p in people if p.kind == Kind.listed
    )
    return values


async def draft_choices(campaign: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The organizations (slugs) and accounts (ids) a draft was made with."""
    people = stored(json_value(campaign["recipients"], []))
    organization_ids = sorted({p.organization for p in people if p.organization})
    slugs = (
        [
            row["slug"]
            for row in await Organization.select(Organization.slug).where(
                Organization.id.is_in(organization_ids)
            )
        ]
        if organization_ids
        else []
    )
    users = [str(p.user) for p in people if p.kind == Kind.account and p.user]
    return slugs, users


async def draft_summary(event: dict[str, Any], campaign: dict[str, Any]) -> dict[str, Any]:
    """Who a draft goes to: counts by kind and language, and who is skipped because they
    already have an invitation to this event."""
    people = stored(json_value(campaign["recipients"], []))
    invited = {
        row["email"]
        for row in await Invitation.select(Invitation.email).where(Invitation.event == event["id"])
    }
    skipped = [p for p in people if p.email in invited]
    new = [p for p in people if p.email not in invited]
    names = {
        row["id"]: plain_text(row["name"], current_language())
        for row in await Organization.select(Organization.id, Organization.name).where(
            Organization.id.is_in(sorted({p.organization for p in people if p.organization}) or [0])
        )
    }
    return {
        "total": len(new),
        "by_kind": Counter(p.kind for p in new),
        "by_language": Counter(p.language for p in new),
        "organizations": sorted({names.get(p.organization, "") for p in new if p.organization}),
        "skipped": skipped,
        "sample": new[:100],
        "organization_names": names,
    }
