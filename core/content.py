"""Translated content: one value holding a text in all four languages plus its source language.

Stored as JSON `{"source": "zh", "text": {"zh": "…", "ru": "…"}}`. Display falls back
requested → source → en → zh and says when it did, so readers and editors can see it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from core.i18n import LANGUAGES, current_language


@dataclass(frozen=True)
class Shown:
    """The text chosen for display and the language it is really in."""

    text: str
    lang: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return self.lang != self.requested

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Translated:
    source: str
    text: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.source not in LANGUAGES:
            raise ValueError(f"Unknown source language: {self.source}")
        cleaned = {lang: value.strip() for lang, value in self.text.items() if lang in LANGUAGES}
        object.__setattr__(self, "text", {k: v for k, v in cleaned.items() if v})

    @classmethod
    def of(cls, source: str, **text: str) -> Translated:
        return cls(source=source, text=text)

    @classmethod
    def load(cls, raw: str | dict[str, Any] | None) -> Translated:
        if raw is None or raw == "":
            return cls(source=LANGUAGES[-1])
        data = json.loads(raw) if isinstance(raw, str) else raw
        return cls(source=data.get("source", "en"), text=dict(data.get("text", {})))

    def dump(self) -> dict[str, Any]:
        return {"source": self.source, "text": dict(self.text)}

    def fallback_order(self, lang: str) -> list[str]:
        order = [lang, self.source, "en", "zh"]
        return list(dict.fromkeys(order))

    def show(self, lang: str) -> Shown:
        for candidate in self.fallback_order(lang):
            if candidate in self.text:
                return Shown(self.text[candidate], candidate, lang)
        return Shown("", lang, lang)

    def missing(self) -> list[str]:
        """Languages an editor still has to fill in."""
        return [lang for lang in LANGUAGES if lang not in self.text]

    def __bool__(self) -> bool:
        return bool(self.text)


def json_value(value: Any, default: Any = None) -> Any:
    """A JSON column's value: SQLite hands it back as text, PostgreSQL as a value."""
    if value is None or value == "":
        return default
    return json.loads(value) if isinstance(value, str) else value


def plain_text(value: Any, lang: str | None = None) -> str:
    """Translated content (a column's raw value or a `Translated`) as plain text in `lang`,
    by default the current language, falling back as pages do; for messages, mail, exports
    and file names, where no fallback mark is shown."""
    content = value if isinstance(value, Translated) else Translated.load(json_value(value))
    return content.show(lang or current_language()).text
