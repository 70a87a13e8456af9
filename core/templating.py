"""The Jinja2 environment: i18n extension bound to the current language, and Babel filters."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup, escape

from core import i18n
from core.access import ANONYMOUS, Viewer, can, role_labels
from core.content import Translated, plain_text
from core.domains import load_domains
from core.i18n import LANGUAGE_NAMES, LANGUAGES, ROOT
from core.settings import get_settings
from core.uploads import limit_attributes

TEMPLATE_DIR = ROOT / "templates"


def split_language(path: str) -> tuple[str | None, str]:
    """`/ru/events/x/` → (`ru`, `events/x/`); a path without a language → (None, path)."""
    head, _sep, rest = path.lstrip("/").partition("/")
    if head in LANGUAGES:
        return head, rest
    return None, path.lstrip("/")


def language_url(path: str, lang: str) -> str:
    _current, rest = split_language(path)
    return f"/{lang}/{rest}"


@pass_context
def _alternates(context: Any) -> list[dict[str, str]]:
    """The same page in each language, for the switcher and `hreflang` links."""
    request = context.get("request")
    # raw_path keeps the trailing slash that Litestar trims from `url.path`.
    path = request.scope.get("raw_path", b"/").decode("latin-1") if request is not None else "/"
    query = f"?{request.url.query}" if request is not None and request.url.query else ""
    return [
        {"lang": lang, "name": LANGUAGE_NAMES[lang], "url": language_url(path, lang) + query}
        for lang in LANGUAGES
    ]


@lru_cache(maxsize=4096)
def _parsed(raw: str) -> Translated:
    """A JSON column's text parsed once, however often pages show it."""
    return Translated.load(raw)


def _show(value: Translated | dict[str, Any] | str | None) -> Markup:
    """Translated content in the page language, marked when it falls back to another one."""
    if isinstance(value, Translated):
        content = value
    elif isinstance(value, str):
        content = _parsed(value)
    else:
        content = Translated.load(value)
    lang = i18n.current_language()
    shown = content.show(lang)
    if not shown.is_fallback:
        return escape(shown.text)
    note = i18n.gettext(
        "Not yet translated; shown in %(language)s", language=LANGUAGE_NAMES[shown.lang]
    )
    return Markup('<span lang="{lang}" class="fallback" title="{note}">{text}</span>').format(
        lang=shown.lang, note=note, text=shown.text
    )


@pass_context
def _viewer(context: Any) -> Viewer:
    request = context.get("request")
    user = request.scope.get("user") if request is not None else None
    return user if isinstance(user, Viewer) else ANONYMOUS


@pass_context
def _can(context: Any, action: str, obj: Any = None) -> bool:
    return can(_viewer(context), action, obj)


def _menu() -> list[Any]:
    entries = [entry for domain in load_domains() for entry in domain.menu]
    return sorted(entries, key=lambda entry: entry.order)


def create_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    # Babel extracts `{% trans %}` blocks trimmed (babel.cfg); look them up the same way.
    env.policies["ext.i18n.trimmed"] = True

    def catalog() -> Any:
        return i18n.translations(i18n.current_language())

    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: catalog().ugettext(message),
        ngettext=lambda singular, plural, n: catalog().ungettext(singular, plural, n),
        pgettext=lambda context, message: catalog().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: catalog().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    env.filters.update(
        date=i18n.format_date,
        datetime=i18n.format_datetime,
        time=i18n.format_time,
        relative=i18n.format_relative,
        number=i18n.format_number,
        percent=i18n.format_percent,
        size=i18n.format_size,
        sentence_list=i18n.format_list,
        show=_show,
        missing_languages=lambda value: Translated.load(value).missing(),
        language_name=LANGUAGE_NAMES.get,
    )
    env.globals.update(
        current_language=i18n.current_language,
        languages=LANGUAGES,
        language_names=LANGUAGE_NAMES,
        alternates=_alternates,
        menu=_menu,
        viewer=_viewer,
        role_names=role_labels,
        zone_choices=lambda zones: [(zone, i18n.zone_name(zone)) for zone in zones],
        country_name=i18n.country_name,
        country_choices=lambda codes: [(code, i18n.country_name(code)) for code in codes],
        zone_label=i18n.zone_name,
        organization_choices=lambda rows: [(row["slug"], plain_text(row["name"])) for row in rows],
        can=_can,
        upload_limits=limit_attributes,
        settings=get_settings(),
    )
    return env
