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


def _private_names_used_across_modules(path: Path) -> list[str]:
    """`from x import _name` and `x._name` where `x` is one of our own modules."""
    import ast

    ours = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ours:
            for alias in node.names:
                aliases.add(alias.asname or alias.name)
                if alias.name.startswith("_"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.attr != "_meta"  # Piccolo's public table metadata
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_reaches_into_another_modules_private_names() -> None:
    """A name used from another module is public: it carries no leading underscore."""
    sources = [
        path
        for package in ("core", "events", "projects", "cooperation")
        for path in (ROOT / package).rglob("*.py")
        if "piccolo_migrations" not in path.parts
    ]
    found = [line for path in sources for line in _private_names_used_across_modules(path)]
    assert not found, "\n".join(found)


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
        if _is_test_module(module)
    ]
    assert not offenders, "move what they share to tests/support:\n" + "\n".join(offenders)
