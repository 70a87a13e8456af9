"""Reading form fields into project values (dates, numbers, links; translated content is read
by core.translated_forms), and the refusal a save gets when someone else saved the same thing
first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import ValidationFailed
from core.i18n import gettext

URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
URL_MAX = 500
NUMBER_MAX = Decimal("1000000000000")


class EditConflict(ValidationFailed):
    """Someone saved a newer version since the form was opened. `current` is that newer state,
    so the page can show it next to the reader's own (kept) input."""

    def __init__(self, message: str, current: dict[str, Any], current_version: int) -> None:
        super().__init__({"": message})
        self.current = current
        self.current_version = current_version


@dataclass(frozen=True)
class Upload:
    """A file as the person sent it: what it was called on their computer and its bytes."""

    name: str
    content: bytes


def read_date(
    data: dict[str, str], name: str, errors: dict[str, str], *, required: bool = False
) -> date | None:
    raw = data.get(name, "").strip()
    if not raw:
        if required:
            errors[name] = gettext("Enter a date.")
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        errors[name] = gettext("Enter a date such as 2026-06-30.")
        return None
    if not 2000 <= value.year <= 2100:
        errors[name] = gettext("Enter a date such as 2026-06-30.")
        return None
    return value


def read_number(raw: str) -> int | float | None:
    """A non-negative amount as typed (a comma may be the decimal mark); None when it is not
    one. Whole amounts come back as int so stored values stay tidy."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > NUMBER_MAX:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 4))


def read_links(raw: str, field: str, errors: dict[str, str], limit: int = 20) -> list[str]:
    """One web address per line."""
    links = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(links) > limit:
        errors[field] = gettext("List at most %(num)d links.", num=limit)
    for link in links:
        if len(link) > URL_MAX or not URL_PATTERN.match(link):
            errors[field] = gettext(
                "Enter one web address per line, each starting with http:// or https://."
            )
            break
    return list(dict.fromkeys(links))[:limit]


def now() -> datetime:
    return datetime.now(UTC)
