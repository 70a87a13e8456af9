"""The bureau's moderation of demands and offers: the queue of submitted profiles, publishing
one, returning it with a reason (mailed to the poster in their language, in the same
transaction), archiving it, and archiving whatever is past its deadline."""

from __future__ import annotations

from datetime import date
from typing import Any

from cooperation.services import mail
from cooperation.services.profiles import now
from cooperation.tables import Profile, ProfileStatus
from core.access import Viewer, require
from core.audit import record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.outbox import queue_mail
from core.paging import Page, paginate

REASON_MAX = 2000


async def queue(page: int = 1) -> Page:
    """Submitted profiles, the longest-waiting first."""
    waiting = Profile.status == ProfileStatus.submitted.value
    query = (
        Profile.select()
        .output(load_json=True)
        .where(waiting)
        .order_by(Profile.submitted_at)
        .order_by(Profile.id)
    )
    return await paginate(query, Profile.count().where(waiting), page)


async def recent(status: str, page: int = 1) -> Page:
    """Profiles in one state (published, returned, archived…), the latest change first."""
    chosen = Profile.status == status
    query = (
        Profile.select()
        .output(load_json=True)
        .where(chosen)
        .order_by(Profile.updated_at, ascending=False)
    )
    return await paginate(query, Profile.count().where(chosen), page)


async def _move(
    profile_id: int, allowed: tuple[ProfileStatus, ...], changes: dict[Any, Any]
) -> dict[str, Any] | None:
    """One guarded UPDATE: the profile moves only from an allowed state."""
    moved = (
        await Profile.update({**changes, Profile.updated_at: now()})
        .where((Profile.id == profile_id) & Profile.status.is_in([s.value for s in allowed]))
        .returning(*Profile.all_columns())
    )
    return moved[0] if moved else None


async def publish(viewer: Viewer, profile_id: int, client: str = "") -> None:
    require(viewer, "cooperation.moderate")
    moved = await _move(
        profile_id,
        (ProfileStatus.submitted,),
        {
            Profile.status: ProfileStatus.published.value,
            Profile.published_at: now(),
            Profile.return_reason: "",
        },
    )
    if moved is None:
        raise ValidationFailed(
            {"": gettext("Only a profile waiting for moderation can be published.")}
        )
    await record(viewer, "cooperation.publish", "cooperation_profile", profile_id, client=client)


async def return_to_poster(viewer: Viewer, profile_id: int, reason: str, client: str = "") -> None:
    """Back to the poster with the reason, mailed to them in their language."""
    require(viewer, "cooperation.moderate")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": gettext("Say what the poster should change.")})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            {"reason": gettext("Use at most %(num)d characters.", num=REASON_MAX)}
        )
    async with write_transaction():
        moved = await _move(
            profile_id,
            (ProfileStatus.submitted, ProfileStatus.published),
            {Profile.status: ProfileStatus.returned.value, Profile.return_reason: reason},
        )
        if moved is None:
            raise ValidationFailed({"": gettext("This profile cannot be returned now.")})
        email, language, name = await mail.poster(moved)
        await queue_mail(
            key=f"cooperation-returned:{profile_id}:{moved['updated_at'].isoformat()}",
            recipient=email,
            language=language,
            template="cooperation_returned",
            context={
                "name": name,
                "title": mail.title_in(moved, language),
                "kind": moved["kind"],
                "reason": reason,
                "link": f"/{language}/account/cooperation/{profile_id}/edit",
            },
        )
    await record(
        viewer,
        "cooperation.return",
        "cooperation_profile",
        profile_id,
        client=client,
        after={"reason": reason},
    )


async def archive(viewer: Viewer, profile_id: int, client: str = "") -> None:
    require(viewer, "cooperation.moderate")
    moved = await _move(
        profile_id,
        (
            ProfileStatus.submitted,
            ProfileStatus.published,
            ProfileStatus.returned,
            ProfileStatus.draft,
        ),
        {Profile.status: ProfileStatus.archived.value},
    )
    if moved is None:
        raise ValidationFailed({"": gettext("This profile is already archived.")})
    await record(viewer, "cooperation.archive", "cooperation_profile", profile_id, client=client)


async def archive_expired(on: date) -> int:
    """Published profiles whose deadline has passed leave the board; returns how many."""
    moved = (
        await Profile.update(
            {Profile.status: ProfileStatus.archived.value, Profile.updated_at: now()}
        )
        .where(
            (Profile.status == ProfileStatus.published.value)
            & Profile.deadline.is_not_null()
            & (Profile.deadline < on)
        )
        .returning(Profile.id)
    )
    return len(moved)
