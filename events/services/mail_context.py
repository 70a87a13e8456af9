"""What registration mails show, built when the message is queued: the outbox row keeps it as
JSON, so everything is already in the recipient's language and the event's time zone, and
the confirmation's attachments (the event's `.ics`, the QR image) travel base64-encoded.

Also the small presentation helpers the registrant's pages share with the mails: the event's
dates as one phrase, answers as readable text, and the registration's personal links.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

from core import i18n
from core.content import json_value, plain_text
from core.tables import Organization
from events.services import qrcodes
from events.services.calendar import event_calendar
from events.tables import QuestionKind, RegistrationQuestion, RegistrationStatus


def personal_path(lang: str, code: str) -> str:
    """The registrant's own page; the code is the credential, so it works without signing in."""
    return f"/{lang}/registrations/{code}/"


def event_path(lang: str, slug: str) -> str:
    return f"/{lang}/events/{slug}/"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def event_when(event: dict[str, Any]) -> str:
    """The event's dates in its own zone, named, for the current language: one day reads
    "12 Sept 2026, 09:00–17:00 (Urumqi, UTC+06:00)", several days a range of two moments."""
    lang = i18n.current_language()
    locale = i18n.locale(lang)
    zone = ZoneInfo(event["timezone"])
    starts = _aware(event["starts_at"]).astimezone(zone)
    ends = _aware(event["ends_at"]).astimezone(zone)
    zone_label = i18n.zone_name(event["timezone"], starts)
    joined = str(locale.datetime_formats["medium"])
    if starts.date() == ends.date():
        skeleton = "hm" if "h" in str(locale.time_formats["short"].pattern) else "Hm"
        times = babel_dates.format_interval(starts.time(), ends.time(), skeleton, locale=locale)
        day = babel_dates.format_date(starts, "medium", locale=locale)
        return f"{joined.format(times, day)} ({zone_label})"

    def moment(value: datetime) -> str:
        day = babel_dates.format_date(value, "medium", locale=locale)
        return joined.format(babel_dates.format_time(value, "short", locale=locale), day)

    return f"{moment(starts)} – {moment(ends)} ({zone_label})"


def _option_label(question: dict[str, Any], value: str, lang: str) -> str:
    for option in json_value(question["options"]) or []:
        if str(option["value"]) == value:
            return plain_text(option["label"], lang) or value
    return value


def answer_text(question: dict[str, Any], value: Any) -> str:
    """One stored answer as a reader sees it, in the current language ("" when unanswered)."""
    lang = i18n.current_language()
    kind = question["kind"]
    if value in (None, "", []):
        return ""
    if kind == QuestionKind.multiple:
        values = value if isinstance(value, list) else [value]
        return i18n.format_list([_option_label(question, str(v), lang) for v in values])
    if kind == QuestionKind.single:
        return _option_label(question, str(value), lang)
    if kind == QuestionKind.yes_no:
        return i18n.gettext("Yes") if value == "yes" else i18n.gettext("No")
    if kind == QuestionKind.country:
        return i18n.country_name(str(value))
    if kind == QuestionKind.date:
        try:
            return i18n.format_date(datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def answer_rows(questions: list[dict[str, Any]], answers: Any) -> list[dict[str, str]]:
    """Each question with its answer, in form order, for the current language."""
    lang = i18n.current_language()
    stored = json_value(answers) or {}
    return [
        {
            "label": plain_text(question["label"], lang),
            "answer": answer_text(question, stored.get(str(question["id"]))),
        }
        for question in questions
    ]


def _attachment(filename: str, content_type: str, data: bytes) -> dict[str, str]:
    return {
        "filename": filename,
        "content_type": content_type,
        "data_b64": base64.b64encode(data).decode("ascii"),
    }


async def _organization_name(organization_id: int | None, lang: str) -> str:
    if organization_id is None:
        return ""
    row = (
        await Organization.select(Organization.name)
        .where(Organization.id == organization_id)
        .first()
    )
    return plain_text(row["name"], lang) if row else ""


async def build(
    registration: dict[str, Any],
    event: dict[str, Any],
    template: str,
    *,
    position: int | None = None,
) -> dict[str, Any]:
    """The context of one registration mail, in the registrant's language."""
    lang = registration["language"] if registration["language"] in i18n.LANGUAGES else "zh"
    questions = (
        await RegistrationQuestion.select()
        .where(RegistrationQuestion.event == event["id"])
        .order_by(RegistrationQuestion.position)
    )
    with i18n.language(lang):
        context: dict[str, Any] = {
            "registration_id": registration["id"],
            "event_id": event["id"],
            "name": registration["name"],
            "status": registration["status"],
            "event_title": plain_text(event["title"], lang),
            "venue": plain_text(event["venue"], lang),
            "city": plain_text(event["city"], lang),
            "map_url": event["map_url"] or "",
            "when": event_when(event),
            "organization": await _organization_name(registration["organization"], lang),
            "code": registration["code"],
            "manage_link": personal_path(lang, registration["code"]),
            "event_link": event_path(lang, event["slug"]),
            "position": position,
            "reason": registration["reason"] if template == "registration_rejected" else "",
            "offer_expires": (
                i18n.format_datetime(registration["offer_expires_at"], event["timezone"])
                if registration["offer_expires_at"]
                else ""
            ),
            "offer_hours": event["offer_hours"],
            "answers": [
                row for row in answer_rows(questions, registration["answers"]) if row["answer"]
            ],
        }
    if template == "registration_confirmed" and registration["status"] == (
        RegistrationStatus.confirmed
    ):
        # Imported here: calendar → catalog → registrations, which imports this module.

        context["attachments"] = [
            _attachment(
                f"{event['slug']}.ics",
                "text/calendar; charset=utf-8",
                event_calendar(event, lang),
            ),
            _attachment(
                f"check-in-{event['slug']}.png", "image/png", qrcodes.qr_png(registration["code"])
            ),
        ]
    return context
