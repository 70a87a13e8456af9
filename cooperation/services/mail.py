"""Who the board's mail goes to and what its context holds: the poster of a profile (their
account, else the profile's contact), in their own language. Contexts carry ids and words,
never another organization's contact details."""

from __future__ import annotations

from typing import Any

from core.content import Translated
from core.tables import Organization, User


async def poster(profile: dict[str, Any]) -> tuple[str, str, str]:
    """(e-mail, language, name) of whoever posted `profile`."""
    if profile.get("posted_by"):
        user = (
            await User.select(User.email, User.language, User.name)
            .where(User.id == profile["posted_by"])
            .first()
        )
        if user is not None:
            return user["email"], user["language"], user["name"]
    source = Translated.load(profile["title"]).source
    return profile["contact_email"], source, profile["contact_name"]


async def organization_name(organization_id: int, lang: str) -> str:
    row = (
        await Organization.select(Organization.name)
        .where(Organization.id == organization_id)
        .first()
    )
    return Translated.load(row["name"] if row else None).show(lang).text


def title_in(profile: dict[str, Any], lang: str) -> str:
    return Translated.load(profile["title"]).show(lang).text
