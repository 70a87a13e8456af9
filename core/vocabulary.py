"""Words shared by every domain: the technology-field taxonomy (projects, roadshows, the
cooperation board) and the one way to turn a label table into plain strings for a page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.i18n import lazy_gettext

# Keys are stored in rows (Project.field, …); keep them stable, relabel freely.
FIELDS = {
    "biological_resources": lazy_gettext("Biological resources"),
    "agriculture": lazy_gettext("Agriculture"),
    "animal_husbandry": lazy_gettext("Animal husbandry"),
    "medicine": lazy_gettext("Medicine and pharmaceuticals"),
    "ecology": lazy_gettext("Ecology and environment"),
    "water": lazy_gettext("Water resources"),
    "energy": lazy_gettext("Energy"),
    "materials": lazy_gettext("New materials"),
    "information_technology": lazy_gettext("Information technology"),
    "other": lazy_gettext("Other fields"),
}


def labels(mapping: Mapping[Any, Any]) -> dict[str, str]:
    """A label table as plain strings in the current language, keyed by the stored value
    (enum members are keyed by their value)."""
    return {str(getattr(key, "value", key)): str(label) for key, label in mapping.items()}


def field_labels() -> dict[str, str]:
    return labels(FIELDS)
