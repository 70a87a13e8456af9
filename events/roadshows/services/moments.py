"""Reading form values: `datetime-local` inputs in the event's zone (stored in UTC), whole
numbers in a range, and money amounts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from core.i18n import gettext


def to_utc(raw: str, zone: str) -> datetime:
    local = datetime.fromisoformat(raw.replace(" ", "T"))
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_input(value: datetime | None, zone: str) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def read_moment(data: dict[str, str], name: str, zone: str, errors: dict[str, str]) -> datetime:
    """A required date-time field; problems go into `errors` (the epoch is returned then)."""
    raw = data.get(name, "").strip()
    if not raw:
        errors[name] = gettext("Enter a date and time.")
    else:
        try:
            return to_utc(raw, zone)
        except ValueError:
            errors[name] = gettext("Enter a date and time such as 2026-06-03 09:30.")
    return datetime.fromtimestamp(0, UTC)


def read_int(data: dict[str, str], name: str, low: int, high: int, errors: dict[str, str]) -> int:
    raw = data.get(name, "").strip()
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        errors[name] = gettext("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
        return low
    return value


def read_amount(raw: str, errors: dict[str, str], *, required: bool) -> Decimal | None:
    """An amount of money such as "1 500 000" or "1500000,50"; None when left empty."""
    if not raw.strip():
        if required:
            errors["amount"] = gettext("Enter the amount of investment sought.")
        return None
    try:
        value = Decimal(raw.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0 or value >= Decimal("1e14"):
        errors["amount"] = gettext("Enter an amount above zero, such as 1500000.")
        return None
    return value.quantize(Decimal("0.01"))
