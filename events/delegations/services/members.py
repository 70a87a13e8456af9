"""A delegation's members: how a page shows one (passport data in clear or masked), what
stops the delegation from being submitted, and adding, changing, importing and removing
members. Passport numbers and dates of birth are sealed (passports) before they are stored;
nothing is saved when anything is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

from core import i18n
from core.access import Viewer
from core.audit import record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from events.delegations.services import heads, passports
from events.delegations.services.member_form import Cleaned, clean_member, expiry_warning, lacks
from events.delegations.services.policy import sees_passports
from events.delegations.services.records import event_of, get
from events.delegations.services.states import ensure_editable, now
from events.delegations.services.vocabulary import field_labels, letter_language
from events.delegations.tables import Delegate, Delegation
from events.tables import Registration

MAX_MEMBERS = 200
SEALED = ("passport_number", "date_of_birth")

# A member's passport number and date of birth as one viewer may see them, and whether
# they could be read at all.
Reveal = Callable[[dict[str, Any]], tuple[str, str, bool]]


def _open(row: dict[str, Any], name: str) -> tuple[str, bool]:
    try:
        return passports.unseal(row[name], name), True
    except passports.UnreadableData:
        return "", False


def in_clear(row: dict[str, Any]) -> tuple[str, str, bool]:
    number, number_ok = _open(row, "passport_number")
    birth, birth_ok = _open(row, "date_of_birth")
    return number, birth, number_ok and birth_ok


def masked(row: dict[str, Any]) -> tuple[str, str, bool]:
    number, birth, readable = in_clear(row)
    return passports.mask_passport(number), passports.mask_birth_date(birth), readable


def reveal_for(viewer: Viewer) -> Reveal:
    """In clear for the foreign-affairs office, masked for everyone else."""
    return in_clear if sees_passports(viewer) else masked


def member_view(row: dict[str, Any], event: dict[str, Any], reveal: Reveal) -> dict[str, Any]:
    """A member as a page shows it: passport number and date of birth as `reveal` gives
    them; what is missing; warnings."""
    number, birth, readable = reveal(row)
    names = field_labels()
    view = dict(row)
    view["passport_shown"] = number
    view["birth_shown"] = birth
    view["passport_unreadable"] = not readable
    view["lacks"] = [names[name] for name in lacks(row)]
    view["expiry_warning"] = expiry_warning(row, event)
    view["languages_list"] = [c for c in (row["languages"] or "").split(",") if c]
    view["letter_language"] = letter_language(row["nationality"])
    del view["passport_number"], view["date_of_birth"]
    return view


def readiness(delegation: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """What stops the delegation from being submitted, as sentences (empty: ready)."""
    problems: list[str] = []
    if not rows:
        problems.append(gettext("Add the members of the delegation."))
    if rows and not any(row["is_head"] for row in rows):
        problems.append(gettext("Name the head of the delegation."))
    if not delegation["protocol_rank"]:
        problems.append(gettext("Choose the rank of the head of the delegation."))
    incomplete = sum(1 for row in rows if lacks(row))
    if incomplete:
        problems.append(
            i18n.ngettext(
                "%(num)d member still lacks some details.",
                "%(num)d members still lack some details.",
                incomplete,
            )
        )
    return problems


# --- saving ------------------------------------------------------------------------------------


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    shown = {}
    for key, value in values.items():
        if key in SEALED or key == "passport_index":
            continue
        shown[key] = value.isoformat() if isinstance(value, date | datetime) else value
    return shown


def _duplicate_passport() -> ValidationFailed:
    return ValidationFailed(
        {"passport_number": gettext("This passport number is already listed for this event.")}
    )


@asynccontextmanager
async def _writing_members() -> AsyncIterator[None]:
    """A write transaction for members. Two saves of the same passport at once both pass the
    check before it; the unique fingerprint refuses the second, which is the same refusal."""
    try:
        async with write_transaction():
            yield
    except ValidationFailed:
        raise
    except Exception as error:
        if heads.is_second_head(error):
            raise heads.second_head() from error
        if "passport_index" not in str(error):
            raise
        raise _duplicate_passport() from error


def _too_many() -> ValidationFailed:
    return ValidationFailed(
        {"": gettext("A delegation has at most %(num)d members.", num=MAX_MEMBERS)}
    )


async def registration_for(event_id: int, email: str) -> int | None:
    """The live registration of this e-mail address for the event (its check-in code)."""
    if not email:
        return None
    row = (
        await Registration.select(Registration.id)
        .where(Registration.active_key == f"{event_id}:{email}")
        .first()
    )
    return row["id"] if row else None


def _sealed_columns(cleaned: Cleaned, event_id: int) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    if cleaned.passport_number is not None:
        columns["passport_number"] = passports.seal(cleaned.passport_number, "passport_number")
        columns["passport_index"] = passports.fingerprint(event_id, cleaned.passport_number)
    if cleaned.date_of_birth is not None:
        columns["date_of_birth"] = passports.seal(cleaned.date_of_birth, "date_of_birth")
    return columns


async def _passport_taken(fingerprint: str, member_id: int | None) -> bool:
    condition = Delegate.passport_index == fingerprint
    if member_id is not None:
        condition &= Delegate.id != member_id
    return await Delegate.exists().where(condition)


async def _store(
    delegation_id: int, event_id: int, values: dict[str, Any], current: dict[str, Any] | None
) -> int:
    """Insert or update one member inside the caller's transaction; returns its id."""
    if current is None:
        count = await Delegate.count().where(Delegate.delegation == delegation_id)
        if count >= MAX_MEMBERS:
            raise _too_many()
        row = Delegate(delegation=delegation_id, event=event_id, sort_order=count + 1, **values)
        await row.save()
        return row.id
    await Delegate.update({**values, "updated_at": now()}).where(Delegate.id == current["id"])
    return current["id"]


async def _no_other_head(delegation_id: int, keep_id: int | None = None) -> None:
    """Take the head role from the members (but `keep_id`) before naming a head: the
    database keeps one head per delegation (see `heads`)."""
    others = Delegate.delegation == delegation_id
    if keep_id is not None:
        others &= Delegate.id != keep_id
    await Delegate.update({Delegate.is_head: False}).where(others)


async def _touch(delegation_id: int) -> None:
    await Delegation.update({Delegation.updated_at: now()}).where(Delegation.id == delegation_id)


def _changes(
    values: dict[str, Any], sealed: dict[str, Any], current: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """What the audit log keeps of a change: fields before and after, never passport data."""
    after = _audit_values(values)
    after["passport_changed"] = "passport_number" in sealed
    after["birth_date_changed"] = "date_of_birth" in sealed
    if current is None:
        return None, after
    before = _audit_values({k: current[k] for k in values if k in current})
    after = {k: v for k, v in after.items() if before.get(k) != v or k.endswith("_changed")}
    return {k: v for k, v in before.items() if k in after}, after


async def save_member(
    viewer: Viewer,
    delegation: dict[str, Any],
    data: dict[str, Any],
    current: dict[str, Any] | None = None,
    client: str = "",
) -> tuple[int, dict[str, str]]:
    """Add a member (or change `current`); returns its id and the warnings to show."""
    event = await event_of(delegation)
    ensure_editable(viewer, delegation, event)
    cleaned = clean_member(data, event)
    if cleaned.errors:
        raise ValidationFailed(cleaned.errors)
    sealed = _sealed_columns(cleaned, event["id"])
    if "passport_index" in sealed and await _passport_taken(
        sealed["passport_index"], current["id"] if current else None
    ):
        raise _duplicate_passport()
    values = {**cleaned.values, **sealed}
    values["registration"] = await registration_for(event["id"], values["email"])
    async with _writing_members():
        fresh = await get(delegation["id"])
        assert fresh is not None
        ensure_editable(viewer, fresh, event)
        if values["is_head"]:
            await _no_other_head(delegation["id"], current["id"] if current else None)
        member_id = await _store(delegation["id"], event["id"], values, current)
        await _touch(delegation["id"])
    before, after = _changes(values, sealed, current)
    await record(
        viewer,
        "delegate.update" if current else "delegate.create",
        "delegate",
        member_id,
        client=client,
        before=before,
        after={**after, "delegation": delegation["id"]},
    )
    return member_id, cleaned.warnings


async def delete_member(
    viewer: Viewer, delegation: dict[str, Any], current: dict[str, Any], client: str = ""
) -> None:
    event = await event_of(delegation)
    async with write_transaction():
        fresh = await get(delegation["id"])
        assert fresh is not None
        ensure_editable(viewer, fresh, event)
        await Delegate.delete().where(Delegate.id == current["id"])
    await record(
        viewer,
        "delegate.delete",
        "delegate",
        current["id"],
        client=client,
        before={"delegation": delegation["id"], "name_latin": current["name_latin"]},
    )


async def save_members_batch(
    viewer: Viewer,
    delegation: dict[str, Any],
    rows: list[Cleaned],
    client: str = "",
) -> tuple[int, int]:
    """Import checked rows at once: a row whose passport is already in this delegation
    updates that member, the others are added. All or nothing. Returns (added, updated)."""
    event = await event_of(delegation)
    existing = {
        row["passport_index"]: row
        for row in await Delegate.select(Delegate.id, Delegate.passport_index).where(
            Delegate.delegation == delegation["id"]
        )
        if row["passport_index"]
    }
    added = updated = 0
    async with _writing_members():
        fresh = await get(delegation["id"])
        assert fresh is not None
        ensure_editable(viewer, fresh, event)
        last_head = heads.last_head(rows)
        if last_head is not None:
            await _no_other_head(delegation["id"])
        for number, cleaned in enumerate(rows):
            values = {**cleaned.values, **_sealed_columns(cleaned, event["id"])}
            values["is_head"] = number == last_head
            values["registration"] = await registration_for(event["id"], values["email"])
            current = existing.get(values.get("passport_index", ""))
            await _store(delegation["id"], event["id"], values, current)
            added, updated = (added, updated + 1) if current else (added + 1, updated)
        await _touch(delegation["id"])
    await record(
        viewer,
        "delegate.import",
        "delegation",
        delegation["id"],
        client=client,
        after={"added": added, "updated": updated},
    )
    return added, updated


async def taken_fingerprints(event_id: int, delegation_id: int) -> set[str]:
    """Passport fingerprints already used by other delegations at this event."""
    rows = await Delegate.select(Delegate.passport_index).where(
        (Delegate.event == event_id)
        & (Delegate.delegation != delegation_id)
        & Delegate.passport_index.is_not_null()
    )
    return {row["passport_index"] for row in rows}


async def link_registrations(delegation: dict[str, Any]) -> None:
    """Members with an e-mail address get their event registration (its check-in code)."""
    for row in await Delegate.select(Delegate.id, Delegate.email, Delegate.registration).where(
        Delegate.delegation == delegation["id"]
    ):
        if row["email"] and row["registration"] is None:
            found = await registration_for(delegation["event"], row["email"])
            if found:
                await Delegate.update({Delegate.registration: found}).where(
                    Delegate.id == row["id"]
                )
