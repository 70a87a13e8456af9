"""The call for projects on a roadshow event: its window (in the event's zone), its text in
four languages, the fields it accepts, the review criteria with weights, how many reviews
each submission gets, blind or open review, and the number of pitch slots."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, gettext, lazy_gettext
from core.translated_forms import check_length, form_values, source_language, translated
from core.vocabulary import FIELDS
from events.roadshows.services.moments import local_input, read_int, read_moment
from events.roadshows.tables import RoadshowCall
from events.tables import Event, EventKind

CRITERIA_ROWS = 6
CURRENCIES = ("CNY", "KZT", "UZS", "KGS", "TJS", "TMT", "RUB", "USD")
# What a newcomer starts from: the bureau's usual criteria and weights.
DEFAULT_CRITERIA = (
    ("innovation", lazy_gettext("Innovation"), 30),
    ("market", lazy_gettext("Market potential"), 30),
    ("team", lazy_gettext("Team"), 20),
    ("fit", lazy_gettext("Fit with Urumqi's priority industries"), 20),
)
KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


async def roadshow(slug: str) -> dict[str, Any] | None:
    """A roadshow event by its slug (other kinds of events have no call)."""
    return (
        await Event.select()
        .where((Event.slug == slug) & (Event.kind == EventKind.roadshow.value))
        .first()
    )


async def call_of(event_id: int) -> dict[str, Any] | None:
    return (
        await RoadshowCall.select()
        .output(load_json=True)
        .where(RoadshowCall.event == event_id)
        .first()
    )


def is_open(call: dict[str, Any], now: datetime | None = None) -> bool:
    moment = now or datetime.now(UTC)
    return call["opens_at"] <= moment < call["closes_at"]


def has_closed(call: dict[str, Any], now: datetime | None = None) -> bool:
    return (now or datetime.now(UTC)) >= call["closes_at"]


def criteria(call: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(item) for item in call["criteria"] or []]


def criterion_label(item: dict[str, Any], lang: str) -> str:
    return Translated.load(item["label"]).show(lang).text


# --- the organizer's form ------------------------------------------------------------------


def form_values_of(call: dict[str, Any] | None, event: dict[str, Any]) -> dict[str, Any]:
    zone = event["timezone"]
    if call is None:
        values: dict[str, Any] = {
            "source_language": "zh",
            "reviews_per_submission": "3",
            "blind": "on",
            "pitch_slots": "8",
            "fields": list(FIELDS),
        }
        rows = [(key, {"en": str(label)}, weight) for key, label, weight in DEFAULT_CRITERIA]
    else:
        values = {
            "source_language": Translated.load(call["text"]).source,
            **form_values(call["text"], "text"),
            "opens_at": local_input(call["opens_at"], zone),
            "closes_at": local_input(call["closes_at"], zone),
            "reviews_per_submission": str(call["reviews_per_submission"]),
            "blind": "on" if call["blind"] else "",
            "pitch_slots": str(call["pitch_slots"]),
            "fields": list(call["fields"] or []),
        }
        rows = [(c["key"], Translated.load(c["label"]).text, c["weight"]) for c in criteria(call)]
    for index in range(CRITERIA_ROWS):
        key, label, weight = rows[index] if index < len(rows) else ("", {}, "")
        values[f"criterion_{index}_key"] = key
        values[f"criterion_{index}_weight"] = str(weight)
        for lang in LANGUAGES:
            values[f"criterion_{index}_label_{lang}"] = label.get(lang, "")
    return values


def _criteria(data: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for index in range(CRITERIA_ROWS):
        key = data.get(f"criterion_{index}_key", "").strip().lower()
        labels = {lang: data.get(f"criterion_{index}_label_{lang}", "") for lang in LANGUAGES}
        if not key and not any(labels.values()):
            continue
        if not KEY.match(key) or key in {item["key"] for item in found}:
            errors[f"criterion_{index}_key"] = gettext(
                "Use a short key of Latin letters, digits and underscores, different for each "
                "criterion."
            )
            continue
        label = Translated(
            source=next((k for k, v in labels.items() if v.strip()), "en"), text=labels
        )
        if not label:
            errors[f"criterion_{index}_label_en"] = gettext("Name the criterion.")
        weight = read_int(data, f"criterion_{index}_weight", 0, 100, errors)
        found.append({"key": key, "label": label.dump(), "weight": weight})
    if not found:
        errors["criterion_0_key"] = gettext("Give at least one review criterion.")
    elif sum(item["weight"] for item in found) <= 0:
        errors["criterion_0_weight"] = gettext("At least one criterion needs a weight above zero.")
    return found


def clean(data: dict[str, str], chosen_fields: list[str], event: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    zone = event["timezone"]
    source = source_language(data, errors)
    text = translated(data, "text", source)
    check_length(text, "text", 5000, errors)
    if not text:
        errors[f"text_{source}"] = gettext("Describe the call in at least one language.")
    opens_at = read_moment(data, "opens_at", zone, errors)
    closes_at = read_moment(data, "closes_at", zone, errors)
    if not errors.get("closes_at") and not errors.get("opens_at") and closes_at <= opens_at:
        errors["closes_at"] = gettext("The call must close after it opens.")
    fields = [key for key in chosen_fields if key in FIELDS]
    if not fields:
        errors["fields"] = gettext("Choose at least one field of technology.")
    values = {
        "text": text.dump(),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "fields": fields,
        "criteria": _criteria(data, errors),
        "reviews_per_submission": read_int(data, "reviews_per_submission", 1, 10, errors),
        "blind": data.get("blind") == "on",
        "pitch_slots": read_int(data, "pitch_slots", 1, 100, errors),
    }
    if errors:
        raise ValidationFailed(errors)
    return values


async def save(
    actor: Viewer,
    event: dict[str, Any],
    data: dict[str, str],
    chosen_fields: list[str],
    client: str = "",
) -> int:
    """Open the call, or change it (scores of a criterion taken out no longer count)."""
    require(actor, "roadshow.manage")
    values = clean(data, chosen_fields, event)
    async with write_transaction():
        current = await call_of(event["id"])
        if current is None:
            row = RoadshowCall(event=event["id"], rates={}, **values)
            await row.save()
            call_id = int(row.id)
        else:
            call_id = current["id"]
            await RoadshowCall.update(values).where(RoadshowCall.id == call_id)
        await record(actor, "roadshow.call_save", "roadshow_call", call_id, client=client)
    return call_id
