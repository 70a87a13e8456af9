"""Guards on the shape of the repository itself."""

import ast
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


# Invitation tests still take the SMTP helpers from the outbox's tests; they move to
# tests.support together with the invitation tests themselves.
_NOT_YET_MOVED = {
    ("test_invitations.py", "tests.core.test_outbox"),
    ("test_invitations_bulk.py", "tests.core.test_outbox"),
}


def _is_test_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_test_module_imports_another_test_module() -> None:
    """Shared helpers live in tests/support (or a package's factories): importing a test
    module runs its module-level code twice and ties two tests' files together."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for module in sorted(_imported_modules(path))
        if _is_test_module(module) and (path.name, module) not in _NOT_YET_MOVED
    ]
    assert not offenders, "move what they share to tests/support:\n" + "\n".join(offenders)
