"""Whom a sending goes to: partner organizations (through their coordinators), people with
accounts, and people from lists (events.invitations.services.lists), one per address."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from core import i18n
from core.content import plain_text
from core.i18n import LANGUAGES, current_language, gettext
from core.tables import Membership, Organization, Role, User
from events.invitations.tables import Kind


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    language: str
    kind: str
    organization: int | None = None
    user: int | None = None


def stored(rows: list[dict[str, Any]]) -> list[Recipient]:
    """The recipients kept on a draft (as JSON) back as recipients."""
    return [Recipient(**row) for row in rows]


def _language(value: str | None) -> str:
    return value if value in LANGUAGES else "zh"


async def organization_choices() -> list[dict[str, Any]]:
    """Partner organizations with how many coordinators each has (who would be mailed)."""
    organizations = await Organization.select(
        Organization.id, Organization.slug, Organization.name, Organization.country
    ).order_by(Organization.slug)
    counts = Counter(row["organization"] for row in await coordinators(None))
    for row in organizations:
        row["coordinators"] = counts.get(row["id"], 0)
        row["label"] = plain_text(row["name"], current_language())
    return sorted(organizations, key=lambda row: row["label"].casefold())


async def account_choices() -> list[dict[str, Any]]:
    return (
        await User.select(User.id, User.name, User.email, User.role, User.language)
        .where(User.is_active == True)
        .order_by(User.name)
        .order_by(User.email)
    )


async def coordinators(organization_ids: list[int] | None) -> list[dict[str, Any]]:
    """Active coordinator accounts of these organizations (of every one for None)."""
    condition = (Membership.user.role == Role.coordinator.value) & (
        Membership.user.is_active == True
    )
    if organization_ids is not None:
        condition &= Membership.organization.is_in(organization_ids or [0])
    return (
        await Membership.select(
            Membership.organization,
            Membership.user.id.as_alias("user_id"),
            Membership.user.name.as_alias("name"),
            Membership.user.email.as_alias("email"),
            Membership.user.language.as_alias("language"),
        )
        .where(condition)
        .order_by(Membership.id)
    )


async def from_organizations(slugs: list[str], errors: dict[str, str]) -> list[Recipient]:
    """The coordinators of the chosen organizations; an organization without one is an error."""
    if not slugs:
        return []
    chosen = await Organization.select(Organization.id, Organization.name).where(
        Organization.slug.is_in(slugs)
    )
    if len(chosen) != len(set(slugs)):
        errors["organizations"] = gettext("Choose organizations from the list.")
    rows = await coordinators([row["id"] for row in chosen])
    covered = {row["organization"] for row in rows}
    empty = [
        plain_text(row["name"], current_language()) for row in chosen if row["id"] not in covered
    ]
    if empty:
        errors["organizations"] = gettext(
            "No coordinator account acts for %(names)s yet: add a coordinator first, or "
            "invite its people by e-mail in a list.",
            names=i18n.format_list(sorted(empty)),
        )
    order_of = {row["id"]: index for index, row in enumerate(chosen)}
    rows.sort(key=lambda row: order_of.get(row["organization"], 0))
    return [
        Recipient(
            name=row["name"] or row["email"],
            email=row["email"],
            language=_language(row["language"]),
            kind=Kind.organization,
            organization=row["organization"],
            user=row["user_id"],
        )
        for row in rows
    ]


async def from_accounts(ids: list[str], errors: dict[str, str]) -> list[Recipient]:
    wanted = sorted({int(value) for value in ids if value.isdigit()})
    if not wanted:
        return []
    rows = await User.select(User.id, User.name, User.email, User.language).where(
        User.id.is_in(wanted) & (User.is_active == True)
    )
    if len(rows) != len(wanted):
        errors["users"] = gettext("Choose people from the list.")
    return [
        Recipient(
            name=row["name"] or row["email"],
            email=row["email"],
            language=_language(row["language"]),
            kind=Kind.account,
            user=row["id"],
        )
        for row in rows
    ]


def merged(groups: list[list[Recipient]]) -> tuple[list[Recipient], int]:
    """One recipient per address (organizations first, then accounts, then lists), and how
    many repeats were merged."""
    chosen: dict[str, Recipient] = {}
    repeats = 0
    for group in groups:
        for person in group:
            if person.email in chosen:
                repeats += 1
                continue
            chosen[person.email] = person
    return list(chosen.values()), repeats
