"""Who may do what with delegations (rules of core.access), who sees passport data in clear,
and the audit entry for each such view."""

from __future__ import annotations

from typing import Any

from core.access import Viewer, rule
from core.audit import record
from core.tables import Role


def _organization_of(delegation: Any) -> int | None:
    if isinstance(delegation, dict):
        return delegation.get("organization")
    return None


@rule("delegation.oversee")
def _oversee(viewer: Viewer, _obj: Any) -> bool:
    """The foreign-affairs office's boards: every delegation."""
    return viewer.has_role(Role.fao)


@rule("delegation.coordinate")
def _coordinate(viewer: Viewer, delegation: Any) -> bool:
    """A coordinator works on their own organization's delegations only."""
    return viewer.has_role(Role.coordinator) and viewer.acts_for(_organization_of(delegation))


@rule("delegation.own_pages")
def _own_pages(viewer: Viewer, _obj: Any) -> bool:
    """The coordinators' area, where each sees their own organizations' delegations."""
    return viewer.has_role(Role.coordinator)


@rule("delegation.open")
def _open_for(viewer: Viewer, organization_id: Any) -> bool:
    return viewer.has_role(Role.fao) or (
        viewer.has_role(Role.coordinator) and viewer.acts_for(organization_id)
    )


def sees_passports(viewer: Viewer) -> bool:
    """Passport numbers and dates of birth in clear: the foreign-affairs office only (not even
    organizers, who pass every other rule)."""
    return viewer.is_authenticated and viewer.has_role(Role.fao)


def is_office(viewer: Viewer) -> bool:
    """The foreign-affairs office's powers over the workflow (organizers share them)."""
    return viewer.is_admin or viewer.has_role(Role.fao)


async def audit_passport_view(
    viewer: Viewer, object_type: str, object_id: Any, what: str, count: int, client: str = ""
) -> None:
    """A page or file showed passport data in clear: who, what and how many (never the data)."""
    await record(
        viewer,
        f"{object_type}.passport_view",
        object_type,
        object_id,
        client=client,
        after={"view": what, "members": count},
    )
