"""Whom delegation mail goes to (the organization's coordinators, the foreign-affairs office's
staff) and queueing one message through the outbox, in the recipient's language."""

from __future__ import annotations

from typing import Any

from core import i18n, outbox
from core.content import plain_text
from core.tables import Membership, Role, User
from events.services import mail_context


async def coordinators(organization_id: int) -> list[dict[str, Any]]:
    acting = Membership.select(Membership.user).where(Membership.organization == organization_id)
    return (
        await User.select(User.id, User.email, User.name, User.language)
        .where((User.role == Role.coordinator) & (User.is_active == True) & User.id.is_in(acting))
        .order_by(User.id)
    )


async def office_staff() -> list[dict[str, Any]]:
    return (
        await User.select(User.id, User.email, User.name, User.language)
        .where((User.role == Role.fao) & (User.is_active == True))
        .order_by(User.id)
    )


def language_of(user: dict[str, Any]) -> str:
    return user["language"] if user["language"] in i18n.LANGUAGES else "zh"


def _context(
    delegation: dict[str, Any], event: dict[str, Any], user: dict[str, Any], lang: str
) -> dict[str, Any]:
    with i18n.language(lang):
        return {
            "delegation_id": delegation["id"],
            "name": user["name"],
            "event_title": plain_text(event["title"], lang),
            "organization": plain_text(delegation["organization_name"], lang),
            "when": mail_context.event_when(event),
            "account_link": f"/{lang}/account/delegations/{delegation['id']}/",
            "office_link": f"/{lang}/manage/delegations/{delegation['id']}/",
        }


async def send(
    delegation: dict[str, Any],
    event: dict[str, Any],
    user: dict[str, Any],
    template: str,
    moment: str,
    **extra: Any,
) -> None:
    """Queue `template` about this delegation for `user`; `moment` makes the message's
    idempotency key (one message per change and person)."""
    lang = language_of(user)
    await outbox.queue_mail(
        key=f"{template}:{delegation['id']}:{moment}:{user['id']}",
        recipient=user["email"],
        language=lang,
        template=template,
        context={**_context(delegation, event, user, lang), **extra},
    )
