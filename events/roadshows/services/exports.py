"""Spreadsheets of a roadshow, through the one writer (core.spreadsheets): the organizer's
ranking and a reviewer's own assignments (which, in a blind call, name nobody)."""

from __future__ import annotations

from typing import Any

from core.content import Translated
from core.i18n import current_language, gettext
from core.spreadsheets import Sheet
from core.vocabulary import field_labels
from events.roadshows.services.calls import criteria, criterion_label
from events.roadshows.services.ranking import Ranked
from events.roadshows.services.submissions import all_labels


def _plain(value: Any) -> str:
    return Translated.load(value).show(current_language()).text


def ranking_sheet(call: dict[str, Any], ranked: list[Ranked]) -> Sheet:
    labels = all_labels()
    header = [
        gettext("Rank"),
        gettext("Code"),
        gettext("Project"),
        gettext("Organization"),
        gettext("Field"),
        gettext("Score"),
        gettext("Spread"),
        gettext("Reviews"),
        gettext("Decision"),
    ]
    rows: list[list[Any]] = []
    for number, entry in enumerate(ranked, start=1):
        row = entry.submission
        rows.append(
            [
                number if entry.score is not None else None,
                row["code"],
                _plain(row["title"]),
                _plain(row["organization_name"]),
                labels["fields"].get(row["field"], row["field"]),
                entry.score,
                entry.spread if len(entry.totals) > 1 else None,
                f"{len(entry.totals)}/{entry.assigned}",
                labels["decisions"][row["decision"]],
            ]
        )
    return Sheet(gettext("Ranking"), header, rows)


def reviewer_sheet(assignments: list[dict[str, Any]], calls_by_id: dict[int, Any]) -> Sheet:
    """A reviewer's assignments with their scores; blind calls show only codes and the
    texts as the review page shows them."""
    fields = field_labels()
    keys: list[tuple[str, str]] = []
    for call in calls_by_id.values():
        for item in criteria(call):
            if item["key"] not in {k for k, _ in keys}:
                keys.append((item["key"], criterion_label(item, current_language())))
    header = [gettext("Code"), gettext("Project"), gettext("Field")]
    header += [label for _key, label in keys] + [gettext("Comment"), gettext("Finished")]
    rows = []
    for item in assignments:
        scores = item["scores"] or {}
        rows.append(
            [item["code"], _plain(item["title"]), fields.get(item["field"], item["field"])]
            + [scores.get(key) for key, _label in keys]
            + [item["comment"], gettext("Yes") if item["done"] else gettext("No")]
        )
    return Sheet(gettext("My reviews"), header, rows)
