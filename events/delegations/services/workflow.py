"""The review of a delegation: the coordinator submits it, the foreign-affairs office returns
it with comments or approves it, and records its arrival and departure; the head's protocol
rank, and the moment coordinators stop editing. Each step is audit-logged and mails the
people who act next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.access import Viewer
from core.audit import record
from core.errors import ValidationFailed
from core.i18n import gettext
from core.moments import read_moment
from events.delegations.services import mail
from events.delegations.services.members import link_registrations, readiness
from events.delegations.services.records import event_of, get, members
from events.delegations.services.states import (
    COORDINATOR_EDITS,
    S,
    ensure_editable,
    move,
    moved_already,
    now,
)
from events.delegations.services.vocabulary import PROTOCOL_RANKS
from events.delegations.tables import Delegation
from events.tables import Event


async def _moved(
    viewer: Viewer, delegation: dict[str, Any], action: str, target: S, client: str, **extra: Any
) -> None:
    await record(
        viewer,
        f"delegation.{action}",
        "delegation",
        delegation["id"],
        client=client,
        before={"status": delegation["status"]},
        after={"status": target.value, **extra},
    )


async def submit(viewer: Viewer, delegation: dict[str, Any], client: str = "") -> None:
    delegation = await get(delegation["id"]) or delegation
    event = await event_of(delegation)
    ensure_editable(viewer, delegation, event)
    problems = readiness(delegation, await members(delegation["id"]))
    if problems:
        raise ValidationFailed({"": " ".join(problems)})
    moment = now()
    if not await move(
        delegation["id"], COORDINATOR_EDITS, S.submitted, {Delegation.submitted_at: moment}
    ):
        raise moved_already()
    await _moved(viewer, delegation, "submit", S.submitted, client)
    for user in await mail.office_staff():
        await mail.send(delegation, event, user, "delegation_submitted", moment.isoformat())


async def return_delegation(
    viewer: Viewer, delegation: dict[str, Any], comment: str, client: str = ""
) -> None:
    comment = comment.strip()
    if not comment:
        raise ValidationFailed({"comment": gettext("Say what must change.")})
    if len(comment) > 4000:
        raise ValidationFailed({"comment": gettext("Use at most %(num)d characters.", num=4000)})
    moment = now()
    if not await move(
        delegation["id"],
        (S.submitted.value, S.approved.value),
        S.returned,
        {Delegation.fao_comment: comment, Delegation.returned_at: moment},
    ):
        raise moved_already()
    await _moved(viewer, delegation, "return", S.returned, client, comment=comment)
    event = await event_of(delegation)
    for user in await mail.coordinators(delegation["organization"]):
        await mail.send(
            delegation, event, user, "delegation_returned", moment.isoformat(), comment=comment
        )


async def approve(viewer: Viewer, delegation: dict[str, Any], client: str = "") -> None:
    moment = now()
    if not await move(
        delegation["id"], (S.submitted.value,), S.approved, {Delegation.approved_at: moment}
    ):
        raise moved_already()
    await link_registrations(delegation)
    await _moved(viewer, delegation, "approve", S.approved, client)
    event = await event_of(delegation)
    for user in await mail.coordinators(delegation["organization"]):
        await mail.send(delegation, event, user, "delegation_approved", moment.isoformat())


async def mark_arrived(viewer: Viewer, delegation: dict[str, Any], client: str = "") -> None:
    """The office records that the delegation has arrived."""
    if not await move(delegation["id"], (S.approved.value, S.letters_issued.value), S.arrived, {}):
        raise moved_already()
    await _moved(viewer, delegation, "arrived", S.arrived, client)


async def mark_departed(viewer: Viewer, delegation: dict[str, Any], client: str = "") -> None:
    """The office records that the delegation has left."""
    if not await move(delegation["id"], (S.arrived.value,), S.departed, {}):
        raise moved_already()
    await _moved(viewer, delegation, "departed", S.departed, client)


def next_steps(delegation: dict[str, Any]) -> list[str]:
    """The office's actions on a delegation in its current state (the page's buttons)."""
    return {
        S.submitted.value: ["approve", "return"],
        S.approved.value: ["letters", "arrived", "return"],
        S.letters_issued.value: ["letters", "arrived"],
        S.arrived.value: ["departed"],
    }.get(delegation["status"], [])


async def set_rank(viewer: Viewer, delegation: dict[str, Any], rank: str, client: str = "") -> None:
    event = await event_of(delegation)
    ensure_editable(viewer, delegation, event)
    if rank not in PROTOCOL_RANKS:
        raise ValidationFailed({"protocol_rank": gettext("Choose from the list.")})
    await Delegation.update({Delegation.protocol_rank: rank, Delegation.updated_at: now()}).where(
        Delegation.id == delegation["id"]
    )
    await record(
        viewer,
        "delegation.rank",
        "delegation",
        delegation["id"],
        client=client,
        before={"protocol_rank": delegation["protocol_rank"]},
        after={"protocol_rank": rank},
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def set_freeze(viewer: Viewer, event: dict[str, Any], raw: str, client: str = "") -> None:
    """When coordinators stop editing their delegations to this event ("" = at its start)."""
    errors: dict[str, str] = {}
    moment = read_moment({"freeze_at": raw}, "freeze_at", event["timezone"], errors)
    if errors:
        raise ValidationFailed(errors)
    if moment is not None and moment > event["ends_at"]:
        raise ValidationFailed({"freeze_at": gettext("Choose a moment before the event ends.")})
    await Event.update({Event.delegations_freeze_at: moment}).where(Event.id == event["id"])
    await record(
        viewer,
        "event.delegations_freeze",
        "event",
        event["id"],
        client=client,
        before={"delegations_freeze_at": _iso(event["delegations_freeze_at"])},
        after={"delegations_freeze_at": _iso(moment)},
    )
