"""What progress reports count: the built-in indicators (labels from the message catalogs)
and those the bureau adds (labels as translated content). The bureau may switch any of them
off for new reports; values already reported stay with their reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core import translated_forms
from core.access import Viewer, require, rule
from core.audit import record, record_changes
from core.content import Translated, plain_text
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import current_language, gettext, language
from projects.services.vocabulary import BUILTIN_INDICATORS, BUILTIN_KEYS
from projects.tables import Indicator

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,38}$")
LABEL_MAX = 120
UNIT_MAX = 40


@rule("indicator.manage")
def _manage_indicators(_viewer: Viewer, _obj: Any) -> bool:
    return False  # the bureau's organizers only


@dataclass(frozen=True)
class Entry:
    """One indicator as pages show it, in the current language."""

    key: str
    label: str
    unit: str
    builtin: bool
    active: bool
    integral: bool
    position: int


async def ensure_builtins() -> None:
    """The built-in indicators as rows, so every indicator has one (idempotent)."""
    present = {
        row["key"] for row in await Indicator.select(Indicator.key).where(Indicator.builtin == True)
    }
    for position, builtin in enumerate(BUILTIN_INDICATORS):
        if builtin.key in present:
            continue
        with language("en"):  # for reading the table directly; pages use the catalogs
            label, unit = str(builtin.label), str(builtin.unit)
        await Indicator.insert(
            Indicator(
                key=builtin.key,
                label=Translated.of("en", en=label).dump(),
                unit=Translated.of("en", en=unit).dump(),
                builtin=True,
                position=position,
                active=True,
            )
        ).on_conflict(target=Indicator.key, action="DO NOTHING")


async def catalog(*, include_inactive: bool = False) -> list[Entry]:
    """Built-in indicators in their fixed order, then the bureau's, by position."""
    rows = await Indicator.select().order_by(Indicator.position).order_by(Indicator.id)
    if sum(1 for row in rows if row["builtin"]) < len(BUILTIN_KEYS):
        await ensure_builtins()
        rows = await Indicator.select().order_by(Indicator.position).order_by(Indicator.id)
    lang = current_language()
    by_key = {row["key"]: row for row in rows}
    entries = [
        Entry(
            key=b.key,
            label=str(b.label),
            unit=str(b.unit),
            builtin=True,
            active=bool(by_key[b.key]["active"]) if b.key in by_key else True,
            integral=b.integral,
            position=index,
        )
        for index, b in enumerate(BUILTIN_INDICATORS)
    ]
    entries += [
        Entry(
            key=row["key"],
            label=plain_text(row["label"], lang) or row["key"],
            unit=plain_text(row["unit"], lang),
            builtin=False,
            active=bool(row["active"]),
            integral=False,
            position=len(BUILTIN_KEYS) + row["position"],
        )
        for row in rows
        if not row["builtin"] and row["key"] not in BUILTIN_KEYS
    ]
    return [entry for entry in entries if include_inactive or entry.active]


def labelled(values: dict[str, Any], entries: list[Entry]) -> list[dict[str, Any]]:
    """Reported values with their labels, in catalog order; keys no longer in the catalog
    come last under their key."""
    known = {entry.key: entry for entry in entries}
    out = [
        {"key": e.key, "label": e.label, "unit": e.unit, "value": values[e.key]}
        for e in entries
        if e.key in values
    ]
    out += [
        {"key": key, "label": key, "unit": "", "value": value}
        for key, value in values.items()
        if key not in known
    ]
    return out


async def get(key: str) -> dict[str, Any] | None:
    if key in BUILTIN_KEYS:
        await ensure_builtins()
    return await Indicator.select().where(Indicator.key == key).first()


def form_values(row: dict[str, Any]) -> dict[str, str]:
    return {
        "key": row["key"],
        **translated_forms.row_form_values(row, ("label", "unit")),
        "position": str(row["position"]),
        "active": "on" if row["active"] else "",
    }


def _clean(data: dict[str, str], *, builtin: bool) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"active": data.get("active") == "on"}
    if builtin:
        return values, errors  # a built-in's words come from the catalogs
    source = translated_forms.source_language(data, errors)
    label = translated_forms.translated(data, "label", source)
    unit = translated_forms.translated(data, "unit", source)
    translated_forms.require_source_text(label, "label", errors)
    translated_forms.check_length(label, "label", LABEL_MAX, errors)
    translated_forms.check_length(unit, "unit", UNIT_MAX, errors)
    try:
        position = int(data.get("position", "0") or "0")
        if not 0 <= position <= 1000:
            raise ValueError(position)
    except ValueError:
        errors["position"] = gettext("Enter a whole number from 0 to 1000.")
        position = 0
    values.update(label=label.dump(), unit=unit.dump(), position=position)
    return values, errors


async def create(actor: Viewer, data: dict[str, str], client: str = "") -> str:
    require(actor, "indicator.manage")
    values, errors = _clean(data, builtin=False)
    key = data.get("key", "").strip().lower()
    if not KEY_PATTERN.match(key):
        errors["key"] = gettext(
            "Use 2 to 39 lower-case Latin letters, digits and underscores, starting with a letter."
        )
    if errors:
        raise ValidationFailed(errors)
    await ensure_builtins()
    async with write_transaction():
        if await Indicator.exists().where(Indicator.key == key):
            raise ValidationFailed({"key": gettext("This key is already taken.")})
        row = Indicator(key=key, builtin=False, **values)
        await row.save()
    await record(
        actor, "indicator.create", "indicator", key, client=client, after={"key": key, **values}
    )
    return key


async def update(
    actor: Viewer, current: dict[str, Any], data: dict[str, str], client: str = ""
) -> None:
    require(actor, "indicator.manage")
    values, errors = _clean(data, builtin=bool(current["builtin"]))
    if errors:
        raise ValidationFailed(errors)
    await Indicator.update(values).where(Indicator.id == current["id"])
    comparable = {
        k: (Translated.load(v).dump() if k in ("label", "unit") else v) for k, v in current.items()
    }
    await record_changes(
        actor,
        "indicator.update",
        "indicator",
        current["key"],
        client=client,
        before=comparable,
        after=values,
    )


async def rows() -> list[dict[str, Any]]:
    """Every indicator row for the bureau's list, built-ins first."""
    await ensure_builtins()
    entries = {e.key: e for e in await catalog(include_inactive=True)}
    found = await Indicator.select().order_by(Indicator.position).order_by(Indicator.id)
    for row in found:
        entry = entries.get(row["key"])
        row["shown_label"] = entry.label if entry else row["key"]
        row["shown_unit"] = entry.unit if entry else ""
    return sorted(found, key=lambda row: (not row["builtin"], row["position"], row["id"]))
