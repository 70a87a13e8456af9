"""Answers to an event's registration questions: checked against each question's kind."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel import Locale

from core.content import Translated
from core.i18n import gettext
from events.tables import QuestionKind


def field_name(question: dict[str, Any]) -> str:
    return f"q{question['id']}"


def option_values(question: dict[str, Any]) -> list[str]:
    options = question["options"]
    if isinstance(options, str):
        import json

        options = json.loads(options or "[]")
    return [str(option["value"]) for option in options or []]


def _one(question: dict[str, Any], raw: Any) -> tuple[Any, str | None]:
    """The stored value of one answer, or why it cannot be accepted."""
    kind = question["kind"]
    values = raw if isinstance(raw, list) else ([raw] if raw not in (None, "") else [])
    values = [str(v).strip() for v in values if str(v).strip()]
    if not values:
        if question["required"]:
            return None, gettext("This question needs an answer.")
        return ([] if kind == QuestionKind.multiple else ""), None
    if kind == QuestionKind.multiple:
        unknown = [v for v in values if v not in option_values(question)]
        return (None, gettext("Choose from the options given.")) if unknown else (values, None)
    value = values[0]
    if kind == QuestionKind.single and value not in option_values(question):
        return None, gettext("Choose from the options given.")
    if kind == QuestionKind.yes_no and value not in ("yes", "no"):
        return None, gettext("Answer yes or no.")
    if kind == QuestionKind.country and value.upper() not in Locale.parse("en").territories:
        return None, gettext("Choose a country.")
    if kind == QuestionKind.date:
        try:
            date.fromisoformat(value)
        except ValueError:
            return None, gettext("Enter a date as YYYY-MM-DD.")
    limit = 5000 if kind == QuestionKind.long_text else 500
    if len(value) > limit:
        return None, gettext("Use at most %(num)d characters.", num=limit)
    return (value.upper() if kind == QuestionKind.country else value), None


def clean(
    questions: list[dict[str, Any]], raw: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers keyed by question id, and errors keyed by form field name."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        value, problem = _one(question, raw.get(field_name(question)))
        if problem:
            errors[field_name(question)] = problem
        else:
            answers[str(question["id"])] = value
    return answers, errors


def label(question: dict[str, Any], lang: str) -> str:
    return Translated.load(question["label"]).show(lang).text
