"""Cleaning text people type in: no invisible bidirectional controls.

U+202E (RIGHT-TO-LEFT OVERRIDE) and its kin reorder how text is shown, so a name can read
differently from what it holds ("invoice‮fdp.exe"). None of the site's languages needs them
(neither Chinese, Russian, Kazakh nor English is written right to left), so forms, account
names and exports drop them.
"""

from __future__ import annotations

# LRM, RLM, ALM; the embeddings and overrides LRE…RLO; the isolates LRI…PDI.
BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_DROP = dict.fromkeys(map(ord, BIDI_CONTROLS))


def without_bidi_controls(text: str) -> str:
    return text.translate(_DROP)
