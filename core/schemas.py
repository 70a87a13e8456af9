"""JSON shapes every domain's API shares (msgspec Structs): translated text as readers of
the API get it. One definition, so the OpenAPI document names one `TranslatedText`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from core.content import Translated

Language = Literal["zh", "ru", "kk", "en"]


class TranslatedText(Struct, kw_only=True):
    """A translated text in the requested language, or in the fallback language
    (requested → the text's source language → en → zh) when it has not been translated."""

    text: Annotated[str, Meta(description="The words; empty when there is no text at all.")]
    lang: Annotated[
        Language,
        Meta(description="The language `text` is really in."),
    ]
    fallback: Annotated[
        bool,
        Meta(description="True when `lang` differs from the requested language."),
    ]


def text(raw: Any, lang: str) -> TranslatedText:
    """A stored translated value as the API shows it in `lang`."""
    shown = Translated.load(raw).show(lang)
    return TranslatedText(text=shown.text, lang=shown.lang, fallback=shown.is_fallback)  # type: ignore[arg-type]
