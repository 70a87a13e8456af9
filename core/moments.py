"""Moments in time as people type and read them: wall-clock times in an IANA zone, stored as
UTC; form fields of type `datetime-local`; days and date ranges in the page's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

from core.i18n import current_language, gettext


def to_utc(raw: str, zone: str) -> datetime:
    """A wall-clock date-time typed in `zone` (as an `<input type="datetime-local">` sends it)
    as a UTC moment. ValueError for text that is no date-time, or a time the clocks skip."""
    naive = datetime.fromisoformat(raw.strip())
    if naive.tzinfo is not None or not 2000 <= naive.year <= 2100:
        raise ValueError(raw)
    tz = ZoneInfo(zone)
    moment = naive.replace(tzinfo=tz).astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != naive:
        raise ValueError(raw)  # inside a daylight-saving gap: no such wall-clock time
    return moment


def local_input(value: datetime | None, zone: str) -> str:
    """A stored UTC moment as the value of a `datetime-local` field in `zone`."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def local_date(value: datetime, zone: str) -> date:
    return value.astimezone(ZoneInfo(zone)).date()


def date_range(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """The days from `starts_at` to `ends_at` in `zone`, e.g. "Jun 3 – 4, 2026", in the page
    language."""
    return babel_dates.format_interval(
        local_date(starts_at, zone), local_date(ends_at, zone), "yMMMd", locale=current_language()
    )


def read_moment(
    data: dict[str, str], name: str, zone: str, errors: dict[str, str], *, required: bool = False
) -> datetime | None:
    """One date-time field of a form, converted from `zone`; problems go into `errors`."""
    raw = data.get(name, "").strip()
    if not raw:
        if required:
            errors[name] = gettext("Enter a date and time.")
        return None
    try:
        return to_utc(raw, zone)
    except ValueError:
        errors[name] = gettext("Enter a date and time such as 2026-06-03 09:30.")
    return None
