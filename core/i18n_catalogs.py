"""Translation workflow: extract → update → translate → compile → check.

`check` regenerates the template from the sources and fails on any message a catalog lacks,
leaves untranslated, marks fuzzy or still carries after it left the sources, on a placeholder
that does not match, and on a compiled `.mo` that is older than its `.po`.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.i18n import CATALOG_DIR, DOMAIN, LANGUAGES, ROOT

ACTIONS = ("extract", "update", "compile", "check")
TEMPLATE = CATALOG_DIR / f"{DOMAIN}.pot"
KEYWORDS = ["lazy_gettext", "pgettext:1c,2", "N_"]


def _po_path(lang: str) -> Path:
    return CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = TEMPLATE) -> None:
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        *keywords,
        "--no-location",
        "--sort-output",
        "--project",
        "Hongshan",
        "-o",
        str(output),
        str(ROOT),
    )


def update() -> None:
    extract()
    for lang in LANGUAGES:
        command = "update" if _po_path(lang).exists() else "init"
        extra = ["--ignore-obsolete", "--no-fuzzy-matching"] if command == "update" else []
        _pybabel(
            command, "-i", str(TEMPLATE), "-d", str(CATALOG_DIR), "-D", DOMAIN, "-l", lang, *extra
        )
    _fill_source_language()


def _fill_source_language() -> None:
    """The sources are written in English, so the English catalog is the identity."""
    path = _po_path("en")
    catalog = _read(path, "en")
    for message in catalog:
        if message.id and _untranslated(message):
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def compile_all() -> None:
    for lang in LANGUAGES:
        catalog = _read(_po_path(lang), lang)
        _po_path(lang).with_suffix(".mo").write_bytes(_compiled(catalog))


def _untranslated(message: object) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)  # type: ignore[attr-defined]
    return not all(strings)


def problems() -> list[str]:
    """Everything that keeps the catalogs from being complete and current."""
    found: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        template_path = Path(folder) / "messages.pot"
        extract(template_path)
        template = _read(template_path)
    wanted = {message.id for message in template if message.id}
    for lang in LANGUAGES:
        path = _po_path(lang)
        if not path.exists():
            found.append(f"{lang}: no catalog at {path.relative_to(ROOT)}")
            continue
        catalog = _read(path, lang)
        present = {message.id for message in catalog if message.id}
        found += [f"{lang}: missing {_short(mid)}" for mid in sorted(wanted - present, key=str)]
        found += [f"{lang}: obsolete {_short(mid)}" for mid in sorted(present - wanted, key=str)]
        for message in catalog:
            if not message.id:
                continue
            if message.fuzzy:
                found.append(f"{lang}: fuzzy {_short(message.id)}")
            elif _untranslated(message):
                found.append(f"{lang}: untranslated {_short(message.id)}")
            found += [
                f"{lang}: {error} in {_short(message.id)}" for error in message.check(catalog)
            ]
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _compiled(catalog):
            found.append(f"{lang}: {mo.relative_to(ROOT)} is not compiled from the current .po")
    return found


def _short(message_id: object) -> str:
    text = message_id[0] if isinstance(message_id, tuple) else str(message_id)
    return repr(text if len(text) <= 70 else text[:67] + "...")


def run(action: str) -> int:
    if action == "extract":
        extract()
    elif action == "update":
        update()
    elif action == "compile":
        compile_all()
    else:
        issues = problems()
        for line in issues:
            print(line, file=sys.stderr)
        if issues:
            print(f"{len(issues)} translation problem(s)", file=sys.stderr)
            return 1
        print("All catalogs complete: " + ", ".join(LANGUAGES))
    return 0
