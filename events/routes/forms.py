"""What the registration forms of the event core and its features share: answers to an
event's questions as typed into a form."""

from __future__ import annotations

from typing import Any

from litestar import Request

from events.tables import QuestionKind


async def raw_answers(
    request: Request, questions: list[dict[str, Any]], prefix: str = ""
) -> dict[str, Any]:
    """The answers as typed, keyed by field name (`q<id>`); lists for multiple choice."""
    form = await request.form()
    raw: dict[str, Any] = {}
    for question in questions:
        key = f"{prefix}{question['field']}"
        if question["kind"] == QuestionKind.multiple:
            raw[question["field"]] = [str(v) for v in form.getall(key, []) if isinstance(v, str)]
        else:
            value = form.get(key)
            raw[question["field"]] = value.strip() if isinstance(value, str) else ""
    return raw
