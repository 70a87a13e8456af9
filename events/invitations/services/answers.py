"""The recipient's side: finding the invitation behind a personal link, accepting or declining
it until it expires, and registering for the event from it; the events an organization
accepted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.access import Viewer
from core.audit import record
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, gettext
from events.invitations.services import clock
from events.invitations.services.tokens import belongs_to, is_well_formed, token_hash
from events.invitations.tables import Answer, Invitation
from events.services import registrations
from events.services.registrations import Person
from events.tables import Registration


async def by_token(token: str) -> dict[str, Any] | None:
    """The invitation behind a personal token, if the token is well-formed, known and still
    bound to that invitation's event and address; None otherwise (the page is a 404)."""
    if not is_well_formed(token):
        return None
    row = await Invitation.select().where(Invitation.token_hash == token_hash(token)).first()
    if row is None or not belongs_to(row, token):
        return None
    return row


def is_expired(invitation: dict[str, Any], now: datetime | None = None) -> bool:
    return clock.aware(invitation["expires_at"]) <= (now or clock.now())


async def live_registration(invitation: dict[str, Any]) -> dict[str, Any] | None:
    """The invitee's live registration for the event, if they have one (however made)."""
    return (
        await Registration.select(Registration.id, Registration.code, Registration.status)
        .where(Registration.active_key == f"{invitation['event']}:{invitation['email']}")
        .first()
    )


async def accept(invitation: dict[str, Any], client: str = "") -> None:
    """The recipient takes part; they may change their answer until the invitation expires.
    The token found this one invitation, so no other answer can be touched."""
    await _answer(invitation, Answer.accepted, client)


async def decline(invitation: dict[str, Any], client: str = "") -> None:
    """The recipient does not take part; someone registered cancels the registration instead."""
    if not is_expired(invitation) and await live_registration(invitation) is not None:
        raise ValidationFailed(
            {"": gettext("You are registered for this event: cancel the registration instead.")}
        )
    await _answer(invitation, Answer.declined, client)


async def _answer(invitation: dict[str, Any], choice: Answer, client: str) -> None:
    if is_expired(invitation):
        raise ValidationFailed({"": gettext("This invitation has expired.")})
    if invitation["answer"] == choice:
        return
    await Invitation.update({Invitation.answer: choice, Invitation.answered_at: clock.now()}).where(
        Invitation.id == invitation["id"]
    )
    await record(
        None,
        f"invitation.{choice.value}",
        "invitation",
        invitation["id"],
        client=client,
        before={"answer": invitation["answer"]},
        after={"answer": choice.value},
    )


def accepted_events(organization_id: int) -> Any:
    """The events an invitation to this organization was accepted for: a select of event ids
    (the organization takes part in them; events.services.participation)."""
    return Invitation.select(Invitation.event).where(
        (Invitation.organization == organization_id) & (Invitation.answer == Answer.accepted)
    )


def prefill(invitation: dict[str, Any], lang: str) -> dict[str, str]:
    """The registration form's initial values for an invitee: what the invitation knows."""
    language = invitation["language"] if invitation["language"] in LANGUAGES else lang
    return {"name": invitation["name"], "email": invitation["email"], "language": language}


async def register(
    invitation: dict[str, Any],
    name: str,
    language: str,
    answers: dict[str, Any],
    *,
    viewer: Viewer | None = None,
    client: str = "",
) -> int:
    """Register the invitee (at the invited address, which the form does not change), also
    where the event does not let individuals register themselves: the invitation is the
    organizers' own choice. Accepting is recorded with it."""
    if is_expired(invitation):
        raise ValidationFailed({"": gettext("This invitation has expired.")})
    user_id = invitation["user"]
    if viewer is not None and viewer.is_authenticated and viewer.email == invitation["email"]:
        user_id = viewer.id
    person = Person(name=name, email=invitation["email"], language=language, answers=answers)
    ids = await registrations.register(
        invitation["event"],
        [person],
        organization_id=invitation["organization"],
        user_id=user_id,
        client=client,
    )
    now = clock.now()
    await Invitation.update(
        {
            Invitation.registration: ids[0],
            Invitation.answer: Answer.accepted,
            Invitation.answered_at: invitation["answered_at"] or now,
        }
    ).where(Invitation.id == invitation["id"])
    if invitation["answer"] != Answer.accepted:
        await record(
            None,
            "invitation.accepted",
            "invitation",
            invitation["id"],
            client=client,
            before={"answer": invitation["answer"]},
            after={"answer": Answer.accepted.value, "registration": ids[0]},
        )
    return ids[0]
