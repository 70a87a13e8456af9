"""Languages, message catalogs and locale-aware formatting (Babel).

The language of the current request or job lives in a context variable, so the gettext
functions used by Python code and by templates always agree without passing it around.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel.support import LazyProxy, Translations

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "i18n"
DOMAIN = "messages"

LANGUAGES: tuple[str, ...] = ("zh", "ru", "kk", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_NAMES = {"zh": "中文", "ru": "Русский", "kk": "Қазақша", "en": "English"}
LANGUAGE_COOKIE = "hongshan_lang"

_current: ContextVar[str] = ContextVar("hongshan_language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


def set_language(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Run a block (a mail render, a job) in another language."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


@cache
def translations(lang: str) -> Translations:
    return Translations.load(str(CATALOG_DIR), [lang], DOMAIN)


@cache
def locale(lang: str) -> Locale:
    return Locale.parse(lang)


def gettext(message: str, **variables: object) -> str:
    text = translations(current_language()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(current_language()).ungettext(singular, plural, n)
    return text % {"num": n, **variables}


def pgettext(context: str, message: str) -> str:
    return translations(current_language()).upgettext(context, message)


def lazy_gettext(message: str, **variables: object) -> LazyProxy:
    """For module-level strings that must be translated when shown, not when imported."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


_ = gettext


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later, at display time."""
    return message


def negotiate(accept_language: str | None) -> str | None:
    """Pick the best supported language from an Accept-Language header, honouring q-values."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag.strip().lower()))
    for _q, _i, tag in sorted(ranked):
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return None


# --- formatting -------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def format_date(value: datetime, fmt: str = "medium") -> str:
    return babel_dates.format_date(value, fmt, locale=locale(current_language()))


def format_datetime(value: datetime, zone: str = "UTC") -> str:
    """A moment shown in `zone` (an IANA name) with the zone named, for the page language:
    the locale's medium date and short time, joined by the locale's own pattern."""
    lang_locale = locale(current_language())
    local = _aware(value).astimezone(ZoneInfo(zone))
    day = babel_dates.format_date(local, "medium", locale=lang_locale)
    time = babel_dates.format_time(local, "short", locale=lang_locale)
    shown = str(lang_locale.datetime_formats["medium"]).format(time, day)
    return f"{shown} ({zone_name(zone, local)})"


def format_time(value: datetime, zone: str = "UTC", fmt: str = "short") -> str:
    tz = ZoneInfo(zone)
    return babel_dates.format_time(
        _aware(value).astimezone(tz), fmt, tzinfo=tz, locale=locale(current_language())
    )


def zone_name(zone: str, at: datetime | None = None) -> str:
    """A zone as people read it: its city and UTC offset, e.g. "Урумчи, UTC+06:00"."""
    tz = ZoneInfo(zone)
    moment = (at or datetime.now(UTC)).astimezone(tz)
    city = babel_dates.get_timezone_location(
        tz, locale=locale(current_language()), return_city=True
    )
    offset = babel_dates.get_timezone_gmt(moment, locale=locale("en"))
    return f"{city}, {offset.replace('GMT', 'UTC')}"


def format_relative(value: datetime, now: datetime | None = None) -> str:
    delta: timedelta = _aware(value) - (now or datetime.now(UTC))
    return babel_dates.format_timedelta(
        delta, add_direction=True, threshold=1.0, locale=locale(current_language())
    )


def country_name(code: str) -> str:
    """A country's name in the page language, from CLDR (e.g. KZ → Қазақстан)."""
    return locale(current_language()).territories.get(code.upper(), code)


def format_number(value: float | int) -> str:
    return babel_numbers.format_decimal(value, locale=locale(current_language()))


def format_size(size: int) -> str:
    """A size in bytes as people read it: "20 MB", "9,5 MB" in Russian."""
    megabytes = size / (1024 * 1024)
    number = babel_numbers.format_decimal(megabytes, "#,##0.#", locale=locale(current_language()))
    return f"{number} MB"


def format_percent(value: float) -> str:
    return babel_numbers.format_percent(value, locale=locale(current_language()))


def format_list(items: list[str]) -> str:
    return babel_lists.format_list(items, locale=locale(current_language()))
