"""The audit log: who did what to which object, when, from where, and what changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.access import Viewer
from core.content import Translated
from core.tables import AuditEntry, User

# Never copied into the log, whatever table they come from.
_SECRET_FIELDS = frozenset({"password_hash", "token_hash", "passport_number", "date_of_birth"})


def _clean(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: v for k, v in values.items() if k not in _SECRET_FIELDS}


def changed_fields(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only what differs, so an entry reads as the change it records."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def _actor_text(actor: Viewer | None) -> tuple[str, str]:
    """The name and address kept with the entry, so it still says who once the account is gone."""
    if actor is None or not actor.id:  # the system, or the command line
        return "", ""
    if actor.email:
        return actor.name, actor.email
    row = await User.select(User.name, User.email).where(User.id == actor.id).first()
    return (row["name"], row["email"]) if row else (actor.name, "")


async def record(
    actor: Viewer | None,
    action: str,
    object_type: str,
    object_id: Any = "",
    *,
    client: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    actor_name, actor_email = await _actor_text(actor)
    await AuditEntry.insert(
        AuditEntry(
            actor=actor.id if actor and actor.id else None,
            actor_name=actor_name[:200],
            actor_email=actor_email[:254],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            client=client[:64],
            before=_clean(before),
            after=_clean(after),
        )
    )


async def record_changes(
    actor: Viewer | None,
    action: str,
    object_type: str,
    object_id: Any,
    *,
    client: str = "",
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Record an edit as only the fields it changed; nothing at all when it changed none."""
    old, new = changed_fields(before, after)
    if new:
        await record(actor, action, object_type, object_id, client=client, before=old, after=new)


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit log can keep them: moments as ISO text, content as plain dicts."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            out[key] = value.astimezone(UTC).isoformat()
        elif isinstance(value, Translated):
            out[key] = value.dump()
        else:
            out[key] = value
    return out
