"""The questions of an event's registration form: kinds, labels in four languages, options
for choices, their order; answers already given keep a question's kind and chosen options."""

from __future__ import annotations

import json
import re
from typing import Any

from core.access import Viewer
from core.audit import record, record_changes
from core.content import Translated, json_value, plain_text
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, gettext
from core.translated_forms import check_length, row_form_values, source_language, translated
from events.services import answers as answer_rules
from events.services.events import (
    require_editable,
)
from events.tables import (
    QuestionKind,
    Registration,
    RegistrationQuestion,
)

CHOICE_KINDS = (QuestionKind.single.value, QuestionKind.multiple.value)
_OPTION_FIELD = re.compile(r"^option_(\d{1,3})_(value|zh|ru|kk|en)$")
BLANK_OPTION_ROWS = 3


async def questions(event_id: int) -> list[dict[str, Any]]:
    rows = (
        await RegistrationQuestion.select()
        .where(RegistrationQuestion.event == event_id)
        .order_by(RegistrationQuestion.position)
        .order_by(RegistrationQuestion.id)
    )
    for row in rows:
        row["options"] = _options(row["options"])
    return rows


async def get_question(event_id: int, question_id: int) -> dict[str, Any] | None:
    row = (
        await RegistrationQuestion.select()
        .where((RegistrationQuestion.id == question_id) & (RegistrationQuestion.event == event_id))
        .first()
    )
    if row is not None:
        row["options"] = _options(row["options"])
    return row


def _options(raw: Any) -> list[dict[str, Any]]:
    options = json.loads(raw) if isinstance(raw, str) else raw
    return list(options or [])


def option_rows(values: dict[str, str]) -> list[int]:
    """Indexes of the option rows a question form shows: those filled in, plus blanks."""
    used = [int(m.group(1)) for key in values if (m := _OPTION_FIELD.match(key))]
    count = max(used) + 1 if used else 0
    return list(range(count + BLANK_OPTION_ROWS))


def clean_question(
    data: dict[str, str], existing_values: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Kind, label, whether it is required and (for choices) the options of one question."""
    errors: dict[str, str] = {}
    source = source_language(data, errors)
    kind = data.get("kind", "")
    if kind not in {k.value for k in QuestionKind}:
        errors["kind"] = gettext("Choose a kind of question.")
    label = translated(data, "label", source)
    if source not in label.text:
        errors[f"label_{source}"] = gettext("Enter the question in its source language.")
    check_length(label, "label", 500, errors)
    options: list[dict[str, Any]] = []
    if kind in CHOICE_KINDS:
        options = _clean_options(data, source, existing_values or [], errors)
    return {
        "kind": kind,
        "label": label.dump(),
        "required": data.get("required") == "on",
        "options": options,
    }, errors


def _clean_options(
    data: dict[str, str], source: str, existing_values: list[str], errors: dict[str, str]
) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    taken = set(existing_values)
    for index in option_rows(data):
        label = translated(data, f"option_{index}", source)
        if not label:
            continue
        if source not in label.text:
            errors[f"option_{index}_{source}"] = gettext(
                "Enter the option in the question's source language."
            )
        check_length(label, f"option_{index}", 200, errors)
        value = data.get(f"option_{index}_value", "").strip()
        if value not in existing_values:
            value = _fresh_value(taken)
        taken.add(value)
        options.append({"value": value, "label": label.dump()})
    if len(options) < 2:
        errors["options"] = gettext("Give at least two options to choose from.")
    return options


def _fresh_value(taken: set[str]) -> str:
    number = 1
    while f"o{number}" in taken:
        number += 1
    return f"o{number}"


def question_form_values(question: dict[str, Any]) -> dict[str, str]:
    values = row_form_values(question, ("label",))
    values.update({"kind": question["kind"], "required": "on" if question["required"] else ""})
    for index, option in enumerate(question["options"]):
        label = Translated.load(option["label"])
        values[f"option_{index}_value"] = str(option["value"])
        values.update({f"option_{index}_{lang}": label.text.get(lang, "") for lang in LANGUAGES})
    return values


async def _answers_to(question: dict[str, Any]) -> list[Any]:
    """Answers registrants have already given to a question."""
    rows = await Registration.select(Registration.answers).where(
        Registration.event == question["event"]
    )
    given = []
    for row in rows:
        answers = json.loads(row["answers"]) if isinstance(row["answers"], str) else row["answers"]
        value = (answers or {}).get(str(question["id"]))
        if value not in (None, "", []):
            given.append(value)
    return given


async def add_question(
    actor: Viewer, event: dict[str, Any], data: dict[str, str], client: str = ""
) -> int:
    require_editable(actor, event)
    values, errors = clean_question(data)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        last = (
            await RegistrationQuestion.select(RegistrationQuestion.position)
            .where(RegistrationQuestion.event == event["id"])
            .order_by(RegistrationQuestion.position, ascending=False)
            .first()
        )
        question = RegistrationQuestion(
            event=event["id"], position=(last["position"] + 1) if last else 0, **values
        )
        await question.save()
    await record(
        actor,
        "event.question.create",
        "registration_question",
        question.id,
        client=client,
        after={"event": event["id"], **values},
    )
    return question.id


async def update_question(
    actor: Viewer,
    event: dict[str, Any],
    question: dict[str, Any],
    data: dict[str, str],
    client: str = "",
) -> None:
    require_editable(actor, event)
    existing_values = [str(option["value"]) for option in question["options"]]
    values, errors = clean_question(data, existing_values)
    given = await _answers_to(question)
    if given and values["kind"] != question["kind"] and "kind" not in errors:
        errors["kind"] = gettext(
            "Registrants have already answered this question; its kind can no longer change."
        )
    if given and values["kind"] in CHOICE_KINDS and not errors:
        kept = {option["value"] for option in values["options"]}
        chosen = {
            str(v) for answer in given for v in (answer if isinstance(answer, list) else [answer])
        }
        dropped = [o for o in question["options"] if o["value"] in chosen - kept]
        if dropped:
            errors["options"] = gettext(
                "Registrants have already chosen “%(option)s”; keep that option or rename it.",
                option=plain_text(dropped[0]["label"]),
            )
    if errors:
        raise ValidationFailed(errors)
    await RegistrationQuestion.update(values).where(RegistrationQuestion.id == question["id"])
    before = {
        "kind": question["kind"],
        "label": Translated.load(question["label"]).dump(),
        "required": question["required"],
        "options": question["options"],
    }
    await record_changes(
        actor,
        "event.question.update",
        "registration_question",
        question["id"],
        client=client,
        before=before,
        after=values,
    )


async def remove_question(
    actor: Viewer, event: dict[str, Any], question: dict[str, Any], client: str = ""
) -> None:
    require_editable(actor, event)
    await RegistrationQuestion.delete().where(RegistrationQuestion.id == question["id"])
    await record(
        actor,
        "event.question.delete",
        "registration_question",
        question["id"],
        client=client,
        before={
            "event": event["id"],
            "kind": question["kind"],
            "label": Translated.load(question["label"]).dump(),
        },
    )


async def move_question(
    actor: Viewer, event: dict[str, Any], question: dict[str, Any], step: int, client: str = ""
) -> None:
    """Move a question one place up (step -1) or down (+1); positions are renumbered."""
    require_editable(actor, event)
    async with write_transaction():
        ordered = [row["id"] for row in await questions(event["id"])]
        index = ordered.index(question["id"])
        target = index + (1 if step > 0 else -1)
        if not 0 <= target < len(ordered):
            return
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, question_id in enumerate(ordered):
            await RegistrationQuestion.update({RegistrationQuestion.position: position}).where(
                RegistrationQuestion.id == question_id
            )
    await record(
        actor,
        "event.question.move",
        "registration_question",
        question["id"],
        client=client,
        before={"position": index},
        after={"position": target},
    )


async def form_questions(event_id: int) -> list[dict[str, Any]]:
    """The questions as a form shows them: labels in the page language, field names."""
    rows = await questions(event_id)
    for row in rows:
        row["label"] = json_value(row["label"])
        row["field"] = answer_rules.field_name(row)
        row["label_text"] = plain_text(row["label"])
    return rows
