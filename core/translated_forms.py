"""Translated content in forms: the `<field>_<lang>` inputs (one per language) read into one
`Translated` value and checked, and a stored value turned back into those inputs."""

from __future__ import annotations

from typing import Any

from core.content import Translated
from core.i18n import LANGUAGES, gettext
from core.textclean import without_bidi_controls


def source_language(data: dict[str, str], errors: dict[str, str]) -> str:
    """The language the text is written first in (English, with an error, when unknown)."""
    source = data.get("source_language", "")
    if source not in LANGUAGES:
        errors["source_language"] = gettext("Choose a language.")
        return "en"
    return source


def translated(data: dict[str, str], field: str, source: str) -> Translated:
    """The four `<field>_<lang>` inputs of a form as one translated value."""
    return Translated(
        source=source,
        text={lang: without_bidi_controls(data.get(f"{field}_{lang}", "")) for lang in LANGUAGES},
    )


def check_length(content: Translated, field: str, limit: int, errors: dict[str, str]) -> None:
    for lang, text in content.text.items():
        if len(text) > limit:
            errors[f"{field}_{lang}"] = gettext("Use at most %(num)d characters.", num=limit)


def require_source_text(content: Translated, field: str, errors: dict[str, str]) -> None:
    if content.source not in content.text:
        errors[f"{field}_{content.source}"] = gettext(
            "Enter the text in the language it is written first in."
        )


def form_values(content: Any, field: str) -> dict[str, str]:
    """A stored translated value as the form's `<field>_<lang>` inputs."""
    loaded = Translated.load(content)
    return {f"{field}_{lang}": loaded.text.get(lang, "") for lang in LANGUAGES}


def row_form_values(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    """Translated columns of a row as `<field>_<lang>` inputs, plus the source language (that
    of the first field)."""
    values = {"source_language": Translated.load(row[fields[0]]).source}
    for field in fields:
        values.update(form_values(row[field], field))
    return values
