"""Registrations: signing people up, the waiting list and its offers, approval, cancelling,
editing answers and checking in at the door.

Mail is queued only after the transaction that decided it has committed, so a worker never
looks for a message whose registration does not exist yet.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core import outbox
from core.access import Viewer
from core.accounts import email_problem, normalize_email
from core.audit import record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, gettext
from events.services import answers as answer_rules
from events.services import mail_context, seats
from events.tables import (
    Event,
    EventStatus,
    OfferStatus,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    WaitlistOffer,
)

LIVE = (
    RegistrationStatus.pending,
    RegistrationStatus.confirmed,
    RegistrationStatus.waitlisted,
    RegistrationStatus.offered,
)


@dataclass
class Person:
    """One person to register, as typed into a form."""

    name: str
    email: str
    language: str = "zh"
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Mails:
    """Messages decided inside a transaction, queued once it has committed."""

    items: list[tuple[int, str]] = field(default_factory=list)

    def add(self, registration_id: int, template: str) -> None:
        self.items.append((registration_id, template))

    async def send(self) -> None:
        for registration_id, template in self.items:
            await queue_registration_mail(registration_id, template)


def _now() -> datetime:
    return datetime.now(UTC)


def registration_is_open(event: dict[str, Any], now: datetime | None = None) -> bool:
    now = now or _now()
    if event["status"] != EventStatus.registration_open:
        return False
    if event["registration_opens_at"] and now < event["registration_opens_at"]:
        return False
    return not (event["registration_closes_at"] and now >= event["registration_closes_at"])


def edits_allowed(event: dict[str, Any], now: datetime | None = None) -> bool:
    limit = event["edits_until"] or event["registration_closes_at"] or event["starts_at"]
    return (now or _now()) < limit


async def _event(event_id: int) -> dict[str, Any]:
    event = await Event.select().where(Event.id == event_id).first()
    if event is None:
        raise ValidationFailed({"": gettext("This event does not exist.")})
    return event


def _clean_person(
    person: Person, questions: list[dict[str, Any]], prefix: str = ""
) -> tuple[Person, dict[str, str]]:
    errors: dict[str, str] = {}
    name = " ".join(person.name.split())
    email = normalize_email(person.email)
    if not name:
        errors[f"{prefix}name"] = gettext("Enter the name.")
    elif len(name) > 200:
        errors[f"{prefix}name"] = gettext("Use at most %(num)d characters.", num=200)
    if problem := email_problem(email):
        errors[f"{prefix}email"] = problem
    language = person.language if person.language in LANGUAGES else "zh"
    answers, answer_errors = answer_rules.clean(questions, person.answers)
    errors.update({f"{prefix}{key}": message for key, message in answer_errors.items()})
    return Person(name=name, email=email, language=language, answers=answers), errors


async def _place(event: dict[str, Any], organization_id: int | None) -> tuple[str, str]:
    """The status and seat a new (or newly approved) registration gets."""
    if event["approval_required"]:
        return RegistrationStatus.pending.value, ""
    seat = await seats.take(event, organization_id)
    return (
        RegistrationStatus.confirmed.value if seat else RegistrationStatus.waitlisted.value
    ), seat


async def register(
    event_id: int,
    people: list[Person],
    *,
    organization_id: int | None = None,
    actor: Viewer | None = None,
    user_id: int | None = None,
    client: str = "",
) -> list[int]:
    """Register one or several people at once: all of them, or (on any error) none.
    Each gets a seat, a place on the waiting list, or waits for approval."""
    event = await _event(event_id)
    if not registration_is_open(event):
        raise ValidationFailed({"": gettext("Registration for this event is not open.")})
    questions = (
        await RegistrationQuestion.select()
        .where(RegistrationQuestion.event == event_id)
        .order_by(RegistrationQuestion.position)
    )
    cleaned: list[Person] = []
    errors: dict[str, str] = {}
    for index, person in enumerate(people):
        prefix = f"{index}." if len(people) > 1 else ""
        person, problems = _clean_person(person, questions, prefix)
        cleaned.append(person)
        errors.update(problems)
    emails = [person.email for person in cleaned]
    duplicates = {email for email in emails if emails.count(email) > 1}
    for index, person in enumerate(cleaned):
        if person.email in duplicates:
            errors[f"{index}.email"] = gettext("This person is listed twice.")
    if errors:
        raise ValidationFailed(errors)

    mails = Mails()
    ids: list[int] = []
    try:
        ids = await _save_people(
            event,
            cleaned,
            organization_id=organization_id,
            actor=actor,
            user_id=user_id,
            mails=mails,
        )
    except ValidationFailed:
        raise
    except Exception as error:
        # Two submissions of the same person at once both pass the check in `_save_people`
        # on PostgreSQL; the unique `active_key` refuses the second, which is the same refusal.
        if "active_key" not in str(error):
            raise
        raise _already_registered(cleaned, {person.email for person in cleaned}) from error
    await mails.send()
    if actor is not None:
        await record(
            actor,
            "registration.create",
            "event",
            event_id,
            client=client,
            after={"registrations": ids, "organization": organization_id},
        )
    return ids


def _already_registered(people: list[Person], emails: set[str]) -> ValidationFailed:
    """The refusal for people who already hold a live registration: on their rows' e-mail
    fields, and once for the whole form."""
    errors = {
        "": gettext(
            "Already registered for this event: %(emails)s", emails=", ".join(sorted(emails))
        )
    }
    for index, person in enumerate(people):
        if person.email in emails:
            prefix = f"{index}." if len(people) > 1 else ""
            errors[f"{prefix}email"] = gettext(
                "This e-mail address is already registered for this event."
            )
    return ValidationFailed(errors)


async def _save_people(
    event: dict[str, Any],
    cleaned: list[Person],
    *,
    organization_id: int | None,
    actor: Viewer | None,
    user_id: int | None,
    mails: Mails,
) -> list[int]:
    event_id = event["id"]
    ids: list[int] = []
    async with write_transaction():
        taken = await Registration.select(Registration.email).where(
            Registration.active_key.is_in([f"{event_id}:{person.email}" for person in cleaned])
        )
        if taken:
            raise _already_registered(cleaned, {row["email"] for row in taken})
        for person in cleaned:
            status, seat = await _place(event, organization_id)
            now = _now()
            registration = Registration(
                event=event_id,
                code=secrets.token_urlsafe(18),
                status=status,
                seat=seat,
                organization=organization_id,
                user=user_id if len(cleaned) == 1 else None,
                registered_by=actor.id if actor else None,
                name=person.name,
                email=person.email,
                language=person.language,
                answers=person.answers,
                active_key=f"{event_id}:{person.email}",
                waitlisted_at=now if status == RegistrationStatus.waitlisted else None,
                confirmed_at=now if status == RegistrationStatus.confirmed else None,
            )
            await registration.save()
            ids.append(registration.id)
            mails.add(registration.id, f"registration_{status}")
    return ids


async def offer_free_seats(event_id: int, mails: Mails) -> None:
    """Offer freed seats to the waiting list, first come first served; each offer holds its
    seat until it is answered or expires."""
    event = await _event(event_id)
    waiting = (
        await Registration.select(Registration.id, Registration.organization)
        .where(
            (Registration.event == event_id)
            & (Registration.status == RegistrationStatus.waitlisted)
        )
        .order_by(Registration.waitlisted_at)
        .order_by(Registration.id)
    )
    expires = _now() + timedelta(hours=event["offer_hours"])
    for candidate in waiting:
        seat = await seats.take(event, candidate["organization"])
        if not seat:
            if candidate["organization"] is None:
                break  # the general seats are gone; only quota holders could still move up
            continue
        await Registration.update(
            {
                Registration.status: RegistrationStatus.offered.value,
                Registration.seat: seat,
                Registration.offer_expires_at: expires,
                Registration.updated_at: _now(),
            }
        ).where(Registration.id == candidate["id"])
        await WaitlistOffer(registration=candidate["id"], expires_at=expires).save()
        mails.add(candidate["id"], "registration_offered")


async def _end(registration: dict[str, Any], status: str, reason: str = "") -> None:
    await seats.release(registration["event"], registration["organization"], registration["seat"])
    await Registration.update(
        {
            Registration.status: status,
            Registration.seat: "",
            Registration.active_key: None,
            Registration.reason: reason,
            Registration.offer_expires_at: None,
            Registration.updated_at: _now(),
        }
    ).where(Registration.id == registration["id"])


async def _live(registration_id: int) -> dict[str, Any]:
    registration = await Registration.select().where(Registration.id == registration_id).first()
    if registration is None or registration["status"] not in LIVE:
        raise ValidationFailed({"": gettext("This registration is no longer active.")})
    return registration


async def cancel(registration_id: int, actor: Viewer | None = None, client: str = "") -> None:
    """The registrant (or an organizer) cancels; a freed seat goes to the waiting list."""
    mails = Mails()
    async with write_transaction():
        registration = await _live(registration_id)
        await _end(registration, RegistrationStatus.cancelled.value)
        await _close_open_offer(registration_id, OfferStatus.declined)
        await offer_free_seats(registration["event"], mails)
    mails.add(registration_id, "registration_cancelled")
    await mails.send()
    await record(
        actor,
        "registration.cancel",
        "registration",
        registration_id,
        client=client,
        before={"status": registration["status"]},
        after={"status": "cancelled"},
    )


async def accept_offer(registration_id: int) -> None:
    async with write_transaction():
        registration = await _live(registration_id)
        if (
            registration["status"] != RegistrationStatus.offered
            or registration["offer_expires_at"] <= _now()
        ):
            raise ValidationFailed({"": gettext("This offer is no longer open.")})
        await Registration.update(
            {
                Registration.status: RegistrationStatus.confirmed.value,
                Registration.offer_expires_at: None,
                Registration.confirmed_at: _now(),
                Registration.updated_at: _now(),
            }
        ).where(Registration.id == registration_id)
        await _close_open_offer(registration_id, OfferStatus.accepted)
    await queue_registration_mail(registration_id, "registration_confirmed")


async def expire_offers(now: datetime | None = None) -> int:
    """Offers nobody answered in time lapse, and their seats go to the next in line."""
    now = now or _now()
    expired = await Registration.select(Registration.id, Registration.event).where(
        (Registration.status == RegistrationStatus.offered) & (Registration.offer_expires_at < now)
    )
    for row in expired:
        mails = Mails()
        async with write_transaction():
            registration = await Registration.select().where(Registration.id == row["id"]).first()
            if registration is None or registration["status"] != RegistrationStatus.offered:
                continue
            await _end(registration, RegistrationStatus.cancelled.value, "offer expired")
            await _close_open_offer(row["id"], OfferStatus.expired)
            await offer_free_seats(row["event"], mails)
        mails.add(row["id"], "registration_offer_expired")
        await mails.send()
    return len(expired)


async def _close_open_offer(registration_id: int, status: OfferStatus) -> None:
    await WaitlistOffer.update(
        {WaitlistOffer.status: status.value, WaitlistOffer.answered_at: _now()}
    ).where(
        (WaitlistOffer.registration == registration_id) & (WaitlistOffer.status == OfferStatus.open)
    )


async def approve(registration_id: int, actor: Viewer, client: str = "") -> str:
    """An organizer accepts a pending registration: a seat if one is free, else the list."""
    async with write_transaction():
        registration = await _live(registration_id)
        if registration["status"] != RegistrationStatus.pending:
            raise ValidationFailed(
                {"": gettext("Only registrations waiting for approval can be approved.")}
            )
        event = await _event(registration["event"])
        seat = await seats.take(event, registration["organization"])
        status = RegistrationStatus.confirmed.value if seat else RegistrationStatus.waitlisted.value
        now = _now()
        await Registration.update(
            {
                Registration.status: status,
                Registration.seat: seat,
                Registration.confirmed_at: now if seat else None,
                Registration.waitlisted_at: None if seat else now,
                Registration.updated_at: now,
            }
        ).where(Registration.id == registration_id)
    await queue_registration_mail(registration_id, f"registration_{status}")
    await record(
        actor,
        "registration.approve",
        "registration",
        registration_id,
        client=client,
        before={"status": "pending"},
        after={"status": status},
    )
    return status


async def reject(registration_id: int, actor: Viewer, reason: str, client: str = "") -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": gettext("Give the registrant a reason.")})
    mails = Mails()
    async with write_transaction():
        registration = await _live(registration_id)
        await _end(registration, RegistrationStatus.rejected.value, reason[:2000])
        await _close_open_offer(registration_id, OfferStatus.declined)
        if registration["seat"]:
            await offer_free_seats(registration["event"], mails)
    mails.add(registration_id, "registration_rejected")
    await mails.send()
    await record(
        actor,
        "registration.reject",
        "registration",
        registration_id,
        client=client,
        before={"status": registration["status"]},
        after={"status": "rejected", "reason": reason},
    )


async def _waitlisted(registration_id: int) -> dict[str, Any]:
    registration = await _live(registration_id)
    if registration["status"] != RegistrationStatus.waitlisted:
        raise ValidationFailed(
            {"": gettext("Only people on the waiting list can be moved up or offered a seat.")}
        )
    return registration


async def move_to_top(registration_id: int, actor: Viewer, client: str = "") -> None:
    """An organizer puts someone first in the waiting list: the next freed seat is offered to
    them. The list is ordered by `waitlisted_at`, so they get a moment before the first one's
    (the audit entry keeps the original)."""
    async with write_transaction():
        registration = await _waitlisted(registration_id)
        first = (
            await Registration.select(Registration.waitlisted_at)
            .where(
                (Registration.event == registration["event"])
                & (Registration.status == RegistrationStatus.waitlisted)
                & (Registration.id != registration_id)
            )
            .order_by(Registration.waitlisted_at)
            .first()
        )
        before = registration["waitlisted_at"]
        if first is None or first["waitlisted_at"] is None or before < first["waitlisted_at"]:
            return  # already first in line
        moved = first["waitlisted_at"] - timedelta(seconds=1)
        await Registration.update(
            {Registration.waitlisted_at: moved, Registration.updated_at: _now()}
        ).where(Registration.id == registration_id)
    await record(
        actor,
        "registration.move_to_top",
        "registration",
        registration_id,
        client=client,
        before={"waitlisted_at": before.isoformat()},
        after={"waitlisted_at": moved.isoformat()},
    )


async def offer_seat_now(registration_id: int, actor: Viewer, client: str = "") -> None:
    """An organizer offers a free seat to someone on the waiting list out of turn (after
    raising the capacity, say). The seat is taken through `seats.take` like any other, so
    when none is free for this person nothing changes and they are told why."""
    mails = Mails()
    async with write_transaction():
        registration = await _waitlisted(registration_id)
        event = await _event(registration["event"])
        seat = await seats.take(event, registration["organization"])
        if not seat:
            raise ValidationFailed(
                {"": gettext("No seat is free for this person, so no offer was made.")}
            )
        expires = _now() + timedelta(hours=event["offer_hours"])
        await Registration.update(
            {
                Registration.status: RegistrationStatus.offered.value,
                Registration.seat: seat,
                Registration.offer_expires_at: expires,
                Registration.updated_at: _now(),
            }
        ).where(Registration.id == registration_id)
        await WaitlistOffer(registration=registration_id, expires_at=expires).save()
        mails.add(registration_id, "registration_offered")
    await mails.send()
    await record(
        actor,
        "registration.offer",
        "registration",
        registration_id,
        client=client,
        before={"status": "waitlisted"},
        after={"status": "offered", "seat": seat, "offer_expires_at": expires.isoformat()},
    )


async def update_answers(
    registration_id: int, raw: dict[str, Any], actor: Viewer | None = None
) -> None:
    registration = await _live(registration_id)
    event = await _event(registration["event"])
    if not edits_allowed(event):
        raise ValidationFailed({"": gettext("Answers can no longer be changed for this event.")})
    questions = await RegistrationQuestion.select().where(RegistrationQuestion.event == event["id"])
    answers, errors = answer_rules.clean(questions, raw)
    if errors:
        raise ValidationFailed(errors)
    await Registration.update(
        {Registration.answers: answers, Registration.updated_at: _now()}
    ).where(Registration.id == registration_id)
    await record(
        actor,
        "registration.answers",
        "registration",
        registration_id,
        before={"answers": registration["answers"]},
        after={"answers": answers},
    )


@dataclass(frozen=True)
class CheckIn:
    outcome: str  # "checked_in", "already", "not_confirmed", "unknown"
    registration: dict[str, Any] | None = None


async def check_in(event_id: int, code: str, actor: Viewer) -> CheckIn:
    """Admit a confirmed registrant once; a second scan says when the code was used."""
    registration = (
        await Registration.select()
        .where((Registration.code == code.strip()) & (Registration.event == event_id))
        .first()
    )
    if registration is None:
        return CheckIn("unknown")
    if registration["status"] != RegistrationStatus.confirmed:
        return CheckIn("not_confirmed", registration)
    admitted = (
        await Registration.update(
            {Registration.checked_in_at: _now(), Registration.checked_in_by: actor.id}
        )
        .where((Registration.id == registration["id"]) & Registration.checked_in_at.is_null())
        .returning(Registration.checked_in_at)
    )
    if not admitted:
        fresh = await Registration.select().where(Registration.id == registration["id"]).first()
        return CheckIn("already", fresh)
    registration["checked_in_at"] = admitted[0]["checked_in_at"]
    return CheckIn("checked_in", registration)


async def queue_registration_mail(registration_id: int, template: str) -> None:
    """Queue one registration message with everything it shows (see `mail_context`)."""
    registration = await Registration.select().where(Registration.id == registration_id).first()
    if registration is None:
        return
    event = await _event(registration["event"])
    position = (
        await waitlist_position(registration)
        if registration["status"] == RegistrationStatus.waitlisted
        else None
    )
    await outbox.queue_mail(
        # Each message kind goes to a registration at most once: its states only move forward.
        key=f"{template}:{registration_id}",
        recipient=registration["email"],
        language=registration["language"],
        template=template,
        context=await mail_context.build(registration, event, template, position=position),
        secret_keys=("code", "manage_link"),
    )


# --- the registrant's side: their place in line, who may see a registration, their lists ---


async def waitlist_position(registration: dict[str, Any]) -> int | None:
    """1 for the next in line; None when not on the waiting list. The list runs in the order
    `offer_free_seats` follows (waitlisted_at, then id)."""
    if registration["status"] != RegistrationStatus.waitlisted or not registration["waitlisted_at"]:
        return None
    same_event = (Registration.event == registration["event"]) & (
        Registration.status == RegistrationStatus.waitlisted
    )
    ahead = same_event & (
        (Registration.waitlisted_at < registration["waitlisted_at"])
        | (
            (Registration.waitlisted_at == registration["waitlisted_at"])
            & (Registration.id < registration["id"])
        )
    )
    return await Registration.count().where(ahead) + 1
