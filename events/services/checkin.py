"""Check-in at the door: who may admit people, what a scanned code means, and arrival counts.

The admission itself (once per code, never for another event's code) is
`registrations.check_in`; this room adds the person's organization for the result panel,
the audit entry and the live counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.access import Viewer, rule
from core.audit import record
from core.tables import Organization, Role
from events.services import registrations
from events.tables import Registration, RegistrationStatus

# A registration code is 24 characters; anything much longer is not one of ours.
CODE_MAX_LENGTH = 100


@rule("event.check_in")
def _check_in(viewer: Viewer, _event: Any) -> bool:
    return viewer.has_role(Role.fao)


@dataclass(frozen=True)
class Result:
    """What the door staff see after a scan."""

    outcome: str  # "checked_in", "already", "not_confirmed", "unknown"
    name: str = ""
    email: str = ""
    organization: Any = None  # translated name, or None for an individual
    status: str = ""
    checked_in_at: datetime | None = None


async def _organization_name(organization_id: int | None) -> Any:
    if organization_id is None:
        return None
    row = (
        await Organization.select(Organization.name)
        .where(Organization.id == organization_id)
        .first()
    )
    return row["name"] if row else None


async def scan(event: dict[str, Any], code: str, actor: Viewer, client: str = "") -> Result:
    """Admit the holder of `code` to `event` once; say so when it was already used."""
    code = code.strip()
    if not code or len(code) > CODE_MAX_LENGTH:
        return Result("unknown")
    outcome = await registrations.check_in(event["id"], code, actor)
    found = outcome.registration
    if found is None:
        return Result("unknown")
    if outcome.outcome == "checked_in":
        await record(
            actor,
            "registration.check_in",
            "registration",
            found["id"],
            client=client,
            after={"checked_in_at": found["checked_in_at"].isoformat()},
        )
    return Result(
        outcome=outcome.outcome,
        name=found["name"],
        email=found["email"],
        organization=await _organization_name(found["organization"]),
        status=found["status"],
        checked_in_at=found["checked_in_at"],
    )


async def stats(event_id: int) -> dict[str, int]:
    """Arrivals so far among the confirmed registrations."""
    confirmed = Registration.count().where(
        (Registration.event == event_id) & (Registration.status == RegistrationStatus.confirmed)
    )
    arrived = Registration.count().where(
        (Registration.event == event_id)
        & (Registration.status == RegistrationStatus.confirmed)
        & Registration.checked_in_at.is_not_null()
    )
    return {"checked_in": await arrived, "confirmed": await confirmed}
