"""Submissions to a call: drafted, edited and withdrawn by the applicant's organization while
the call is open, frozen once it closes. Every field is checked with a message in the reader's
language, and the deck too, before anything is written: a refused save leaves nothing."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import format_datetime, gettext, lazy_gettext
from core.tables import Organization
from core.translated_forms import check_length, row_form_values, source_language, translated
from core.uploads import UploadRefused
from core.vocabulary import FIELDS, labels
from events.roadshows.services import decks
from events.roadshows.services.calls import CURRENCIES, has_closed, is_open
from events.roadshows.services.moments import read_amount, read_int
from events.roadshows.tables import RoadshowCall, Submission, SubmissionStatus
from events.tables import Event

STAGES = {
    "idea": lazy_gettext("Idea or laboratory research"),
    "prototype": lazy_gettext("Prototype"),
    "pilot": lazy_gettext("Pilot production or field trials"),
    "market": lazy_gettext("On the market"),
}
IP_STATUSES = {
    "patent": lazy_gettext("Granted patents"),
    "application": lazy_gettext("Patent applications"),
    "none": lazy_gettext("No patents"),
}
SOUGHT = {
    "investment": lazy_gettext("Investment"),
    "licence": lazy_gettext("A licensee"),
    "partner": lazy_gettext("An industrial partner"),
    "pilot": lazy_gettext("A pilot site"),
}
LICENCE_TERMS = {
    "standard": lazy_gettext("A licence on usual terms"),
    "use_first_pay_later": lazy_gettext("Use first, pay later"),
}
STATUSES = {
    "draft": lazy_gettext("Draft"),
    "submitted": lazy_gettext("Submitted"),
    "withdrawn": lazy_gettext("Withdrawn"),
}
DECISIONS = {
    "pending": lazy_gettext("No decision yet"),
    "accepted": lazy_gettext("Accepted"),
    "waitlisted": lazy_gettext("On the waiting list"),
    "rejected": lazy_gettext("Not accepted"),
}
TEXT_FIELDS = ("title", "summary")
MAX_TEAM = 20
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def all_labels() -> dict[str, dict[str, str]]:
    return {
        "fields": labels(FIELDS),
        "stages": labels(STAGES),
        "ip_statuses": labels(IP_STATUSES),
        "sought": labels(SOUGHT),
        "licence_terms": labels(LICENCE_TERMS),
        "statuses": labels(STATUSES),
        "decisions": labels(DECISIONS),
    }


def new_code() -> str:
    return "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


# --- reading -------------------------------------------------------------------------------


async def open_calls(now: datetime | None = None) -> list[dict[str, Any]]:
    """Calls open now, with their event's slug, title and zone."""
    moment = now or datetime.now(UTC)
    return (
        await RoadshowCall.select(
            *RoadshowCall.all_columns(),
            RoadshowCall.event.slug.as_alias("slug"),
            RoadshowCall.event.title.as_alias("event_title"),
            RoadshowCall.event.timezone.as_alias("timezone"),
        )
        .output(load_json=True)
        .where((RoadshowCall.opens_at <= moment) & (RoadshowCall.closes_at > moment))
        .order_by(RoadshowCall.closes_at)
    )


async def of_organizations(viewer: Viewer) -> list[dict[str, Any]]:
    """The submissions of every organization the viewer acts for, newest first."""
    if not viewer.organization_ids:
        return []
    return (
        await Submission.select(
            *Submission.all_columns(),
            Submission.event.slug.as_alias("slug"),
            Submission.event.title.as_alias("event_title"),
            Submission.organization.name.as_alias("organization_name"),
        )
        .output(load_json=True)
        .where(Submission.organization.is_in(list(viewer.organization_ids)))
        .order_by(Submission.id, ascending=False)
    )


async def organizations_of(viewer: Viewer) -> list[dict[str, Any]]:
    if not viewer.organization_ids:
        return []
    return await Organization.select(Organization.id, Organization.name).where(
        Organization.id.is_in(list(viewer.organization_ids))
    )


def editable_now(call: dict[str, Any], submission: dict[str, Any] | None, now: datetime) -> None:
    """Refuse changes outside the call's window, or to a withdrawn submission."""
    if has_closed(call, now):
        raise ValidationFailed(
            {
                "": gettext(
                    "The call closed on %(moment)s; submissions can no longer change.",
                    moment=format_datetime(call["closes_at"], call["timezone"]),
                )
            }
        )
    if not is_open(call, now):
        raise ValidationFailed({"": gettext("The call is not open yet.")})
    if submission is not None and submission["status"] == SubmissionStatus.withdrawn.value:
        raise ValidationFailed({"": gettext("This submission was withdrawn.")})


def new_values() -> dict[str, Any]:
    return {
        "source_language": "zh",
        "trl": "4",
        "ip_status": "none",
        "stage": "prototype",
        "currency": "CNY",
        "sought": [],
    }


def form_values(row: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = row_form_values(row, TEXT_FIELDS)
    values.update(
        field=row["field"],
        trl=str(row["trl"]),
        ip_status=row["ip_status"],
        ip_numbers=row["ip_numbers"],
        stage=row["stage"],
        sought=list(row["sought"] or []),
        amount="" if row["amount"] is None else f"{row['amount']:f}",
        currency=row["currency"],
        licence_terms=row["licence_terms"],
        team="\n".join(
            f"{m['name']}, {m['role']}" if m.get("role") else m["name"] for m in row["team"] or []
        ),
        video_url=row["video_url"],
        organization=str(row["organization"]),
    )
    return values


# --- checking ------------------------------------------------------------------------------


def _team(raw: str, errors: dict[str, str]) -> list[dict[str, str]]:
    members = []
    for line in raw.splitlines():
        if not line.strip():
            continue
        name, role = _split_member(line)
        if len(name) > 200 or len(role) > 200:
            errors["team"] = gettext("Keep each name and role under 200 characters.")
        members.append({"name": name, "role": role})
    if len(members) > MAX_TEAM:
        errors["team"] = gettext("List at most %(num)d people.", num=MAX_TEAM)
    return members


def _split_member(line: str) -> tuple[str, str]:
    """ "Name, role" (or with ；， — between them) as its two parts."""
    parts = re.split(r"[,，;；—]", line, maxsplit=1)
    return parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""


def clean(
    data: dict[str, str],
    sought: list[str],
    call: dict[str, Any],
    viewer: Viewer,
    submission: dict[str, Any] | None = None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    source = source_language(data, errors)
    texts = {name: translated(data, name, source) for name in TEXT_FIELDS}
    check_length(texts["title"], "title", 200, errors)
    check_length(texts["summary"], "summary", 3000, errors)
    for name, content in texts.items():
        if not content:
            errors[f"{name}_{source}"] = gettext("Fill this in, in at least one language.")
    if data.get("field") not in (call["fields"] or []):
        errors["field"] = gettext("Choose one of the fields this call accepts.")
    ip_status = data.get("ip_status", "")
    if ip_status not in IP_STATUSES:
        errors["ip_status"] = gettext("Choose one of the options.")
    ip_numbers = data.get("ip_numbers", "")[:2000]
    if ip_status in ("patent", "application") and not ip_numbers.strip():
        errors["ip_numbers"] = gettext("List the patent or application numbers.")
    if data.get("stage") not in STAGES:
        errors["stage"] = gettext("Choose one of the options.")
    chosen = [key for key in SOUGHT if key in sought]
    if not chosen:
        errors["sought"] = gettext("Say what you are looking for.")
    amount = (
        read_amount(data.get("amount", ""), errors, required=True)
        if "investment" in chosen
        else None
    )
    currency = data.get("currency", "CNY")
    if currency not in CURRENCIES:
        errors["currency"] = gettext("Choose one of the options.")
    terms = data.get("licence_terms", "") if "licence" in chosen else ""
    if "licence" in chosen and terms not in LICENCE_TERMS:
        errors["licence_terms"] = gettext("Choose the licence terms you offer.")
    video = data.get("video_url", "").strip()
    if video and (not re.match(r"^https?://[^\s/]+\.[^\s]+$", video) or len(video) > 500):
        errors["video_url"] = gettext("Enter a web address starting with https://.")
    values = {
        "title": texts["title"].dump(),
        "summary": texts["summary"].dump(),
        "field": data.get("field", ""),
        "trl": read_int(data, "trl", 1, 9, errors),
        "ip_status": ip_status,
        "ip_numbers": ip_numbers.strip() if ip_status != "none" else "",
        "stage": data.get("stage", ""),
        "sought": chosen,
        "amount": amount,
        "currency": currency,
        "licence_terms": terms,
        "team": _team(data.get("team", ""), errors),
        "video_url": video,
    }
    if submission is None:
        values["organization"] = _organization(data, viewer, errors)
    if errors:
        raise ValidationFailed(errors)
    return values


def _organization(data: dict[str, str], viewer: Viewer, errors: dict[str, str]) -> int:
    if len(viewer.organization_ids) == 1:
        return next(iter(viewer.organization_ids))
    try:
        chosen = int(data.get("organization", ""))
    except ValueError:
        chosen = 0
    if not viewer.acts_for(chosen):
        errors["organization"] = gettext("Choose the organization you apply for.")
    return chosen


# --- saving --------------------------------------------------------------------------------


async def save(
    viewer: Viewer,
    call: dict[str, Any],
    data: dict[str, str],
    sought: list[str],
    deck: bytes | None,
    *,
    submission: dict[str, Any] | None = None,
    submit: bool = False,
    now: datetime | None = None,
    client: str = "",
) -> int:
    """Create or change a submission (a draft, or `submit` it). Returns its id."""
    moment = now or datetime.now(UTC)
    if not viewer.organization_ids and not viewer.is_admin:
        raise ValidationFailed(
            {"": gettext("Only accounts of an organization can submit projects.")}
        )
    editable_now(call, submission, moment)
    if submission is not None:
        require(viewer, "roadshow.submission.edit", submission)
    values = clean(data, sought, call, viewer, submission)
    kind = ""
    if deck:
        try:
            kind = decks.kind_of(deck)
        except UploadRefused as refusal:
            raise ValidationFailed({"deck": refusal.message}) from None
    elif submit and not (submission and submission["deck_file"]):
        raise ValidationFailed({"deck": gettext("Attach the pitch deck before submitting.")})
    stored = decks.store(deck, kind) if deck else ""
    try:
        async with write_transaction():
            submission_id = await _write(
                viewer, call, values, submission, stored, kind, submit, moment
            )
            await record(
                viewer,
                "roadshow.submission_submit" if submit else "roadshow.submission_save",
                "roadshow_submission",
                submission_id,
                client=client,
            )
    except BaseException:
        if stored:
            decks.remove(stored)
        raise
    if stored and submission and submission["deck_file"]:
        decks.remove(submission["deck_file"])
    return submission_id


async def _write(
    viewer: Viewer,
    call: dict[str, Any],
    values: dict[str, Any],
    submission: dict[str, Any] | None,
    stored: str,
    kind: str,
    submit: bool,
    moment: datetime,
) -> int:
    if stored:
        values.update(deck_file=stored, deck_kind=kind)
    if submit:
        values.update(status=SubmissionStatus.submitted.value, submitted_at=moment)
    values["updated_at"] = moment
    if submission is not None:
        await Submission.update(values).where(Submission.id == submission["id"])
        return int(submission["id"])
    row = Submission(
        call=call["id"],
        event=call["event"],
        submitted_by=viewer.id,
        language=viewer.language,
        code=new_code(),
        **values,
    )
    await row.save()
    return int(row.id)


async def withdraw(
    viewer: Viewer,
    call: dict[str, Any],
    submission: dict[str, Any],
    *,
    now: datetime | None = None,
    client: str = "",
) -> None:
    require(viewer, "roadshow.submission.edit", submission)
    editable_now(call, submission, now or datetime.now(UTC))
    async with write_transaction():
        await Submission.update(
            {
                Submission.status: SubmissionStatus.withdrawn.value,
                Submission.updated_at: now or datetime.now(UTC),
            }
        ).where(Submission.id == submission["id"])
        await record(
            viewer,
            "roadshow.submission_withdraw",
            "roadshow_submission",
            submission["id"],
            client=client,
        )


async def call_with_event(call_id: int) -> dict[str, Any]:
    """The call joined with its event's slug, title and zone."""
    row = (
        await RoadshowCall.select(
            *RoadshowCall.all_columns(),
            RoadshowCall.event.slug.as_alias("slug"),
            RoadshowCall.event.title.as_alias("event_title"),
            RoadshowCall.event.timezone.as_alias("timezone"),
        )
        .output(load_json=True)
        .where(RoadshowCall.id == call_id)
        .first()
    )
    assert row is not None
    return row


async def event_of(submission: dict[str, Any]) -> dict[str, Any]:
    row = await Event.select().where(Event.id == submission["event"]).first()
    assert row is not None
    return row


def title(row: dict[str, Any], lang: str) -> str:
    return Translated.load(row["title"]).show(lang).text


async def organization_row(organization_id: int) -> dict[str, Any] | None:
    return (
        await Organization.select(
            Organization.id, Organization.name, Organization.country, Organization.kind
        )
        .where(Organization.id == organization_id)
        .first()
    )
