"""The text of a sending in four languages: the site's standard wording to start from, texts
of earlier sendings to reuse, and the plain text as paragraphs for the mail's HTML part."""

from __future__ import annotations

import re
from typing import Any

from core import i18n
from core.content import Translated, json_value, plain_text
from core.i18n import LANGUAGES, current_language, gettext
from events.invitations.tables import InvitationCampaign


def translated(data: dict[str, str], name: str, source: str) -> Translated:
    return Translated(
        source=source if source in LANGUAGES else "zh",
        text={lang: data.get(f"{name}_{lang}", "") for lang in LANGUAGES},
    )


def standard_text(event: dict[str, Any]) -> dict[str, str]:
    """The site's own invitation wording in every language, as form values to start from."""
    values: dict[str, str] = {"source_language": current_language()}
    for lang in LANGUAGES:
        with i18n.language(lang):
            title = plain_text(event["title"], lang)
            values[f"subject_{lang}"] = gettext("Invitation: %(event)s", event=title)
            values[f"message_{lang}"] = gettext(
                "We have the honour of inviting you to %(event)s.\n\n"
                "The programme and practical details are on the event's page. Please let us "
                "know whether you will take part with the links below.",
                event=title,
            )
    return values


def text_values(campaign: dict[str, Any]) -> dict[str, str]:
    subject = Translated.load(json_value(campaign["subject"], None))
    message = Translated.load(json_value(campaign["message"], None))
    values = {"source_language": subject.source}
    for lang in LANGUAGES:
        values[f"subject_{lang}"] = subject.text.get(lang, "")
        values[f"message_{lang}"] = message.text.get(lang, "")
    return values


def written_languages(campaign: dict[str, Any]) -> list[str]:
    """The languages a sending's subject is written in."""
    subject = Translated.load(json_value(campaign["subject"], None))
    return [lang for lang in LANGUAGES if lang in subject.text]


def paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines) of lines, for the mail's HTML part."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [[line.rstrip() for line in block.split("\n")] for block in blocks if block.strip()]


async def earlier_texts(limit: int = 30) -> list[dict[str, Any]]:
    """Texts of earlier sendings (of any event), to start a new one from."""
    rows = (
        await InvitationCampaign.select(
            InvitationCampaign.id,
            InvitationCampaign.subject,
            InvitationCampaign.created_at,
            InvitationCampaign.event.title.as_alias("event_title"),
        )
        .order_by(InvitationCampaign.id, ascending=False)
        .limit(limit)
    )
    lang = current_language()
    for row in rows:
        row["label"] = gettext(
            "%(subject)s (%(event)s, %(date)s)",
            subject=plain_text(row["subject"], lang),
            event=plain_text(row["event_title"], lang),
            date=i18n.format_date(row["created_at"]),
        )
    return rows


async def text_of(campaign_id: int) -> dict[str, str] | None:
    row = await InvitationCampaign.select().where(InvitationCampaign.id == campaign_id).first()
    return text_values(row) if row else None
