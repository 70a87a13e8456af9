"""Results as people read them: a short passage around the first word found, escaped, with
the words found marked."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from core.search.text import Term

CONTEXT_CHARS = 70
PLAIN_CHARS = 160


def _pattern(terms: list[Term]) -> re.Pattern[str] | None:
    forms = sorted({form for term in terms for form in term.forms}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE)


def highlight(text: str, terms: list[Term]) -> Markup:
    """`text`, escaped, with every word found in a <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    parts: list[str] = []
    position = 0
    for found in pattern.finditer(text):
        parts.append(escape(text[position : found.start()]))
        parts.append(Markup("<mark>{}</mark>").format(found.group()))
        position = found.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def snippet(text: str, terms: list[Term]) -> Markup:
    """A passage of `text` around its first hit (its opening when the hit was elsewhere:
    in the title, or in the Latin spelling of a Cyrillic name)."""
    text = " ".join(text.split())
    pattern = _pattern(terms)
    found = pattern.search(text) if pattern else None
    if found is None:
        cut = text[:PLAIN_CHARS]
        return escape(cut + ("…" if len(text) > PLAIN_CHARS else ""))
    start = max(0, found.start() - CONTEXT_CHARS)
    end = min(len(text), found.end() + CONTEXT_CHARS)
    passage = highlight(text[start:end], terms)
    before = "…" if start > 0 else ""
    after = "…" if end < len(text) else ""
    return Markup("{}{}{}").format(before, passage, after)
