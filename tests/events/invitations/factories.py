"""Invitation test data made as organizers make it: signed in, through the pages' forms."""

from __future__ import annotations

from typing import Any

import httpx

from events.invitations.tables import InvitationCampaign
from tests.support.factories import make_user, post_form, sign_in

TEXTS = {
    "zh": ("邀请：创新论坛", "诚挚邀请您参加本届论坛。"),
    "ru": ("Приглашение на форум", "Приглашаем вас принять участие в форуме."),
    "kk": ("Форумға шақыру", "Сізді форумға қатысуға шақырамыз."),
    "en": ("Invitation to the forum", "We are pleased to invite you to the forum."),
}


def texts(**overrides: str) -> dict[str, str]:
    """The subject and message of a sending in all four languages, as form fields."""
    data = {"source_language": "en"}
    for lang, (subject, message) in TEXTS.items():
        data[f"subject_{lang}"] = subject
        data[f"message_{lang}"] = message
    data.update(overrides)
    return data


async def organizer(client: httpx.AsyncClient) -> dict[str, Any]:
    user = await make_user("admin", name="Li Wei")
    await sign_in(client, user)
    return user


def base(event: dict[str, Any]) -> str:
    return f"/en/manage/events/{event['slug']}/invitations/"


async def draft(
    client: httpx.AsyncClient, event: dict[str, Any], data: dict[str, Any], **kwargs: Any
) -> httpx.Response:
    return await post_form(client, base(event) + "new", {**texts(), **data}, **kwargs)


async def send_draft(client: httpx.AsyncClient, event: dict[str, Any]) -> int:
    """Send the latest draft from its page, as the organizer's "Send" button does."""
    campaign = (
        await InvitationCampaign.select().order_by(InvitationCampaign.id, ascending=False).first()
    )
    assert campaign is not None and campaign["status"] == "draft"
    response = await post_form(client, base(event) + f"campaigns/{campaign['id']}/send")
    assert response.status_code == 200, response.text[:400]
    return campaign["id"]
