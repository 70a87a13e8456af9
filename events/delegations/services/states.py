"""A delegation's states and who may change it in each: draft → submitted → returned ⇄
submitted → approved → letters_issued → arrived → departed. Coordinators edit their own
organization's delegation while it is a draft or returned, until the event's freeze date;
the foreign-affairs office edits any time. A state moves in one guarded UPDATE, so two
people acting at once cannot both move it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core import i18n
from core.access import Viewer
from core.errors import ValidationFailed
from core.i18n import gettext
from events.delegations.services.policy import is_office
from events.delegations.tables import Delegation, DelegationStatus

S = DelegationStatus
COORDINATOR_EDITS = (S.draft.value, S.returned.value)
# Delegations the boards plan with: everything the coordinator has handed in at least once.
ON_BOARDS = tuple(s.value for s in S if s != S.draft)


def now() -> datetime:
    return datetime.now(UTC)


def freeze_at(event: dict[str, Any]) -> datetime:
    """When coordinators stop editing: the event's freeze date, else its start."""
    return event["delegations_freeze_at"] or event["starts_at"]


def coordinator_may_edit(delegation: dict[str, Any], event: dict[str, Any]) -> bool:
    return (
        delegation["status"] in COORDINATOR_EDITS
        and delegation["purged_at"] is None
        and now() < freeze_at(event)
    )


def refuse_if_purged(delegation: dict[str, Any]) -> None:
    if delegation["purged_at"] is not None:
        raise ValidationFailed(
            {"": gettext("The passport data of this delegation has been removed after the event.")}
        )


def ensure_editable(viewer: Viewer, delegation: dict[str, Any], event: dict[str, Any]) -> None:
    """Refuse, with the reason, changes this viewer may not make now."""
    refuse_if_purged(delegation)
    if is_office(viewer):
        return
    if delegation["status"] not in COORDINATOR_EDITS:
        raise ValidationFailed(
            {
                "": gettext(
                    "This delegation has been submitted. Ask the foreign-affairs office "
                    "if something must change."
                )
            }
        )
    if now() >= freeze_at(event):
        raise ValidationFailed(
            {
                "": gettext(
                    "The list of delegates was frozen on %(when)s. Ask the foreign-affairs "
                    "office if something must change.",
                    when=i18n.format_datetime(freeze_at(event), event["timezone"]),
                )
            }
        )


async def move(
    delegation_id: int, sources: tuple[str, ...], target: S, changes: dict[Any, Any]
) -> bool:
    """One guarded UPDATE: only a delegation still in one of `sources` moves."""
    moved = (
        await Delegation.update(
            {Delegation.status: target.value, Delegation.updated_at: now(), **changes}
        )
        .where((Delegation.id == delegation_id) & Delegation.status.is_in(list(sources)))
        .returning(Delegation.id)
    )
    return bool(moved)


def moved_already() -> ValidationFailed:
    return ValidationFailed(
        {"": gettext("The delegation has changed meanwhile. Look at it again and retry.")}
    )
