"""Guards on the shape of the repository itself."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_top_level_package_shadows_a_standard_library_module() -> None:
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    modules = {path.stem for path in ROOT.glob("*.py")}
    assert not (packages | modules) & set(sys.stdlib_module_names)


def test_every_domain_has_the_same_rooms() -> None:
    from core.domains import DOMAINS

    for name in DOMAINS:
        for room in ("tables.py", "piccolo_app.py", "piccolo_migrations"):
            assert (ROOT / name / room).exists(), f"{name}/{room} is missing"
